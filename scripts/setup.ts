/**
 * `npm run setup`: deploy the bot to your Cloudflare account and connect it to Telegram.
 * Interactive by default; `--yes` (or CI=true) for scripts. See scripts/setup/run-setup.ts.
 */
import { createWranglerRunner } from "./setup/command-runner.ts";
import { parseSetupArgs, SETUP_USAGE } from "./setup/args.ts";
import { SetupError } from "./setup/errors.ts";
import { createOutput } from "./setup/output.ts";
import { noPrompter, terminalPrompter } from "./setup/prompter.ts";
import { runSetup } from "./setup/run-setup.ts";

const output = createOutput((text) => process.stdout.write(text));
try {
  const args = parseSetupArgs(process.argv.slice(2), process.env);
  if (args.help) {
    console.log(SETUP_USAGE);
    process.exit(0);
  }
  const prompter = args.yes || !process.stdin.isTTY ? noPrompter : terminalPrompter();
  await runSetup(args.options, {
    root: process.cwd(), run: createWranglerRunner(), fetch: (input, init) => fetch(input, init),
    prompter, output, nodeVersion: process.versions.node, env: process.env,
  });
} catch (error) {
  const message = error instanceof SetupError ? `✗ ${error.message}` : `✗ setup failed: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`${output.redact(message)}\n`);
  process.exit(1);
}
