/** `npm run doctor [-- --url https://…]`: one line per part of a deployment, with fixes (see scripts/doctor/run-doctor.ts). */
import { parseArgs } from "node:util";
import { runDoctor } from "./doctor/run-doctor.ts";
import { createWranglerRunner } from "./setup/command-runner.ts";
import { createOutput } from "./setup/output.ts";
import { noPrompter, terminalPrompter } from "./setup/prompter.ts";

const { values } = parseArgs({ options: { url: { type: "string" } } });
const output = createOutput((text) => process.stdout.write(text));
try {
  const lines = await runDoctor({
    root: process.cwd(), run: createWranglerRunner(), fetch: (input, init) => fetch(input, init), output,
    prompter: process.stdin.isTTY && process.env.CI !== "true" ? terminalPrompter() : noPrompter, env: process.env,
  }, { workerUrl: values.url });
  process.exit(lines.some((l) => l.verdict === "fail") ? 1 : 0);
} catch (error) {
  process.stderr.write(`${output.redact(`✗ doctor failed: ${error instanceof Error ? error.message : String(error)}`)}\n`);
  process.exit(1);
}
