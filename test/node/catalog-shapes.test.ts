// What `describe` tells the model about each operation must be true: no compiler internals, the
// body shapes the connector actually takes, and required/optional as the SDK's own types say.
// The required/optional check reads the SDK's TypeScript sources as text (the `?` on each member
// of the method's `…Params` type), independently of the build, which uses the type checker.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OPTIONAL_BY_DEFAULT } from "../../scripts/catalog/api-defaults.ts";
import { renderSignature } from "../../skills/cloudflare/catalog/describe.ts";
import type { OperationDetail } from "../../skills/cloudflare/catalog/types.ts";

const root = new URL("../../", import.meta.url).pathname;
const detailDir = join(root, "skills/cloudflare/catalog/generated/detail");
const sdkSrc = join(root, "node_modules/cloudflare/src");

const operations: OperationDetail[] = readdirSync(detailDir).sort().flatMap((file) => {
  const text = readFileSync(join(detailDir, file), "utf8");
  return JSON.parse(text.slice(text.indexOf("String.raw`") + 11, text.lastIndexOf("`"))) as OperationDetail[];
});
const byId = new Map(operations.map((op) => [op.id, op]));

describe("what describe shows", () => {
  it("never shows compiler internals or method signatures, for any operation", () => {
    const leaks = operations.filter((op) => /__@|\bFunction\b/.test(renderSignature(op))).map((op) => op.id);
    expect(leaks).toEqual([]);
    expect(operations.length).toBeGreaterThan(2800);
  });

  it("describes a list of uploaded files as the object of name to text the connector takes", () => {
    const uploads = ["workers.scripts.update", "workers.scripts.content.update", "workers.scripts.versions.create",
      "workersForPlatforms.dispatch.namespaces.scripts.update", "workersForPlatforms.dispatch.namespaces.scripts.content.update"];
    for (const id of uploads) {
      const op = byId.get(id)!;
      expect(op.bodyEncoding, id).toBe("multipart");
      expect(op.params.find((p) => p.name === "files"), id).toMatchObject({ in: "body", type: "Record<string, string>" });
    }
    expect(renderSignature(byId.get("workers.scripts.update")!)).toContain("// body is sent as multipart/form-data: body.files { name: text } become file parts named by their keys, metadata a JSON part");
    // No multipart operation still describes files as an array.
    const arrays = operations.filter((op) => op.bodyEncoding === "multipart" && op.params.some((p) => p.name === "files" && p.type.endsWith("[]")));
    expect(arrays.map((op) => op.id)).toEqual([]);
  });

  it("does not offer request headers as arguments: a call is { op, params, query, body }", () => {
    const offered = operations.filter((op) => /\n {2}headers\??: \{/.test(renderSignature(op))).map((op) => op.id);
    expect(offered).toEqual([]);
    expect(renderSignature(byId.get("r2.buckets.create")!)).toContain("// not settable from a snippet (the API's defaults apply): headers cf-r2-jurisdiction");
  });

  it("describes a raw upload body as the body itself, text included", () => {
    const text = renderSignature(byId.get("r2.buckets.objects.upload")!);
    expect(text).toMatch(/\n {2}body: string \| [^;]*ArrayBuffer[^;]*;/);
    expect(text).not.toMatch(/body: \{\n\s+body/);
  });
});

/** The members of the method's params type and whether each is required, read from the source text. */
function sourceRequired(id: string): Map<string, boolean> {
  const op = byId.get(id);
  if (!op) throw new Error(`${id} is not in the catalog`);
  const sdkId = id.replace(/@(account|zone)$/, "");
  const [resource, name] = [sdkId.slice(0, sdkId.lastIndexOf(".")), sdkId.slice(sdkId.lastIndexOf(".") + 1)];
  const apiMd = findApiMd(resource, name);
  const file = readFileSync(join(sdkSrc, apiMd), "utf8");
  const signature = new RegExp(`\\n {2}${name}\\(([\\s\\S]*?)\\): `).exec(file)?.[1] ?? "";
  const typeName = /: (\w+Params)\b/.exec(signature)?.[1];
  if (!typeName) throw new Error(`${id}: no params type in ${apiMd}`);
  const single = new RegExp(`\\nexport interface ${typeName}(?: extends [^{]+)? \\{([\\s\\S]*?)\\n\\}\\n`).exec(file);
  if (single) return members(single[1]!, 2);
  const namespace = new RegExp(`\\nexport declare namespace ${typeName} \\{([\\s\\S]*?)\\n\\}\\n`).exec(file)?.[1];
  if (!namespace) throw new Error(`${id}: ${typeName} not found in ${apiMd}`);
  const variants = [...namespace.matchAll(/\n {2}export interface \w+ \{([\s\S]*?)\n {2}\}/g)].map((m) => members(m[1]!, 4));
  const merged = new Map<string, boolean>();
  for (const variant of variants) for (const [key, required] of variant) merged.set(key, (merged.get(key) ?? true) && required);
  // A member missing from some variant may be left out.
  for (const key of merged.keys()) if (variants.some((v) => !v.has(key))) merged.set(key, false);
  return merged;
}

function members(body: string, indent: number): Map<string, boolean> {
  const found = new Map<string, boolean>();
  for (const m of body.matchAll(new RegExp(`\\n {${indent}}(?:'([^']+)'|([A-Za-z_$][\\w$]*))(\\?)?:`, "g"))) found.set(m[1] ?? m[2]!, m[3] !== "?");
  return found;
}

function findApiMd(resource: string, name: string): string {
  const line = new RegExp(`client\\.${resource.replace(/\./g, "\\.")}\\.<a href="\\./src/([^"]+)">${name}</a>`);
  for (const file of apiMdFiles(join(sdkSrc, "resources"))) {
    const match = line.exec(readFileSync(file, "utf8"));
    if (match) return match[1]!;
  }
  throw new Error(`client.${resource}.${name} is not in any api.md`);
}

function apiMdFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? apiMdFiles(join(dir, e.name)) : e.name === "api.md" ? [join(dir, e.name)] : []);
}

