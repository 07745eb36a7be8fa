import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("../../", import.meta.url).pathname;

function apiSearch(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  // The same as `npm run -s api:search -- …`, without npm's own start-up time.
  return spawnSync(process.execPath, [join(root, "scripts/api-search.ts"), ...args], { encoding: "utf8", input });
}

describe("npm run api:search", () => {
  it("prints one JSON array of { id, method, path, summary }, best first", () => {
    const run = apiSearch(["--limit", "5", "--json", "list my r2 buckets"]);
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const results = JSON.parse(lines[0]!) as Array<Record<string, string>>;
    expect(results).toHaveLength(5);
    expect(results[0]).toEqual({
      id: "r2.buckets.list", method: "GET", path: "/accounts/{account_id}/r2/buckets", summary: expect.stringContaining("R2 buckets"),
    });
    for (const result of results) expect(Object.keys(result)).toEqual(["id", "method", "path", "summary"]);
  });

  it("reads one query per line from stdin and answers one JSON array per line, in order", () => {
    const run = apiSearch(["--json", "--limit", "2"], "list my zones\ncreate a d1 database\npurge everything from the cache\n");
    expect(run.status, run.stderr).toBe(0);
    const answers = run.stdout.trim().split("\n").map((line) => JSON.parse(line) as Array<{ id: string }>);
    expect(answers.map((a) => a[0]?.id)).toEqual(["zones.list", "d1.database.create", "cache.purge"]);
    expect(answers.every((a) => a.length === 2)).toBe(true);
  });

  it("refuses a bad --limit with a message that says what is allowed", () => {
    const run = apiSearch(["--limit", "zero", "--json", "zones"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--limit must be a whole number from 1 to 50");
  });
});
