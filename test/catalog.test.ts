import { describe, expect, it } from "vitest";
import { catalogInfo, describeOperation, findOperation, getOperation, listOperations } from "../skills/cloudflare/catalog/index.ts";

describe("the Cloudflare API catalog", () => {
  const operations = listOperations();

  it("holds the whole API from the pinned SDK: ~2,860 operations, ~2,830 routes, every method", () => {
    expect(catalogInfo().source).toEqual({ kind: "cloudflare-sdk", version: "7.3.0" });
    expect(operations.length).toBeGreaterThan(2800);
    expect(operations.length).toBeLessThan(2950);
    const routes = new Set(operations.map((op) => `${op.method} ${op.path}`));
    expect(routes.size).toBeGreaterThan(2780);
    const byMethod = Object.groupBy(operations, (op) => op.method);
    expect(byMethod.GET?.length).toBeGreaterThan(1350);
    expect(byMethod.POST?.length).toBeGreaterThan(520);
    expect(byMethod.DELETE?.length).toBeGreaterThan(320);
    expect(byMethod.PUT?.length).toBeGreaterThan(260);
    expect(byMethod.PATCH?.length).toBeGreaterThan(160);
    expect(new Set(operations.map((op) => op.id)).size).toBe(operations.length);
  });

  it("marks every GET as read and every PUT, PATCH and DELETE as write; only listed POSTs read", () => {
    for (const op of operations) {
      if (op.method === "GET") expect(op.access, op.id).toBe("read");
      if (op.method === "PUT" || op.method === "PATCH" || op.method === "DELETE") expect(op.access, op.id).toBe("write");
    }
    const readPosts = operations.filter((op) => op.method === "POST" && op.access === "read").map((op) => op.id);
    expect(readPosts.length).toBeGreaterThan(10);
    expect(readPosts.length).toBeLessThan(40);
    expect(readPosts).toContain("vectorize.indexes.query");
    // SQL may write: D1 queries always need an approval tap.
    expect(readPosts).not.toContain("d1.database.query");
    expect(readPosts).not.toContain("d1.database.raw");
  });

  it("has r2.buckets.create with its path, header and body parameters", async () => {
    const op = await getOperation("r2.buckets.create");
    expect(op).toMatchObject({ method: "POST", path: "/accounts/{account_id}/r2/buckets", access: "write", deprecated: false, pagination: "none" });
    expect(op?.summary).toMatch(/^Creates an R2 bucket/);
    expect(op?.params).toEqual(expect.arrayContaining([
      expect.objectContaining({ name: "account_id", in: "path", required: true, type: "string" }),
      expect.objectContaining({ name: "name", in: "body", required: true, type: "string" }),
      expect.objectContaining({ name: "cf-r2-jurisdiction", in: "header", required: false }),
      expect.objectContaining({ name: "storageClass", in: "body", required: false, type: '"Standard" | "InfrequentAccess"' }),
    ]));
  });

  it("has d1.database.create and dns.records.list with correct routes and parameters", async () => {
    const d1 = await getOperation("d1.database.create");
    expect(d1).toMatchObject({ method: "POST", path: "/accounts/{account_id}/d1/database", access: "write" });
    expect(d1?.params.find((p) => p.name === "name")).toMatchObject({ in: "body", required: true, type: "string" });
    const dns = await getOperation("dns.records.list");
    expect(dns).toMatchObject({ method: "GET", path: "/zones/{zone_id}/dns_records", access: "read", pagination: "page" });
    expect(dns?.params.map((p) => `${p.in} ${p.name}`)).toEqual(expect.arrayContaining(["path zone_id", "query type", "query name", "query page", "query per_page"]));
    expect(dns?.params.find((p) => p.name === "type")?.type).toContain('"CNAME"');
  });

  it("splits account-or-zone routes into an @account and a @zone operation", async () => {
    const account = await getOperation("firewall.accessRules.create@account");
    const zone = await getOperation("firewall.accessRules.create@zone");
    expect(account?.path).toBe("/accounts/{account_id}/firewall/access_rules/rules");
    expect(zone?.path).toBe("/zones/{zone_id}/firewall/access_rules/rules");
    expect(zone?.params[0]).toMatchObject({ name: "zone_id", in: "path", required: true });
    expect(zone?.params.some((p) => p.name === "account_id" || p.name.includes("accounts_or_zones"))).toBe(false);
    expect(operations.some((op) => op.path.includes("{accounts_or_zones}"))).toBe(false);
  });

  it("matches concrete requests to templates, preferring literal segments", () => {
    expect(findOperation("GET", "/accounts/abc/r2/buckets")).toEqual({
      id: "r2.buckets.list", method: "GET", path: "/accounts/{account_id}/r2/buckets", access: "read", pathParams: { account_id: "abc" },
    });
    expect(findOperation("get", "https://api.cloudflare.com/client/v4/zones/z1/dns_records/export?x=1")?.id).toBe("dns.records.export");
    expect(findOperation("GET", "/zones/z1/dns_records/rec1")).toMatchObject({ id: "dns.records.get", pathParams: { zone_id: "z1", dns_record_id: "rec1" } });
    expect(findOperation("DELETE", "/accounts/a/r2/buckets/my%20bucket")?.pathParams.bucket_name).toBe("my bucket");
    expect(findOperation("GET", "/nothing/here")).toBeUndefined();
  });

  it("describes an operation as a small TypeScript-like signature", async () => {
    const text = await describeOperation("r2.buckets.create");
    expect(text).toContain("// POST /accounts/{account_id}/r2/buckets (write: needs approval)");
    expect(text).toContain("r2.buckets.create(args: {");
    expect(text).toContain("name: string; // Name of the bucket.");
    expect(text).toContain('"cf-r2-jurisdiction"?:');
    expect(text!.length).toBeLessThan(1500);
    expect(await describeOperation("no.such.operation")).toBeUndefined();
  });
});
