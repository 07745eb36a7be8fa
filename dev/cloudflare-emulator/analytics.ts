/**
 * A small, faithful slice of Cloudflare's GraphQL Analytics API (`POST /client/v4/graphql`) for
 * the demo account: the same entry points (`viewer.zones(filter: { zoneTag })`,
 * `viewer.accounts(filter: { accountTag })`), dataset names, argument shapes (`limit`, `filter`
 * with `_geq`/`_leq`…, `orderBy: [field_ASC|DESC]`), scalar names and response shape
 * (`{ data, errors }`, HTTP 200 even when `errors` is set) as the real API. It is executed by
 * graphql-js over the schema in analytics-schema.ts, so introspection (`__schema`, `__type`) works as it does there.
 *
 * The numbers are made up but deterministic: each one is a hash of (zone or script, date), so a
 * test can ask twice, or ask the emulator directly, and get the same answer for any date range.
 */
import { buildSchema, graphql, Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from "graphql";
import { ANALYTICS_SDL } from "./analytics-schema.ts";
import type { EmulatorState } from "./seed.ts";

const SCHEMA = buildSchema(ANALYTICS_SDL);

/** How many days back the demo account has data (from today, UTC). */
const RETENTION_DAYS = 366;

type Row = { count?: number; dimensions: Record<string, string | number>; sum: Record<string, number>; uniq?: Record<string, number>; quantiles?: Record<string, number> };
type Filter = Record<string, unknown>;

/** Answers one GraphQL request body as Cloudflare does: `{ data, errors }`, always HTTP 200 once authenticated. */
export async function answerGraphql(state: EmulatorState, body: unknown): Promise<{ data: unknown; errors: unknown }> {
  const request = (body ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
  if (typeof request.query !== "string" || request.query.trim() === "") return failure("missing the query: send { \"query\": \"…\" }");
  const result = await graphql({
    schema: SCHEMA,
    source: request.query,
    rootValue: { viewer: () => viewer(state) },
    variableValues: request.variables && typeof request.variables === "object" ? (request.variables as Record<string, unknown>) : {},
    ...(typeof request.operationName === "string" ? { operationName: request.operationName } : {}),
  });
  const errors = result.errors?.map((e) => ({ message: e.message, path: e.path ?? null, extensions: { timestamp: new Date().toISOString() } }));
  return { data: result.data ?? null, errors: errors && errors.length > 0 ? errors : null };
}

function failure(message: string) {
  return { data: null, errors: [{ message, path: null, extensions: { timestamp: new Date().toISOString() } }] };
}

function viewer(state: EmulatorState) {
  return {
    zones: ({ filter }: { filter: Filter }) => tagsOf(filter, "zoneTag").map((tag) => {
      if (!state.zones.has(tag)) throw new Error(`zone '${tag}' does not exist or the token cannot read its analytics`);
      return {
        zoneTag: tag,
        httpRequests1dGroups: (args: DatasetArgs) => select(zoneDays(tag, args.filter), args),
        httpRequestsAdaptiveGroups: (args: DatasetArgs, _ctx: unknown, info: GraphQLResolveInfo) =>
          select(groupBy(zoneRequests(tag, String(state.zones.get(tag)?.name ?? ""), args.filter), requestedDimensions(info)), args),
      };
    }),
    accounts: ({ filter }: { filter: Filter }) => tagsOf(filter, "accountTag").map((tag) => {
      if (!state.accounts.has(tag)) throw new Error("not authorized for that account");
      const scripts = [...state.workers.values()].filter((w) => w.accountId === tag).map((w) => w.name);
      return {
        accountTag: tag,
        workersInvocationsAdaptive: (args: DatasetArgs, _ctx: unknown, info: GraphQLResolveInfo) =>
          select(groupBy(workerRows(scripts, args.filter), requestedDimensions(info)), args),
      };
    }),
  };
}

function tagsOf(filter: Filter, key: string): string[] {
  const one = filter[key];
  const many = filter[`${key}_in`];
  const tags = [...(typeof one === "string" ? [one] : []), ...(Array.isArray(many) ? many.map(String) : [])];
  if (tags.length === 0) throw new Error(`filter needs ${key} or ${key}_in`);
  return tags;
}

interface DatasetArgs {
  limit: number;
  filter?: Filter | null;
  orderBy?: string[] | null;
}

/** The days (YYYY-MM-DD) within retention that the filter keeps. */
function days(filter: Filter | null | undefined): string[] {
  const today = new Date();
  const all: string[] = [];
  for (let i = RETENTION_DAYS - 1; i >= 0; i -= 1) {
    all.push(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - i)).toISOString().slice(0, 10));
  }
  return all.filter((date) => matches(filter, { date, datetime: `${date}T12:00:00Z` }));
}

