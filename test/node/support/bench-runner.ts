/** Runs a benchmark script as a child process (under Node 22) for the node-project bench tests. */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
// The benches are TypeScript run directly, which needs Node 22 (npm scripts put it first on PATH).
const node = Number(process.versions.node.split(".")[0]) >= 22 ? process.execPath : `${root}node_modules/.bin/node`;

/** Runs `bench/<name>.ts` with `args`; resolves with its exit code and output. */
export function runBench(name: string, args: string[], timeoutMs = 55_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(node, [`${root}bench/${name}.ts`, ...args], { cwd: root, timeout: timeoutMs, maxBuffer: 8 * 1024 * 1024, env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === "number" ? error.code : error ? 1 : 0;
        resolve({ code, stdout, stderr });
      });
  });
}

/** Whether a process group still has a live member. */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}
