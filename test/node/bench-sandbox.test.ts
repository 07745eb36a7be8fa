import { describe, expect, it } from "vitest";
import { groupAlive, runBench as run } from "./support/bench-runner.ts";

/** How long the bench may take before it is stopped (a failure, with its output). */
const BUDGET_MS = 180_000;

describe("npm run bench -- sandbox", () => {
  // It bundles two Workers and starts them under wrangler dev: about 25 s on a quiet 2-core
  // machine, over a minute on a busy one. Its budget is for a busy one; one retry for the rest.
  it("times our runtime against the bare executor and an approval round trip, prints one JSON object, and leaves no process behind", { timeout: BUDGET_MS + 10_000, retry: 1 }, async () => {
    const { code, stdout, stderr } = await run("sandbox", ["--runs", "5", "--approve-runs", "2", "--warmup", "2", "--d1-latency", "5", "--json"], BUDGET_MS);
    expect(code, stderr).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0] ?? "") as Record<string, unknown>;
    for (const key of ["runs", "p50Ms", "p99Ms", "baselineP50Ms", "baselineP99Ms", "ratioP50", "approveToResultP50Ms"]) {
      expect(typeof result[key], key).toBe("number");
    }
    expect(result).toMatchObject({ runs: 5, timedRuns: 5, baselineTimedRuns: 5, failedRuns: 0, approveRuns: 2, d1LatencyMs: 5 });
    // Both paths ran the same snippet against the same emulator, so they returned the same zone count.
    expect(typeof result.result).toBe("number");
    expect(result.result).toBe(result.baselineResult);
    for (const key of ["p50Ms", "baselineP50Ms", "ratioP50", "approveToResultP50Ms", "runtimeOnlyP50Ms"]) expect(result[key] as number, key).toBeGreaterThan(0);
    // Each of our runs makes at least one D1 statement, so a 5 ms round trip shows in every one of them.
    expect(result.minMs as number).toBeGreaterThanOrEqual(5);

    const groups = /process groups: bench (\d+), bot (\d+)/.exec(stderr);
    expect(groups, stderr).not.toBeNull();
    for (const pid of [Number(groups?.[1]), Number(groups?.[2])]) expect(groupAlive(pid), `process group ${pid}`).toBe(false);
  });
});
