/** Runs the Cloudflare API emulator (a test double) on a local port. */
import { serveHandler, type LocalServer } from "../shared/node-server.ts";
import { API_BASE_PATH, CloudflareEmulator } from "./emulator.ts";

export { DEMO_ACCOUNT_ID, DEMO_API_TOKEN, DEMO_EXPIRED_TOKEN, DEMO_LIMITED_TOKEN, DEMO_USER_EMAIL, DEMO_ZONES } from "./seed.ts";

/** A running emulator; `apiBase` is what CLOUDFLARE_API_BASE should be set to. */
export interface RunningEmulator extends LocalServer {
  apiBase: string;
  emulator: CloudflareEmulator;
}

/** Starts the emulator on 127.0.0.1 (`port` 0 picks a free one). */
export async function startCloudflareEmulator(options: { port?: number } = {}): Promise<RunningEmulator> {
  const emulator = new CloudflareEmulator();
  const server = await serveHandler((request) => emulator.handle(request), options.port ?? 0);
  return { ...server, apiBase: `${server.url}${API_BASE_PATH}`, emulator };
}
