/** Files imported as text (`import text from "./file?raw"`, resolved by Vite in the test runner). */
declare module "*?raw" {
  const text: string;
  export default text;
}
