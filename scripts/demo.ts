/**
 * `npm run demo`: a scripted tour of the bot against the local stack, printed as a transcript.
 *
 * Starts the playground on free ports with a throwaway state directory (so it can run beside an
 * `npm start`), always against the Cloudflare demo account emulator (a tour that creates and
 * deletes databases must never touch a real account), plays dev/playground/tour.ts, and stops
 * everything it started. Exit code 0 only if every step behaved as expected; 1 otherwise.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPlayground, type Playground } from "../dev/playground/playground.ts";
import { runTour, TourStepError } from "../dev/playground/tour.ts";

const print = (line: string) => console.log(line);
// Ctrl-C stops the stack (at once, or as soon as it is up: exiting mid-start would leave a
// workerd behind); the tour then fails on its next step and the script exits 130.
let playground: Playground | undefined;
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    interrupted = true;
    void playground?.stop();
  });
}

print("npm run demo — a scripted tour of the bot, against the local stack");
const started = Date.now();
let code = 0;
try {
  playground = await startPlayground({
    port: 0,
    stateDir: mkdtempSync(join(tmpdir(), "codemode-demo-")),
    removeStateDir: true,
    cloudflare: "emulator",
    onProgress: (line) => print(`   ${line}`),
    onWranglerLine: (line) => { if (process.env.VERBOSE) print(`   [wrangler] ${line}`); },
  });
  if (interrupted) throw new Error("interrupted");
  print(`   Worker v${playground.version} (real, wrangler dev) · Telegram: local fake Bot API · Cloudflare API: demo account emulator`
    + ` · model: ${playground.llmConfigured ? "from .dev.vars" : "none"}`);
  const result = await runTour(playground, print);
  print("");
  print(`All ${result.passed} steps behaved as expected${result.skipped.length ? ` (${result.skipped.length} skipped)` : ""} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
} catch (error) {
  code = 1;
  print("");
  if (interrupted) console.error("✗ The demo was interrupted.");
  else if (error instanceof TourStepError) console.error(`✗ The demo stopped: ${error.message}`);
  else console.error(`✗ The demo could not run: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await playground?.stop();
}
process.exit(interrupted ? 130 : code);