/** Whether a row's dimensions pass a Cloudflare-style filter (`x`, `x_geq`, `x_in`, …, `AND`, `OR`). */
function matches(filter: Filter | null | undefined, row: Record<string, string>): boolean {
  if (!filter) return true;
  for (const [key, want] of Object.entries(filter)) {
    if (want === null || want === undefined) continue;
    if (key === "AND") { if (!(want as Filter[]).every((f) => matches(f, row))) return false; continue; }
    if (key === "OR") { if (!(want as Filter[]).some((f) => matches(f, row))) return false; continue; }
    const [, field = key, op = "eq"] = /^(.*?)(?:_(geq|gt|leq|lt|neq|in|notin))?$/.exec(key) ?? [];
    const have = row[field];
    if (have === undefined) continue; // a filter on something this slice does not model narrows nothing
    const value = field === "datetime" ? new Date(String(want)).toISOString() : Array.isArray(want) ? want.map(String) : String(want);
    const left = field === "datetime" ? new Date(have).toISOString() : have;
    // Numbers (a status) compare as numbers, everything else (dates, names) as strings.
    const order = (a: string, b: string) => (/^\d+$/.test(a) && /^\d+$/.test(b) ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0);
    const ok = op === "eq" ? left === value : op === "neq" ? left !== value : op === "in" ? (value as string[]).includes(left)
      : op === "notin" ? !(value as string[]).includes(left) : op === "geq" ? order(left, String(value)) >= 0 : op === "gt" ? order(left, String(value)) > 0
      : op === "leq" ? order(left, String(value)) <= 0 : order(left, String(value)) < 0;
    if (!ok) return false;
  }
  return true;
}

function zoneDays(zoneTag: string, filter: Filter | null | undefined): Row[] {
  return days(filter).map((date) => {
    const h = (salt: string) => hash(`${zoneTag}|${date}|${salt}`);
    const base = zoneTag.startsWith("9a78") ? 8000 : 1200; // demo-shop.dev is the busy one
    const requests = base + (h("r") % base);
    const cachedRequests = Math.floor(requests * (0.55 + (h("c") % 30) / 100));
    const perRequest = 24_000 + (h("b") % 16_000);
    return {
      dimensions: { date },
      sum: { requests, bytes: requests * perRequest, cachedRequests, cachedBytes: cachedRequests * perRequest,
        threats: h("t") % 40, pageViews: Math.floor(requests * 0.4) },
      uniq: { uniques: Math.floor(requests * 0.18) + (h("u") % 50) },
    };
  });
}

/** Each day's requests of a zone split by country and status (the same totals as httpRequests1dGroups). */
function zoneRequests(zoneTag: string, host: string, filter: Filter | null | undefined): Row[] {
  return zoneDays(zoneTag, undefined).flatMap((day) => {
    const date = String(day.dimensions.date);
    const weights = COUNTRIES.map((country, i) => (COUNTRIES.length - i) * 4 + (hash(`${zoneTag}|${date}|${country}`) % 7));
    const whole = weights.reduce((a, b) => a + b, 0);
    let left = day.sum.requests!;
    return COUNTRIES.flatMap((country, i) => {
      const requests = i === COUNTRIES.length - 1 ? left : Math.floor((day.sum.requests! * weights[i]!) / whole);
      left -= requests;
      const errors = Math.floor(requests * 0.02);
      return [[200, requests - errors], [404, errors]].map(([status, count]) => ({
        count: count!, dimensions: { date, clientCountryName: country, clientRequestHTTPHost: host, edgeResponseStatus: status! },
        sum: { edgeResponseBytes: count! * 30_000, visits: Math.floor(count! * 0.3) },
      }));
    });
  }).filter((row) => matches(filter, { ...stringsOf(row.dimensions), datetime: `${row.dimensions.date}T12:00:00Z` }));
}

