// Which calls ask for a tap: no read may ask needlessly, and nothing that changes the account
// (user SQL, purges, sends, jobs, spending) may run without one. This pins the review of every
// operation other than GET whose summary says it only looks (lists, gets, checks, validates,
// previews, analyzes…): each is either a reviewed read or a reviewed write, with a reason.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { accessOf } from "../../approvals/access.ts";
import { READ_ONLY_POSTS } from "../../scripts/catalog/read-only-posts.ts";
import { REVIEWED_WRITES } from "../../scripts/catalog/reviewed-writes.ts";
import type { OperationDetail } from "../../skills/cloudflare/catalog/types.ts";

const detailDir = new URL("../../skills/cloudflare/catalog/generated/detail/", import.meta.url).pathname;
const operations: OperationDetail[] = readdirSync(detailDir).sort().flatMap((file) => {
  const text = readFileSync(join(detailDir, file), "utf8");
  return JSON.parse(text.slice(text.indexOf("String.raw`") + 11, text.lastIndexOf("`"))) as OperationDetail[];
});
const byId = new Map(operations.map((op) => [op.id, op]));
const base = (id: string) => id.replace(/@(account|zone)$/, "");
const LOOKS_LIKE_A_READ = /^(lists?|gets?|fetch(es)?|retrieves?|returns?|checks?|validates?|previews?|analy[sz]es?|peeks?|traces?|run traceroutes)\b/i;

describe("reads that no longer ask, and look-alikes that still do", () => {
  it.each([
    "queues.messages.peek", "loadBalancers.monitors.previews.create", "loadBalancers.pools.health.create", "ssl.analyze.create",
    "logpush.validate.destinationExists@account", "logpush.validate.destinationExists@zone", "logpush.ownership.validate@zone",
    "requestTracers.traces.create", "diagnostics.traceroutes.create", "workers.observability.telemetry.liveTailHeartbeat",
    "aiGateway.billing.topup.status", "aiAudit.robots.bulkGet", "billing.addressValidation", "cloudforceOne.requests.message.get",
    "radar.datasets.download", "r2.superSlurper.connectivityPrecheck.source",
  ])("%s runs at once as a read", (id) => {
    expect(byId.get(id)?.access).toBe("read");
  });

  it.each([
    "d1.database.query", "d1.database.raw", "queues.messages.pull", "queues.purge.start", "cache.purge", "logpush.validate.destination@zone",
    "logpush.ownership.create@account", "zeroTrust.casb.posture.webhooks.evaluate", "addressing.prefixes.validate", "dns.records.scanTrigger",
    "browserRendering.content.create", "workers.observability.telemetry.liveTail", "waitingRooms.page.preview", "queues.messages.push",
  ])("%s still asks for a tap", (id) => {
    expect(byId.get(id)?.access).toBe("write");
  });

  it("a request trace that would send a body-changing request to the origin asks first", () => {
    const trace = byId.get("requestTracers.traces.create")!;
    expect(accessOf(trace, { body: { method: "GET", url: "https://demo-shop.dev/" } })).toBe("read");
    expect(accessOf(trace, { body: { method: "HEAD", url: "https://demo-shop.dev/" } })).toBe("read");
    for (const method of ["POST", "DELETE", "get", undefined]) expect(accessOf(trace, { body: { method, url: "https://demo-shop.dev/" } }), String(method)).toBe("write");
  });

  it("every operation other than GET whose summary says it only looks has been reviewed, with a reason", () => {
    const reviewed = new Set([...READ_ONLY_POSTS, ...REVIEWED_WRITES].map((e) => e.id));
    const unreviewed = operations
      .filter((op) => op.method !== "GET" && op.method !== "DELETE" && !op.duplicateOf && LOOKS_LIKE_A_READ.test(op.summary) && !reviewed.has(base(op.id)))
      .map((op) => `${op.id}: ${op.summary}`);
    expect(unreviewed).toEqual([]);
    for (const entry of [...READ_ONLY_POSTS, ...REVIEWED_WRITES]) expect(entry.reason.length, entry.id).toBeGreaterThan(20);
  });

  it("applies each table: the reads are reads, the reviewed writes are writes", () => {
    for (const entry of READ_ONLY_POSTS) {
      const ops = operations.filter((op) => base(op.id) === entry.id);
      expect(ops.length, entry.id).toBeGreaterThan(0);
      for (const op of ops) expect(op.access, op.id).toBe("read");
    }
    for (const entry of REVIEWED_WRITES) {
      const ops = operations.filter((op) => base(op.id) === entry.id);
      expect(ops.length, entry.id).toBeGreaterThan(0);
      for (const op of ops) expect(op.access, op.id).toBe("write");
    }
  });
});
