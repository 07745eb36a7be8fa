import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
// The bench is TypeScript run directly, which needs Node 22 (npm scripts put it first on PATH).
const node = Number(process.versions.node.split(".")[0]) >= 22 ? process.execPath : `${root}node_modules/.bin/node`;

function runBench(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(node, [`${root}bench/webhook.ts`, ...args], { cwd: root, timeout: 55_000, maxBuffer: 8 * 1024 * 1024, env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
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

describe("npm run bench -- webhook", () => {
  it("measures both Workers, prints one JSON object, loses and duplicates nothing, and leaves no process behind", async () => {
    const { code, stdout, stderr } = await runBench(["--updates", "40", "--concurrency", "4", "--chats", "8", "--json"]);
    expect(code, stderr).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0] ?? "") as Record<string, unknown>;
    for (const key of ["updates", "concurrency", "p50Ms", "p99Ms", "baselineP50Ms", "baselineP99Ms", "ratioP99", "lost", "duplicated", "updatesPerSec", "baselineUpdatesPerSec", "ratioP50"]) {
      expect(typeof result[key], key).toBe("number");
    }
    expect(result).toMatchObject({ updates: 40, concurrency: 4, lost: 0, duplicated: 0, failedRequests: 0, redeliveryFailures: 0 });
    expect(result.p99Ms as number).toBeGreaterThan(0);
    expect(result.baselineP99Ms as number).toBeGreaterThan(0);

    const groups = /process groups: ours (\d+), baseline (\d+)/.exec(stderr);
    expect(groups, stderr).not.toBeNull();
    for (const pid of [Number(groups?.[1]), Number(groups?.[2])]) expect(groupAlive(pid), `process group ${pid}`).toBe(false);
  }, 60_000);
});
