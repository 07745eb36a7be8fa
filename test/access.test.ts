import { describe, expect, it } from "vitest";
import { accessOf, isCredentialRead, returnsCredentials, type AccessOperation } from "../approvals/access.ts";
import { getOperation } from "../skills/cloudflare/catalog/index.ts";

const retryRead: AccessOperation = { access: "read", writeWhen: [{ in: "query", name: "retry" }] };
const dryRead: AccessOperation = { access: "read", writeWhen: [{ in: "body", name: "dry", unless: ["true"] }] };
const modeRead: AccessOperation = { access: "read", writeWhen: [{ in: "query", name: "mode", values: ["force", "now"] }] };

describe("accessOf", () => {
  it("keeps a write a write, whatever the request", () => {
    expect(accessOf({ access: "write" })).toBe("write");
    expect(accessOf({ access: "write", writeWhen: [{ in: "body", name: "dry", unless: ["true"] }] }, { body: { dry: true } })).toBe("write");
  });

  it("keeps a read without conditions a read, whatever the request", () => {
    expect(accessOf({ access: "read" })).toBe("read");
    expect(accessOf({ access: "read" }, { query: { retry: true }, body: { dry: false } })).toBe("read");
  });

  it("makes a read a write when a condition's parameter is sent with any value", () => {
    expect(accessOf(retryRead, { query: { retry: true } })).toBe("write");
    expect(accessOf(retryRead, { query: { retry: "true" } })).toBe("write");
    // Only `true` is documented; any value sent counts, so an odd one still asks first.
    expect(accessOf(retryRead, { query: { retry: false } })).toBe("write");
    expect(accessOf(retryRead, { query: { retry: "" } })).toBe("write");
    expect(accessOf(retryRead, { query: new URLSearchParams("retry=true") })).toBe("write");
  });

  it("leaves a read a read when the parameter is absent, undefined or null", () => {
    expect(accessOf(retryRead)).toBe("read");
    expect(accessOf(retryRead, { query: {} })).toBe("read");
    expect(accessOf(retryRead, { query: { retry: undefined, other: 1 } })).toBe("read");
    expect(accessOf(retryRead, { query: { retry: null } })).toBe("read");
    expect(accessOf(retryRead, { query: new URLSearchParams("other=1") })).toBe("read");
    // A body parameter of the same name is not the query parameter.
    expect(accessOf(retryRead, { body: { retry: true } })).toBe("read");
  });

  it("reads an `unless` condition as a write unless the body sends exactly that value", () => {
    expect(accessOf(dryRead, { body: { dry: true } })).toBe("read");
    expect(accessOf(dryRead, { body: { dry: "true" } })).toBe("read");
    expect(accessOf(dryRead, { body: { dry: false } })).toBe("write");
    expect(accessOf(dryRead, { body: { dry: "TRUE" } })).toBe("write");
    expect(accessOf(dryRead, { body: { view: "events" } })).toBe("write");
    expect(accessOf(dryRead, { body: undefined })).toBe("write");
    expect(accessOf(dryRead)).toBe("write");
  });

  it("treats a body that is not a JSON object as sending no parameters", () => {
    expect(accessOf(dryRead, { body: "{\"dry\":true}" })).toBe("write");
    expect(accessOf(dryRead, { body: [{ dry: true }] })).toBe("write");
    expect(accessOf(dryRead, { body: null })).toBe("write");
    expect(accessOf(dryRead, { query: { dry: true } })).toBe("write");
  });

  it("matches listed values case-insensitively, and any element of an array", () => {
    expect(accessOf(modeRead, { query: { mode: "force" } })).toBe("write");
    expect(accessOf(modeRead, { query: { mode: "FORCE" } })).toBe("write");
    expect(accessOf(modeRead, { query: { mode: ["soft", "now"] } })).toBe("write");
    expect(accessOf(modeRead, { query: { mode: "soft" } })).toBe("read");
    expect(accessOf(modeRead, { query: {} })).toBe("read");
  });

  it("writes when any one of several conditions holds", () => {
    const either: AccessOperation = { access: "read", writeWhen: [{ in: "query", name: "retry" }, { in: "body", name: "persist", values: ["true"] }] };
    expect(accessOf(either, { query: { retry: 1 } })).toBe("write");
    expect(accessOf(either, { body: { persist: true } })).toBe("write");
    expect(accessOf(either, { body: { persist: false } })).toBe("read");
  });

  it("decides the catalog's conditional reads: SSL verification retry and Workers telemetry queries", async () => {
    const ssl = (await getOperation("ssl.verification.get"))!;
    expect(accessOf(ssl, { query: {} })).toBe("read");
    expect(accessOf(ssl, { query: { retry: true } })).toBe("write");
    const telemetry = (await getOperation("workers.observability.telemetry.query"))!;
    expect(accessOf(telemetry, { body: { queryId: "adhoc", dry: true } })).toBe("read");
    expect(accessOf(telemetry, { body: { queryId: "adhoc" } })).toBe("write");
    expect(accessOf((await getOperation("browserRendering.devtools.browser.launch"))!, {})).toBe("write");
    expect(accessOf((await getOperation("r2.buckets.list"))!, { query: { retry: true } })).toBe("read");
  });
});

describe("isCredentialRead and returnsCredentials", () => {
  it("tells a read that returns credentials from a write that does and from a plain read", () => {
    expect(isCredentialRead({ access: "read", sensitive: "credentials" })).toBe(true);
    expect(isCredentialRead({ access: "write", sensitive: "credentials" })).toBe(false);
    expect(isCredentialRead({ access: "read" })).toBe(false);
    expect(returnsCredentials({ access: "write", sensitive: "credentials" })).toBe(true);
    expect(returnsCredentials({ access: "read", sensitive: "credentials" })).toBe(true);
    expect(returnsCredentials({ access: "write" })).toBe(false);
  });

  it("knows the catalog's tunnel token is a credential read and API token creation returns one", async () => {
    expect(isCredentialRead((await getOperation("zeroTrust.tunnels.cloudflared.token.get"))!)).toBe(true);
    expect(isCredentialRead((await getOperation("zaraz.export.get"))!)).toBe(true);
    expect(isCredentialRead((await getOperation("dns.records.list"))!)).toBe(false);
    const create = (await getOperation("user.tokens.create"))!;
    expect(isCredentialRead(create)).toBe(false);
    expect(returnsCredentials(create)).toBe(true);
  });
});
