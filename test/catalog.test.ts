import { describe, expect, it } from "vitest";
import { CONDITIONAL_WRITES } from "../scripts/catalog/conditional-writes.ts";
import { CREDENTIAL_OPERATIONS } from "../scripts/catalog/credential-operations.ts";
import { READ_ONLY_POSTS } from "../scripts/catalog/read-only-posts.ts";
import { REVIEWED_WRITES } from "../scripts/catalog/reviewed-writes.ts";
import { OPTIONAL_BY_DEFAULT } from "../scripts/catalog/api-defaults.ts";
import { SIDE_EFFECT_GETS } from "../scripts/catalog/side-effect-gets.ts";
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

  it("marks every GET as read except the listed side-effect GETs, and every other method as write unless listed as a read", () => {
    const sideEffects = new Set(SIDE_EFFECT_GETS.map((entry) => entry.id));
    const listedReads = new Set(READ_ONLY_POSTS.map((entry) => `${entry.method ?? "POST"} ${entry.id}`));
    for (const op of operations) {
      if (op.method === "GET") expect(op.access, op.id).toBe(sideEffects.has(op.id) ? "write" : "read");
      else expect(op.access, op.id).toBe(listedReads.has(`${op.method} ${op.id.replace(/@(account|zone)$/, "")}`) ? "read" : "write");
    }
    const readPosts = operations.filter((op) => op.method === "POST" && op.access === "read").map((op) => op.id);
    expect(readPosts.length).toBeGreaterThan(10);
    expect(readPosts.length).toBeLessThan(60);
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

  it("records how each list pages, from the SDK's pagination class, or from its query parameters where the SDK returns the list whole", async () => {
    const paging = async (id: string) => (await getOperation(id))?.pagination;
    // One operation per SDK pagination class (cloudflare/src/core/pagination.ts).
    expect(await paging("zones.list")).toBe("page"); // V4PagePaginationArray
    expect(await paging("zeroTrust.dex.tests.list")).toBe("page"); // V4PagePagination
    expect(await paging("registrar.registrations.list")).toBe("cursor"); // CursorPagination
    expect(await paging("kv.namespaces.keys.list")).toBe("cursor"); // CursorLimitPagination
    expect(await paging("rules.lists.items.list")).toBe("cursor"); // CursorPaginationAfter
    expect(await paging("containers.applications.list")).toBe("token"); // PageTokenPagination
    expect(await paging("containers.applications.instances.listV1")).toBe("token"); // ContainersInstancesV1Pagination
    expect(await paging("workers.scripts.list")).toBe("single"); // SinglePage
    expect(await paging("zones.get")).toBe("none");
    // The SDK returns these whole, but the API pages them: R2 by cursor (20 buckets a page), Page Shield by page number.
    expect(await paging("r2.buckets.list")).toBe("cursor");
    expect(await paging("pageShield.scripts.list")).toBe("page");
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
    // The connector cannot send request headers, so they are named, not offered as arguments.
    expect(text).toContain("// not settable from a snippet (the API's defaults apply): headers cf-r2-jurisdiction");
    expect(text).not.toContain('"cf-r2-jurisdiction"?:');
    expect(text!.length).toBeLessThan(1500);
    expect(await describeOperation("no.such.operation")).toBeUndefined();
  });
});

/** The catalog operations a list entry names: its id, or its `@account` / `@zone` halves. */
function expand(entry: { id: string; method: string; path: string }): Array<ReturnType<typeof listOperations>[number]> {
  return listOperations().filter((op) => op.id.replace(/@(account|zone)$/, "") === entry.id);
}

