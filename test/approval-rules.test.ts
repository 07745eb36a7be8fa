// Unit tests of the approval rules: the policy (read-only mode, deny rules, what is destructive),
// every undo rule, and the approval store's upgrade of cards made by an earlier version.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ApprovalStore, LEGACY_VOID } from "../approvals/approval-store.ts";
import { refusal, riskOf, type PolicyOperation } from "../approvals/policy.ts";
import { freezeRequest } from "../approvals/stored-request.ts";
import { undoFor } from "../approvals/undo.ts";
import { chatStub, freshChatId } from "./support/telegram.ts";

const op = (id: string, method: string, path: string, access: "read" | "write" = method === "GET" ? "read" : "write"): PolicyOperation => ({ id, method, path, access });

describe("the policy", () => {
  it("lets reads through always, even in read-only mode and when denied", () => {
    expect(refusal(op("zones.list", "GET", "/zones"), { readOnly: true, deny: ["zones.list"] })).toBeUndefined();
  });

  it("refuses every write in read-only mode, naming the operation", () => {
    expect(refusal(op("d1.database.create", "POST", "/accounts/{account_id}/d1/database"), { readOnly: true, deny: [] }))
      .toBe("this bot is read-only (approvals/policy.json), so d1.database.create (POST /accounts/{account_id}/d1/database) is refused");
  });

  it("denies by operation id and by METHOD /template with * for one segment, and nothing else", () => {
    const policy = { readOnly: false, deny: ["zones.delete", "DELETE /accounts/*/d1/database/*"] };
    expect(refusal(op("zones.delete", "DELETE", "/zones/{zone_id}"), policy)).toMatch(/denied by the policy \(rule "zones\.delete"\)/);
    expect(refusal(op("d1.database.delete", "DELETE", "/accounts/{account_id}/d1/database/{database_id}"), policy)).toMatch(/rule "DELETE \/accounts\/\*\/d1\/database\/\*"/);
    expect(refusal(op("d1.database.create", "POST", "/accounts/{account_id}/d1/database"), policy)).toBeUndefined();
    expect(refusal(op("d1.database.query", "POST", "/accounts/{account_id}/d1/database/{database_id}/query"), policy)).toBeUndefined();
  });

  it.each([
    [op("r2.buckets.delete", "DELETE", "/accounts/{account_id}/r2/buckets/{bucket_name}"), "it deletes"],
    [op("dns.records.create", "POST", "/zones/{zone_id}/dns_records"), "it changes DNS"],
    [op("zones.edit", "PATCH", "/zones/{zone_id}"), "it changes zones"],
    [op("zones.settings.edit", "PATCH", "/zones/{zone_id}/settings/{setting_id}"), "it changes zones"],
    [op("user.tokens.create", "POST", "/user/tokens"), "it changes API tokens"],
    [op("accounts.members.create", "POST", "/accounts/{account_id}/members"), "it changes account members"],
    [op("rulesets.create", "POST", "/zones/{zone_id}/rulesets"), "it changes firewall / WAF"],
    [op("workers.scripts.update", "PUT", "/accounts/{account_id}/workers/scripts/{script_name}"), "it changes Worker deployments"],
  ])("marks %s as destructive (%s)", (operation, why) => {
    expect(riskOf(operation)).toEqual({ risk: "destructive", why });
  });

  it("marks other writes as plain writes", () => {
    expect(riskOf(op("d1.database.create", "POST", "/accounts/{account_id}/d1/database"))).toEqual({ risk: "write" });
    expect(riskOf(op("kv.namespaces.create", "POST", "/accounts/{account_id}/storage/kv/namespaces"))).toEqual({ risk: "write" });
  });
});

describe("undo rules: the delete comes from the request sent and what the API returned", () => {
  const credential = { id: "deployment", label: "the bot's token" };
  const sent = (template: string, pathParams: Record<string, string>, body: unknown) =>
    freezeRequest({ operationId: "x", summary: "", method: "POST", template, path: template, pathParams, query: {}, body }, credential);

  it.each([
    ["an R2 bucket", sent("/accounts/{account_id}/r2/buckets", { account_id: "A" }, { name: "b1" }), { name: "b1" }, "DELETE /accounts/A/r2/buckets/b1", "R2 bucket b1"],
    ["a D1 database", sent("/accounts/{account_id}/d1/database", { account_id: "A" }, { name: "db" }), { uuid: "u-1", name: "db" }, "DELETE /accounts/A/d1/database/u-1", "D1 database db"],
    ["a KV namespace", sent("/accounts/{account_id}/storage/kv/namespaces", { account_id: "A" }, { title: "t" }), { id: "k1", title: "t" }, "DELETE /accounts/A/storage/kv/namespaces/k1", "KV namespace t"],
    ["a DNS record", sent("/zones/{zone_id}/dns_records", { zone_id: "Z" }, { type: "A", name: "www" }), { id: "r1", type: "A", name: "www.example.com" }, "DELETE /zones/Z/dns_records/r1", "DNS record A www.example.com"],
    ["a queue", sent("/accounts/{account_id}/queues", { account_id: "A" }, { queue_name: "q" }), { queue_id: "q1", queue_name: "q" }, "DELETE /accounts/A/queues/q1", "queue q"],
  ])("undoes creating %s", (_what, request, result, line, label) => {
    const undo = undoFor(request, result)!;
    expect(`${undo.method} ${undo.path}`).toBe(line);
    expect(undo.label).toBe(label);
  });

  it("has no undo when the API's answer lacks the id, or for writes without a rule", () => {
    expect(undoFor(sent("/accounts/{account_id}/d1/database", { account_id: "A" }, { name: "db" }), {})).toBeUndefined();
    expect(undoFor(sent("/zones/{zone_id}/purge_cache", { zone_id: "Z" }, { purge_everything: true }), { id: "x" })).toBeUndefined();
  });

  it("encodes ids the API returned, so they stay one path segment", () => {
    const undo = undoFor(sent("/accounts/{account_id}/d1/database", { account_id: "A" }, { name: "db" }), { uuid: "a/../b" })!;
    expect(undo.path).toBe("/accounts/A/d1/database/a%2F..%2Fb");
  });
});

describe("the approval store", () => {
  it("upgrades a table made by an earlier version and voids the cards that stored no request", async () => {
    await runInDurableObject(chatStub(freshChatId()), async (_instance, state) => {
      const sql = state.storage.sql;
      sql.exec("DROP TABLE IF EXISTS approvals");
      sql.exec(`CREATE TABLE approvals (id TEXT PRIMARY KEY, execution_id TEXT NOT NULL, seq INTEGER NOT NULL, run_id TEXT NOT NULL, audit_call_id INTEGER NOT NULL,
        chat_id INTEGER NOT NULL, requester_id INTEGER NOT NULL, message_id INTEGER, state TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
        decided_by INTEGER, decided_at INTEGER, auto INTEGER NOT NULL DEFAULT 0, UNIQUE (execution_id, seq))`);
      sql.exec("INSERT INTO approvals (id, execution_id, seq, run_id, audit_call_id, chat_id, requester_id, state, created_at, expires_at) VALUES ('old-card-1', 'exec_1', 0, 'run_1', 1, 1, 1001, 'pending', 0, 9e15)");
      const store = new ApprovalStore(sql);
      const old = store.get("old-card-1")!;
      expect(old).toMatchObject({ state: "void", note: LEGACY_VOID, hasRequest: false, dispatch: null });
      expect(store.decide("old-card-1", "approved", 1001, Date.now())).toBe(false);
    });
  });
});