const COUNTRIES = ["US", "DE", "NL", "GB", "FR", "IN", "BR", "JP"];

function stringsOf(record: Record<string, string | number>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, String(v)]));
}

function workerRows(scripts: string[], filter: Filter | null | undefined): Row[] {
  // days() ignores the script filters (its rows have no scriptName); the rows are filtered again with them.
  return scripts.flatMap((scriptName) => days(filter).map((date) => ({ scriptName, date })))
    .filter((d) => matches(filter, { ...d, datetime: `${d.date}T12:00:00Z` }))
    .map(({ scriptName, date }) => {
      const h = (salt: string) => hash(`${scriptName}|${date}|${salt}`);
      const requests = 2000 + (h("r") % 1500);
      return {
        dimensions: { scriptName, date },
        sum: { requests, errors: h("e") % 40, subrequests: Math.floor(requests * 1.3) },
        quantiles: { cpuTimeP50: 1.5 + (h("p") % 100) / 100, cpuTimeP99: 9 + (h("q") % 600) / 100 },
      };
    });
}

/** Adaptive datasets group by the dimensions the query asks for; sums add up, quantiles take the largest. */
function groupBy(rows: Row[], dimensions: string[]): Row[] {
  const groups = new Map<string, Row>();
  for (const row of rows) {
    const kept = Object.fromEntries(dimensions.map((d) => [d, row.dimensions[d] ?? ""]));
    const key = JSON.stringify(kept);
    const group = groups.get(key);
    if (!group) {
      groups.set(key, { ...(row.count !== undefined ? { count: row.count } : {}), dimensions: kept, sum: { ...row.sum }, ...(row.quantiles ? { quantiles: { ...row.quantiles } } : {}) });
      continue;
    }
    if (row.count !== undefined) group.count = (group.count ?? 0) + row.count;
    for (const [k, v] of Object.entries(row.sum)) group.sum[k] = (group.sum[k] ?? 0) + v;
    for (const [k, v] of Object.entries(row.quantiles ?? {})) group.quantiles![k] = Math.max(group.quantiles![k] ?? 0, v);
  }
  return [...groups.values()];
}

function requestedDimensions(info: GraphQLResolveInfo): string[] {
  const names = new Set<string>();
  const walk = (set: SelectionSetNode | undefined, inside: boolean) => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        if (inside) names.add(selection.name.value);
        else if (selection.name.value === "dimensions") walk(selection.selectionSet, true);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet, inside);
      else walk(info.fragments[selection.name.value]?.selectionSet, inside);
    }
  };
  for (const node of info.fieldNodes as readonly FieldNode[]) walk(node.selectionSet, false);
  return [...names];
}

function select(rows: Row[], args: DatasetArgs): Row[] {
  if (!Number.isInteger(args.limit) || args.limit < 1 || args.limit > 10_000) throw new Error("limit must be between 1 and 10000");
  const sorted = [...rows];
  for (const order of [...(args.orderBy ?? [])].reverse()) {
    const [, path = "", direction] = /^(.*)_(ASC|DESC)$/.exec(order) ?? [];
    const [group, field] = path.includes("_") ? path.split("_") as [keyof Row, string] : ["dimensions" as const, path];
    const value = (row: Row) => (path === "count" ? row.count : (row[group] as Record<string, string | number> | undefined)?.[field]) ?? "";
    sorted.sort((a, b) => (value(a) < value(b) ? -1 : value(a) > value(b) ? 1 : 0) * (direction === "DESC" ? -1 : 1));
  }
  return sorted.slice(0, args.limit);
}

/** FNV-1a, 32 bits: a stable number for a string. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Each of an account's Workers with its errors and requests from `since` (YYYY-MM-DD) to today,
 * most errors first: what `workersInvocationsAdaptive` sums to, for checkers that judge an answer.
 */
export function workerErrorTotals(state: EmulatorState, accountTag: string, since: string): Array<{ scriptName: string; errors: number; requests: number }> {
  const scripts = [...state.workers.values()].filter((w) => w.accountId === accountTag).map((w) => w.name);
  return groupBy(workerRows(scripts, { date_geq: since }), ["scriptName"])
    .map((row) => ({ scriptName: String(row.dimensions.scriptName), errors: Number(row.sum.errors), requests: Number(row.sum.requests) }))
    .sort((a, b) => b.errors - a.errors);
}
