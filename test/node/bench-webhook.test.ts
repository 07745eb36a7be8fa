import { describe, expect, it } from "vitest";
import { groupAlive, runBench as run } from "./support/bench-runner.ts";

/** How long the bench may take before it is stopped (a failure, with its output). */
const BUDGET_MS = 180_000;

describe("npm run bench -- webhook", () => {
  // It bundles two Workers and starts them under wrangler dev: about 25 s on a quiet 2-core
  // machine, over a minute on a busy one. Its budget is for a busy one; one retry for the rest.
  it("measures both Workers, prints one JSON object, loses and duplicates nothing, and leaves no process behind", { timeout: BUDGET_MS + 10_000, retry: 1 }, async () => {
    const { code, stdout, stderr } = await run("webhook", ["--updates", "40", "--concurrency", "4", "--chats", "8", "--json"], BUDGET_MS);
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
  });
});
