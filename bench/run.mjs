// `npm run bench -- <name> [--json] [...]`: runs bench/<name>.ts (see DESIGN.md for the JSON keys).
// With no name, lists the benchmarks.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const available = readdirSync(here).filter((f) => f.endsWith(".ts")).map((f) => f.replace(/\.ts$/, ""));
const [name, ...rest] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join("|")}> [--json]`);
  process.exit(name ? 2 : 0);
}
const file = `${here}${name}.ts`;
if (!existsSync(file)) process.exit(2);
const result = spawnSync(process.execPath, [file, ...rest], { stdio: "inherit", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
process.exit(result.status ?? 1);
