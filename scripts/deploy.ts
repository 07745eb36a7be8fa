/** `npm run deploy`: apply remote D1 migrations, then redeploy (see scripts/setup/redeploy.ts). */
import { createWranglerRunner } from "./setup/command-runner.ts";
import { SetupError } from "./setup/errors.ts";
import { createOutput } from "./setup/output.ts";
import { runRedeploy } from "./setup/redeploy.ts";

const output = createOutput((text) => process.stdout.write(text));
try {
  await runRedeploy({ root: process.cwd(), run: createWranglerRunner(), fetch: (input, init) => fetch(input, init), output, nodeVersion: process.versions.node, env: process.env });
} catch (error) {
  process.stderr.write(`✗ ${error instanceof SetupError ? "" : "deploy failed: "}${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