/** A list entry's path with a split route's halves folded back, placeholder names kept. */
function unsplit(path: string): string {
  return path.replace(/^\/(accounts\/\{account_id\}|zones\/\{zone_id\})\//, "/{accounts_or_zones}/{account_or_zone_id}/");
}

describe("the catalog's classification lists", () => {
  const operations = listOperations();
  const lists = [
    ...READ_ONLY_POSTS.map((entry) => ({ ...entry, method: entry.method ?? "POST" })),
    ...REVIEWED_WRITES,
    ...OPTIONAL_BY_DEFAULT,
    ...SIDE_EFFECT_GETS,
    ...CREDENTIAL_OPERATIONS,
    ...CONDITIONAL_WRITES,
  ];

  it("name real operations by id, method and path (so an OpenAPI build matches them by path too)", () => {
    for (const entry of lists) {
      const ops = expand(entry);
      expect(ops.length, entry.id).toBeGreaterThan(0);
      for (const op of ops) {
        expect(op.method, entry.id).toBe(entry.method);
        expect(ops.length > 1 ? unsplit(op.path) : op.path, entry.id).toBe(entry.path);
      }
      expect(entry.reason.length, entry.id).toBeGreaterThan(10);
    }
  });

  it("makes the GETs that launch, close, activate, connect or link writes: they ask first", () => {
    const gets = SIDE_EFFECT_GETS.map((entry) => entry.id);
    expect(gets).toEqual(expect.arrayContaining([
      "browserRendering.devtools.browser.launch",
      "browserRendering.devtools.browser.targets.close",
      "browserRendering.devtools.browser.targets.activate",
      "browserRendering.devtools.browser.connect",
      "browserRendering.devtools.browser.page.get",
      "alerting.destinations.pagerduty.link",
    ]));
    const writes = operations.filter((op) => op.method === "GET" && op.access === "write").map((op) => op.id).sort();
    expect(writes).toEqual([...gets].sort());
    expect(findOperation("GET", "/accounts/a/browser-rendering/devtools/browser")).toMatchObject({ id: "browserRendering.devtools.browser.launch", access: "write" });
    expect(findOperation("GET", "/accounts/a/browser-rendering/devtools/browser/s1/json/close/t1")).toMatchObject({ access: "write" });
    // Reading a session's tabs or version changes nothing and stays a read.
    expect(findOperation("GET", "/accounts/a/browser-rendering/devtools/browser/s1/json/version")).toMatchObject({ access: "read" });
  });

  it("flags every operation that returns credentials, and nothing else; such GETs stay reads", async () => {
    const expected = CREDENTIAL_OPERATIONS.flatMap(expand).map((op) => op.id).sort();
    const flagged = operations.filter((op) => op.sensitive === "credentials").map((op) => op.id).sort();
    expect(flagged).toEqual(expected);
    for (const entry of CREDENTIAL_OPERATIONS) {
      for (const op of expand(entry)) {
        expect((await getOperation(op.id))?.sensitive, op.id).toBe("credentials");
        if (op.method === "GET") expect(op.access, op.id).toBe("read");
      }
    }
    expect(flagged).toEqual(expect.arrayContaining([
      "zeroTrust.tunnels.cloudflared.token.get",
      "zeroTrust.tunnels.warpConnector.token.get",
      "zaraz.export.get",
      "turnstile.widgets.get",
      "stream.liveInputs.get",
      "dns.zoneTransfers.tsigs.get",
      "user.tokens.create",
      "accounts.tokens.value.update",
      "zeroTrust.access.serviceTokens.create@account",
      "zeroTrust.access.serviceTokens.rotate",
      "r2.temporaryCredentials.create",
      "zeroTrust.identityProviders.get@zone",
    ]));
    // Responses documented without the secret are not flagged.
    for (const id of ["workers.scripts.secrets.get", "secretsStore.stores.secrets.get", "hyperdrive.configs.get", "zaraz.config.get", "user.tokens.get", "zeroTrust.access.serviceTokens.get@account", "moq.relays.tokens.list"]) {
      expect(operations.find((op) => op.id === id)?.sensitive, id).toBeUndefined();
    }
    expect(findOperation("GET", "/accounts/a/cfd_tunnel/t1/token")).toMatchObject({ id: "zeroTrust.tunnels.cloudflared.token.get", access: "read", sensitive: "credentials" });
    expect(await describeOperation("zeroTrust.tunnels.cloudflared.token.get")).toContain("(read; returns credentials)");
  });

  it("records the query-flag rules: SSL verification with retry, Workers telemetry queries without dry, request traces that are not GET or HEAD", async () => {
    expect(operations.filter((op) => op.conditional).map((op) => op.id).sort()).toEqual(["requestTracers.traces.create", "ssl.verification.get", "workers.observability.telemetry.query"]);
    const ssl = await getOperation("ssl.verification.get");
    expect(ssl).toMatchObject({ method: "GET", access: "read", writeWhen: [{ in: "query", name: "retry" }] });
    expect(ssl?.params.some((p) => p.in === "query" && p.name === "retry")).toBe(true);
    const telemetry = await getOperation("workers.observability.telemetry.query");
    expect(telemetry).toMatchObject({ method: "POST", access: "read", writeWhen: [{ in: "body", name: "dry", unless: ["true"] }] });
    expect(telemetry?.params.some((p) => p.in === "body" && p.name === "dry")).toBe(true);
    expect(findOperation("GET", "/zones/z1/ssl/verification")).toMatchObject({ access: "read", conditional: true });
    expect(await describeOperation("ssl.verification.get")).toContain("(read; write when query.retry is sent)");
    expect(await describeOperation("workers.observability.telemetry.query")).toContain("(read; write unless body.dry is true)");
    for (const entry of CONDITIONAL_WRITES) {
      for (const condition of entry.writeWhen) expect(condition.values && condition.unless, entry.id).toBeFalsy();
    }
  });
});