describe("required and optional parameters", () => {
  // A sample across areas: creates with unions of params types, lists with paging, uploads.
  const SAMPLE = [
    "dns.records.create", "dns.records.update", "dns.records.edit", "dns.records.list", "r2.buckets.create", "r2.buckets.list",
    "d1.database.create", "d1.database.query", "kv.namespaces.create", "kv.namespaces.values.update", "queues.create",
    "workers.scripts.update", "zones.create", "zones.list", "zeroTrust.tunnels.cloudflared.create", "pages.projects.create",
    "loadBalancers.pools.create", "healthchecks.create", "rulesets.create@account", "emailRouting.rules.create", "hyperdrive.configs.create",
    "vectorize.indexes.create", "cache.purge", "firewall.accessRules.create@zone", "logpush.jobs.create@zone", "customHostnames.create",
    "alerting.policies.create", "accounts.tokens.create", "images.v1.list", "workers.routes.create",
  ];

  it.each(SAMPLE)("%s: a parameter is required exactly when the SDK's type has no `?` (or the API documents a default)", (id) => {
    const op = byId.get(id)!;
    const source = sourceRequired(id);
    let compared = 0;
    for (const param of op.params) {
      if (param.in === "path" || !source.has(param.name)) continue;
      compared++;
      const defaulted = OPTIONAL_BY_DEFAULT.some((d) => (d.id === id || `${d.method} ${d.path}` === `${op.method} ${op.path}`) && d.name === param.name);
      expect(param.required, `${id} ${param.in}.${param.name}`).toBe(source.get(param.name)! && !defaulted);
    }
    expect(compared, `${id}: no parameter compared`).toBeGreaterThan(0);
  });

  it("DNS records can be created and overwritten without a TTL (1 = automatic is the default)", () => {
    for (const id of ["dns.records.create", "dns.records.update"]) {
      expect(byId.get(id)!.params.find((p) => p.name === "ttl"), id).toMatchObject({ in: "body", required: false });
      expect(renderSignature(byId.get(id)!)).toMatch(/\n {4}ttl\?: number;/);
    }
    expect(byId.get("dns.records.create")!.params.filter((p) => p.required && p.in === "body").map((p) => p.name)).toEqual(["name", "type"]);
  });
});
