// Unit tests of how a snippet's `{ op, params, query, body }` becomes a request, and how that
// request is frozen for its approval card and sent from the frozen copy.
import { describe, expect, it } from "vitest";
import { freezeRequest, requestDifference, requestLine, RequestShapeError } from "../approvals/stored-request.ts";
import { catalogLookup } from "../skills/cloudflare/code-mode/catalog-lookup.ts";
import { CallArgumentError, resolveCall, unsafeSegment } from "../skills/cloudflare/code-mode/resolve-call.ts";
import { toClientRequest } from "../skills/cloudflare/code-mode/write-gate.ts";

const ACCOUNT = "0123456789abcdef0123456789abcdef";
const defaults = { account_id: ACCOUNT };
const credential = { id: "deployment", label: "the bot's token" };

async function refusal(args: unknown): Promise<string> {
  const error = await resolveCall(catalogLookup, args, defaults).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(CallArgumentError);
  return (error as Error).message;
}

describe("resolving a call", () => {
  it("finds an operation by id and fills the account from the defaults", async () => {
    const call = await resolveCall(catalogLookup, { op: "d1.database.create", body: { name: "x" } }, defaults);
    expect(call.operation.id).toBe("d1.database.create");
    expect(call.path).toBe(`/accounts/${ACCOUNT}/d1/database`);
    expect(call.pathParams).toEqual({ account_id: ACCOUNT });
    expect(call.body).toEqual({ name: "x" });
  });

  it("finds an operation by METHOD /path and takes the path's values as parameters", async () => {
    const call = await resolveCall(catalogLookup, { op: "GET /zones/abc123" });
    expect(call.operation.id).toBe("zones.get");
    expect(call.pathParams).toEqual({ zone_id: "abc123" });
  });

  it("moves a query parameter given in params to the query, and JSON-encodes object query values", async () => {
    const call = await resolveCall(catalogLookup, { op: "zones.list", params: { name: "example.com" }, query: { match: "all", skip: null, complex: { a: 1 } } });
    expect(call.query).toEqual({ name: "example.com", match: "all", complex: '{"a":1}' });
  });

  it("says which parameter is missing and how to find it", async () => {
    expect(await refusal({ op: "zones.get" })).toMatch(/needs params\.zone_id \(find it with cloudflare\.read\(\{ op: "zones\.list"/);
  });

  it("refuses keys a card would not show, naming them", async () => {
    expect(await refusal({ op: "zones.list", bdy: {} })).toMatch(/unknown key "bdy": pass only \{ op, params\?, query\?, body\? \}/);
    expect(await refusal("zones.list")).toMatch(/pass one object/);
  });

  it("suggests operations for an unknown id", async () => {
    expect(await refusal({ op: "r2.bucket.list" })).toMatch(/unknown operation "r2\.bucket\.list"; did you mean .*"r2\.buckets\.list"/);
  });

  it.each([
    ["..", /must not be "\." or "\.\."/], [".", /must not be "\." or "\.\."/], ["%2e%2e", /must not be "\." or "\.\."/],
    ["%2E%2E", /must not be/], ["%252e%252e", /must not be/], ["a/b", /single path segment/], ["%2f", /single path segment/],
    ["..%2F", /single path segment/], ["a\\b", /must not contain "\\"/], ["%5C", /must not contain "\\"/], ["", /is empty/],
    ["a\u0000b", /control characters/],
  ])("refuses the path parameter value %j", async (value, reason) => {
    expect(unsafeSegment("environment_id", value)).toMatch(reason);
  });

  it("accepts ordinary ids, names with dots, and a literal percent sign", () => {
    for (const value of ["abc123", "my.bucket-name", "v1..2", "100%", "...", "a b"]) expect(unsafeSegment("bucket_name", value)).toBeUndefined();
  });

  it("lets KV key names carry slashes (sent encoded as one segment) but never dot segments", async () => {
    expect(unsafeSegment("key_name", "users/42/profile")).toBeUndefined();
    expect(unsafeSegment("key_name", "users/../secrets")).toMatch(/must not be/);
    const call = await resolveCall(catalogLookup, { op: "GET /accounts/{account_id}/storage/kv/namespaces/{namespace_id}/values/{key_name}", params: { namespace_id: "ns1", key_name: "users/42" } }, defaults);
    expect(call.path).toBe(`/accounts/${ACCOUNT}/storage/kv/namespaces/ns1/values/users%2F42`);
  });

  it("refuses a parameter that climbs out of its segment in an operation given as METHOD /path", async () => {
    expect(await refusal({ op: "POST /zones/Z/environments/../purge_cache" })).toMatch(/params\.environment_id must not be/);
  });
});

describe("a frozen request", () => {
  const base = { operationId: "d1.database.create", summary: "Create", method: "POST", template: "/accounts/{account_id}/d1/database",
    path: `/accounts/${ACCOUNT}/d1/database`, pathParams: { account_id: ACCOUNT }, query: {} as Record<string, string | number | boolean> };

  it("keeps the body as the exact JSON text that is sent", () => {
    const frozen = freezeRequest({ ...base, body: { name: "x", tags: [1, 2] } }, credential);
    expect(frozen.body).toEqual({ kind: "json", json: '{"name":"x","tags":[1,2]}' });
    const sent = toClientRequest(frozen);
    expect(sent).toMatchObject({ method: "POST", path: base.path, body: '{"name":"x","tags":[1,2]}', headers: { "content-type": "application/json" } });
  });

  it("keeps text and binary bodies as they are, and the query in order", () => {
    expect(freezeRequest({ ...base, body: "raw text" }, credential).body).toEqual({ kind: "text", text: "raw text" });
    const bytes = freezeRequest({ ...base, body: new Uint8Array([0, 255, 7]) }, credential);
    expect(bytes.body).toEqual({ kind: "bytes", base64: "AP8H" });
    expect(toClientRequest(bytes).body).toEqual(new Uint8Array([0, 255, 7]));
    const queried = freezeRequest({ ...base, query: { b: 2, a: "x y" }, body: undefined }, credential);
    expect(requestLine(queried)).toBe(`POST ${base.path}?b=2&a=x+y`);
  });

  it("refuses bodies that JSON would silently change", () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    for (const body of [loop, { f: () => 1 }, { n: Number.NaN }, { m: new Map() }, { big: BigInt(1) }]) {
      expect(() => freezeRequest({ ...base, body }, credential)).toThrow(RequestShapeError);
    }
  });

  it("names what differs between the card's request and a replayed one", () => {
    const card = freezeRequest({ ...base, body: { name: "shown" } }, credential);
    expect(requestDifference(card, freezeRequest({ ...base, body: { name: "shown" } }, credential))).toBeUndefined();
    expect(requestDifference(card, freezeRequest({ ...base, body: { name: "swapped" } }, credential))).toMatch(/body differs/);
    expect(requestDifference(card, freezeRequest({ ...base, method: "DELETE", path: `${base.path}/X`, body: undefined }, credential))).toMatch(/card showed POST .* snippet asked for DELETE/);
    expect(requestDifference(card, freezeRequest({ ...base, query: { a: 1 }, body: { name: "shown" } }, credential))).toMatch(/query differs/);
    expect(requestDifference(card, freezeRequest({ ...base, body: { name: "shown" } }, { id: "user:t:1", label: "connected token …ab12" }))).toMatch(/token changed/);
  });
});

describe("a Worker upload (multipart)", () => {
  const upload = (body: unknown) => ({ op: "workers.scripts.update", params: { script_name: "hello" }, body });
  const files = { "index.js": "export default { fetch() { return new Response('hi'); } };" };

  it("describes files the way the connector takes them: an object of file name to text", async () => {
    const text = (await catalogLookup.describe("workers.scripts.update"))!;
    expect(text).toMatch(/files\?: Record<string, string>; \/\/ Files by name, as text: \{ "index\.js": "export default \{…\}" \} \(an object, not an array\)/);
    expect(text).not.toMatch(/__@|Function|File \| Blob/);
  });

  it("sends each file as a part named by its key, with the metadata part", async () => {
    const call = await resolveCall(catalogLookup, upload({ metadata: { main_module: "index.js" }, files }), defaults);
    const request = toClientRequest(freezeRequest({ operationId: call.operation.id, summary: "", method: call.operation.method, template: call.operation.path,
      path: call.path, pathParams: call.pathParams, query: call.query, body: call.body, bodyEncoding: "multipart" }, credential));
    const form = request.body as FormData;
    expect([...form.keys()].sort()).toEqual(["index.js", "metadata"]);
    expect(await (form.get("index.js") as File).text()).toBe(files["index.js"]);
    expect((form.get("index.js") as File).type).toBe("application/javascript+module");
    expect(JSON.parse(await (form.get("metadata") as File).text())).toEqual({ main_module: "index.js" });
  });

  it("refuses an array of files with the shape to use, before any card", async () => {
    expect(await refusal(upload({ metadata: { main_module: "index.js" }, files: [files["index.js"]] })))
      .toMatch(/workers\.scripts\.update \(PUT .*\): body\.files must be an object of file name to content, not an array: files: \{ "index\.js": "export default/);
    expect(await refusal(upload({ metadata: { main_module: "index.js" }, files: { "index.js": { code: "x" } } }))).toMatch(/body\.files\["index\.js"\] must be the file's content as a string \(got object\)/);
    expect(await refusal(upload("export default {}"))).toMatch(/body must be an object such as \{ metadata: \{ main_module: "index\.js" \}/);
  });
});
