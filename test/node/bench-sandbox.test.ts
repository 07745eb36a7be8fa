import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
// The bench is TypeScript run directly, which needs Node 22 (npm scripts put it first on PATH).
const node = Number(process.versions.node.split(".")[0]) >= 22 ? process.execPath : `${root}node_modules/.bin/node`;

function runBench(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(node, [`${root}bench/sandbox.ts`, ...args], { cwd: root, timeout: 55_000, maxBuffer: 8 * 1024 * 1024, env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === "number" ? error.code : error ? 1 : 0;
        resolve({ code, stdout, stderr });
      });
  });
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("npm run bench -- sandbox", () => {
  it("times our runtime against the bare executor and an approval round trip, prints one JSON object, and leaves no process behind", async () => {
    const { code, stdout, stderr } = await runBench(["--runs", "5", "--approve-runs", "2", "--warmup", "2", "--json"]);
    expect(code, stderr).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0] ?? "") as Record<string, unknown>;
    for (const key of ["runs", "p50Ms", "p99Ms", "baselineP50Ms", "baselineP99Ms", "ratioP50", "approveToResultP50Ms"]) {
      expect(typeof result[key], key).toBe("number");
    }
    expect(result).toMatchObject({ runs: 5, timedRuns: 5, baselineTimedRuns: 5, failedRuns: 0, approveRuns: 2 });
    // Both paths ran the same snippet against the same emulator, so they returned the same zone count.
    expect(typeof result.result).toBe("number");
    expect(result.result).toBe(result.baselineResult);
    for (const key of ["p50Ms", "baselineP50Ms", "ratioP50", "approveToResultP50Ms"]) expect(result[key] as number, key).toBeGreaterThan(0);

    const groups = /process groups: bench (\d+), bot (\d+)/.exec(stderr);
    expect(groups, stderr).not.toBeNull();
    for (const pid of [Number(groups?.[1]), Number(groups?.[2])]) expect(groupAlive(pid), `process group ${pid}`).toBe(false);
  }, 60_000);
});
