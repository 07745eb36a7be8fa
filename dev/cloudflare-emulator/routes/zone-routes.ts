/** Zones (list with filters, get) and DNS records (full CRUD under /zones/{zone_id}/dns_records). */
import { ApiFailure, badRequest, isId, newId, ok, paginate, timestamp } from "../envelope.ts";
import { jsonBody, route, zoneOf, type RouteContext, type Route } from "../router.ts";
import type { Row } from "../seed.ts";

const RECORD_TYPES = new Set(["A", "AAAA", "CAA", "CERT", "CNAME", "DNSKEY", "DS", "HTTPS", "LOC", "MX", "NAPTR", "NS", "PTR", "SMIMEA", "SRV", "SSHFP", "SVCB", "TLSA", "TXT", "URI"]);

/** Routes for /zones and /zones/{zone_id}/dns_records. */
export const zoneRoutes: Route[] = [
  route("GET", "/zones", (ctx) => {
    const q = ctx.url.searchParams;
    const zones = [...ctx.state.zones.values()]
      .filter((z) => !q.get("name") || z.name === q.get("name"))
      .filter((z) => !q.get("status") || z.status === q.get("status"))
      .filter((z) => !q.get("account.id") || (z.account as { id: string }).id === q.get("account.id"))
      .sort((a, b) => String(a.name).localeCompare(String(b.name)));
    const page = paginate(zones, ctx.url, { defaultPerPage: 20, maxPerPage: 50 });
    return ok(page.items, { resultInfo: page.info });
  }),

  route("GET", "/zones/:zone_id", (ctx) => ok(zoneOf(ctx))),

  route("GET", "/zones/:zone_id/dns_records", (ctx) => {
    const zone = zoneOf(ctx);
    const q = ctx.url.searchParams;
    const records = [...ctx.state.dnsRecords.values()]
      .filter((r) => r.zone_id === zone.id)
      .filter((r) => !q.get("type") || r.type === q.get("type"))
      .filter((r) => !q.get("name") || r.name === q.get("name"))
      .filter((r) => !q.get("content") || r.content === q.get("content"));
    const page = paginate(records, ctx.url, { defaultPerPage: 100, maxPerPage: 5000 });
    return ok(page.items, { resultInfo: page.info });
  }),

  route("POST", "/zones/:zone_id/dns_records", async (ctx) => {
    const zone = zoneOf(ctx);
    const input = validateRecord(await jsonBody(ctx.request), zone, undefined);
    checkConflicts(ctx, zone, input, undefined);
    const now = timestamp();
    const record: Row = { id: newId(), zone_id: zone.id, zone_name: zone.name, ...input, proxiable: ["A", "AAAA", "CNAME"].includes(String(input.type)),
      settings: {}, meta: {}, created_on: now, modified_on: now };
    ctx.state.dnsRecords.set(record.id, record);
    return ok(record);
  }),

  route("GET", "/zones/:zone_id/dns_records/:record_id", (ctx) => ok(recordOf(ctx))),

  route("PUT", "/zones/:zone_id/dns_records/:record_id", async (ctx) => {
    const existing = recordOf(ctx);
    return ok(save(ctx, existing, validateRecord(await jsonBody(ctx.request), zoneOf(ctx), undefined)));
  }),

  route("PATCH", "/zones/:zone_id/dns_records/:record_id", async (ctx) => {
    const existing = recordOf(ctx);
    return ok(save(ctx, existing, validateRecord(await jsonBody(ctx.request), zoneOf(ctx), existing)));
  }),

  route("DELETE", "/zones/:zone_id/dns_records/:record_id", (ctx) => {
    const record = recordOf(ctx);
    ctx.state.dnsRecords.delete(record.id);
    return ok({ id: record.id });
  }),
];

function recordOf(ctx: RouteContext): Row {
  const zone = zoneOf(ctx);
  const id = ctx.params.record_id ?? "";
  const record = isId(id) ? ctx.state.dnsRecords.get(id) : undefined;
  if (!record || record.zone_id !== zone.id) throw new ApiFailure(404, [{ code: 81044, message: "Record does not exist." }]);
  return record;
}

function save(ctx: RouteContext, existing: Row, input: Record<string, unknown>): Row {
  const zone = zoneOf(ctx);
  checkConflicts(ctx, zone, input, existing.id);
  const updated: Row = { ...existing, ...input, id: existing.id, modified_on: timestamp() };
  ctx.state.dnsRecords.set(existing.id, updated);
  return updated;
}

/** Validates a record body (merged over `base` for PATCH) the way the API's DNS validation does. */
function validateRecord(body: Record<string, unknown>, zone: Row, base: Row | undefined): Record<string, unknown> {
  const merged = { ...(base ?? {}), ...body };
  const type = String(merged.type ?? "").toUpperCase();
  if (!RECORD_TYPES.has(type)) throw dnsError(9004, type === "" ? "DNS record type is required." : `DNS record type "${type}" is invalid.`);
  const name = fullName(String(merged.name ?? ""), String(zone.name));
  if (name === "" || !/^(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9-]+$/i.test(name)) throw dnsError(9000, "DNS name is invalid.");
  const content = String(merged.content ?? "");
  if (type === "A" && !/^(\d{1,3})(\.\d{1,3}){3}$/.test(content)) throw dnsError(9005, "Content for A record must be a valid IPv4 address.");
  if (type === "AAAA" && !/^[0-9a-f:]+$/i.test(content)) throw dnsError(9006, "Content for AAAA record must be a valid IPv6 address.");
  if (content === "") throw dnsError(9007, `Content for ${type} record is invalid.`);
  const ttl = merged.ttl === undefined ? 1 : Number(merged.ttl);
  if (!Number.isInteger(ttl) || (ttl !== 1 && (ttl < 30 || ttl > 86400))) throw dnsError(9020, "TTL must be between 30 and 86400 seconds, or 1 for Automatic.");
  const proxied = Boolean(merged.proxied ?? false);
  if (proxied && !["A", "AAAA", "CNAME"].includes(type)) throw dnsError(9004, `${type} records cannot be proxied.`);
  return { type, name, content, ttl, proxied, comment: merged.comment ?? null, tags: Array.isArray(merged.tags) ? merged.tags : [],
    ...(merged.priority !== undefined ? { priority: Number(merged.priority) } : {}) };
}

/** Relative names are under the zone (as in the dashboard): "www" and "www.example.com" are the same. */
function fullName(name: string, zoneName: string): string {
  const n = name.trim().replace(/\.$/, "").toLowerCase();
  if (n === "@") return zoneName;
  if (n === "" || n === zoneName || n.endsWith(`.${zoneName}`)) return n;
  return `${n}.${zoneName}`;
}

function checkConflicts(ctx: RouteContext, zone: Row, input: Record<string, unknown>, selfId: string | undefined): void {
  for (const other of ctx.state.dnsRecords.values()) {
    if (other.zone_id !== zone.id || other.id === selfId || other.name !== input.name) continue;
    if (other.type === input.type && other.content === input.content) throw badRequest(81058, "An identical record already exists.");
    const exclusive = ["A", "AAAA", "CNAME"];
    if ((input.type === "CNAME" || other.type === "CNAME") && exclusive.includes(String(other.type)) && exclusive.includes(String(input.type))) {
      throw badRequest(81053, "An A, AAAA, or CNAME record with that host already exists.");
    }
  }
}

function dnsError(code: number, message: string): ApiFailure {
  return new ApiFailure(400, [{ code: 1004, message: "DNS Validation Error", error_chain: [{ code, message }] }]);
}
