// Regenerates worker-configuration.d.ts from wrangler.toml and .dev.vars.example
// (never edit that file by hand). Secrets are typed from the example file, never from real values.
import { spawnSync } from "node:child_process";

const result = spawnSync(
  "npx",
  ["wrangler", "types", "--env-file", ".dev.vars.example"],
  { stdio: "inherit", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
);
process.exit(result.status ?? 1);
