// `npm test`: the main suite (workerd + Node projects), then the sandbox suite in its own
// vitest process under a hard timeout: a broken loop guard freezes workerd, and that must end
// in a clear failure, never a hung test run. Extra arguments go to both vitest runs.
// With VITEST_JSON_DIR set, each phase also writes <dir>/<phase>.json (vitest's JSON report).
import { spawn } from "node:child_process";

// One project at a time: on a 2-core machine the workerd suite and the Node-side suites (which
// start wrangler dev, Chromium, benchmarks) compete for CPU and turn timing into flakiness.
const PHASES = [
  { name: "workers", projects: ["workers"], timeoutMs: 30 * 60_000 },
  { name: "node", projects: ["node"], timeoutMs: 30 * 60_000 },
  { name: "sandbox", projects: ["sandbox"], timeoutMs: 5 * 60_000 },
];
const phases = PHASES;
const extra = process.argv.slice(2);
const jsonDir = process.env.VITEST_JSON_DIR;
let failed = false;

for (const phase of phases) {
  const args = ["vitest", "run", ...phase.projects.flatMap((p) => ["--project", p]), ...extra];
  if (jsonDir) args.push("--reporter=default", "--reporter=json", `--outputFile.json=${jsonDir}/${phase.name}.json`);
  const code = await run(args, phase.timeoutMs);
  if (code === "timeout") {
    console.error(`\n✗ the ${phase.name} tests did not finish within ${phase.timeoutMs / 60_000} minutes and were stopped.` +
      (phase.name === "sandbox" ? " A snippet probably froze workerd: check the loop guard (skills/cloudflare/sandbox/loop-guard.ts)." : ""));
    failed = true;
  } else if (code !== 0) {
    failed = true;
  }
}
process.exit(failed ? 1 : 0);

function run(args, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn("npx", args, { stdio: "inherit", detached: true });
    const timer = setTimeout(() => {
      try { process.kill(-child.pid, "SIGKILL"); } catch { /* gone */ }
      resolve("timeout");
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve(code ?? 1);
    });
  });
}
