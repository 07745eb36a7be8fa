/**
 * R2 buckets, D1 databases, KV namespaces and Queues under /accounts/{account_id}.
 * Shapes follow the real API, including its quirks: R2 lists as `result: { buckets }` with cursor
 * pagination; D1 ids are UUIDs. Error codes are the real ones where known (R2 10004/10005/10006,
 * KV 10013/10014); the D1 and Queues codes are close approximations.
 */
import { ApiFailure, badRequest, newId, newUuid, ok, paginate, paginateByCursor, timestamp } from "../envelope.ts";
import { accountOf, jsonBody, route, type Route, type RouteContext } from "../router.ts";

type Owned = { accountId: string; row: Record<string, unknown> };

/** Routes for R2, D1, KV and Queues. */
export const storageRoutes: Route[] = [
  route("GET", "/accounts/:account_id/r2/buckets", (ctx) => {
    const account = accountOf(ctx);
    const contains = ctx.url.searchParams.get("name_contains");
    const buckets = [...ctx.state.r2Buckets.values()].filter((b) => b.accountId === account)
      .map((b) => b.row).filter((row) => !contains || String(row.name).includes(contains))
      .sort((a, b) => String(a.name).localeCompare(String(b.name)));
    const page = paginateByCursor(buckets, ctx.url, { defaultPerPage: 20, maxPerPage: 1000 });
    return ok({ buckets: page.items }, { resultInfo: page.info });
  }),
  route("POST", "/accounts/:account_id/r2/buckets", async (ctx) => {
    const account = accountOf(ctx);
    const body = await jsonBody(ctx.request);
    const name = String(body.name ?? "");
    if (!/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(name)) throw badRequest(10005, "The specified bucket name is not valid.");
    if (ctx.state.r2Buckets.has(`${account}/${name}`)) throw new ApiFailure(409, [{ code: 10004, message: "The bucket you tried to create already exists, and you own it." }]);
    const row = { name, creation_date: timestamp(), location: String(body.locationHint ?? "weur").toUpperCase(),
      storage_class: body.storageClass === "InfrequentAccess" ? "InfrequentAccess" : "Standard", jurisdiction: "default" };
    ctx.state.r2Buckets.set(`${account}/${name}`, { accountId: account, row });
    return ok(row);
  }),
  route("GET", "/accounts/:account_id/r2/buckets/:bucket_name", (ctx) => ok(bucketOf(ctx).row)),
  route("DELETE", "/accounts/:account_id/r2/buckets/:bucket_name", (ctx) => {
    const bucket = bucketOf(ctx);
    ctx.state.r2Buckets.delete(`${bucket.accountId}/${String(bucket.row.name)}`);
    return ok({});
  }),

  route("GET", "/accounts/:account_id/d1/database", (ctx) => list(ctx, ctx.state.d1, "name", 1000, 10000)),
  route("POST", "/accounts/:account_id/d1/database", async (ctx) => {
    const account = accountOf(ctx);
    const name = String((await jsonBody(ctx.request)).name ?? "");
    if (!/^[a-z0-9][a-z0-9_-]{0,63}$/i.test(name)) throw badRequest(7400, "The database name is invalid: use letters, digits, - and _ (at most 64).");
    if (taken(ctx.state.d1, account, "name", name)) throw badRequest(7502, `A database with the name "${name}" already exists.`);
    const uuid = newUuid();
    const row = { uuid, name, version: "production", created_at: timestamp(), num_tables: 0, file_size: 0, running_in_region: "WEUR", read_replication: { mode: "disabled" } };
    ctx.state.d1.set(uuid, { accountId: account, row });
    return ok({ uuid, name, created_at: row.created_at, version: row.version });
  }),
  route("GET", "/accounts/:account_id/d1/database/:database_id", (ctx) => ok(d1Of(ctx).row)),
  route("DELETE", "/accounts/:account_id/d1/database/:database_id", (ctx) => {
    ctx.state.d1.delete(String(d1Of(ctx).row.uuid));
    return ok(null);
  }),

  route("GET", "/accounts/:account_id/storage/kv/namespaces", (ctx) => list(ctx, ctx.state.kv, "title", 20, 1000)),
  route("POST", "/accounts/:account_id/storage/kv/namespaces", async (ctx) => {
    const account = accountOf(ctx);
    const title = String((await jsonBody(ctx.request)).title ?? "").trim();
    if (title === "") throw badRequest(10019, "create namespace: 'title is required'");
    if (taken(ctx.state.kv, account, "title", title)) throw badRequest(10014, "create namespace: 'a namespace with this account ID and title already exists'");
    const row = { id: newId(), title, supports_url_encoding: true };
    ctx.state.kv.set(row.id, { accountId: account, row });
    return ok(row);
  }),
  route("GET", "/accounts/:account_id/storage/kv/namespaces/:namespace_id", (ctx) => ok(kvOf(ctx).row)),
  route("PUT", "/accounts/:account_id/storage/kv/namespaces/:namespace_id", async (ctx) => {
    const namespace = kvOf(ctx);
    const title = String((await jsonBody(ctx.request)).title ?? "").trim();
    if (title === "") throw badRequest(10019, "rename namespace: 'title is required'");
    namespace.row = { ...namespace.row, title };
    return ok(namespace.row);
  }),
  route("DELETE", "/accounts/:account_id/storage/kv/namespaces/:namespace_id", (ctx) => {
    ctx.state.kv.delete(String(kvOf(ctx).row.id));
    return ok({});
  }),

  route("GET", "/accounts/:account_id/queues", (ctx) => list(ctx, ctx.state.queues, "queue_name", 20, 1000)),
  route("POST", "/accounts/:account_id/queues", async (ctx) => {
    const account = accountOf(ctx);
    const name = String((await jsonBody(ctx.request)).queue_name ?? "");
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(name)) throw badRequest(11003, "queue_name is invalid: use lowercase letters, digits and - (at most 63).");
    if (taken(ctx.state.queues, account, "queue_name", name)) throw new ApiFailure(409, [{ code: 11009, message: `A queue named "${name}" already exists.` }]);
    const now = timestamp();
    const row = { queue_id: newId(), queue_name: name, created_on: now, modified_on: now, producers: [], producers_total_count: 0,
      consumers: [], consumers_total_count: 0, settings: { delivery_delay: 0, delivery_paused: false, message_retention_period: 345600 } };
    ctx.state.queues.set(row.queue_id, { accountId: account, row });
    return ok(row);
  }),
  route("GET", "/accounts/:account_id/queues/:queue_id", (ctx) => ok(owned(ctx, ctx.state.queues, "queue_id", 11000, "Queue not found.").row)),
  // Peek shows messages without leasing them: nothing changes, so every peek sees the same ones.
  route("POST", "/accounts/:account_id/queues/:queue_id/messages/peek", (ctx) => {
    const queue = owned(ctx, ctx.state.queues, "queue_id", 11000, "Queue not found.");
    return ok(queue.row.queue_name === "order-events" ? [{ id: "7d2a0c6e5b1f4e8a9c3d2b1a0f9e8d7c", body: "{\"order\":1042,\"event\":\"paid\"}",
      attempts: 1, metadata: { "CF-Content-Type": "json", "CF-sourceMessageSource": "worker" }, timestamp_ms: 1750255331901 }] : []);
  }),
  route("DELETE", "/accounts/:account_id/queues/:queue_id", (ctx) => {
    ctx.state.queues.delete(String(owned(ctx, ctx.state.queues, "queue_id", 11000, "Queue not found.").row.queue_id));
    return ok(null);
  }),
];

function list(ctx: RouteContext, map: Map<string, Owned>, nameField: string, defaultPerPage: number, maxPerPage: number): Response {
  const account = accountOf(ctx);
  const name = ctx.url.searchParams.get("name");
  const rows = [...map.values()].filter((o) => o.accountId === account).map((o) => o.row)
    .filter((row) => !name || String(row[nameField]).includes(name));
  const page = paginate(rows, ctx.url, { defaultPerPage, maxPerPage });
  return ok(page.items, { resultInfo: page.info });
}

function taken(map: Map<string, Owned>, account: string, field: string, value: string): boolean {
  return [...map.values()].some((o) => o.accountId === account && o.row[field] === value);
}

function owned(ctx: RouteContext, map: Map<string, Owned>, param: string, code: number, message: string): Owned {
  const account = accountOf(ctx);
  const found = map.get(ctx.params[param] ?? "");
  if (!found || found.accountId !== account) throw new ApiFailure(404, [{ code, message }]);
  return found;
}

function bucketOf(ctx: RouteContext): Owned {
  const account = accountOf(ctx);
  const bucket = ctx.state.r2Buckets.get(`${account}/${ctx.params.bucket_name ?? ""}`);
  if (!bucket) throw new ApiFailure(404, [{ code: 10006, message: "The specified bucket does not exist." }]);
  return bucket;
}

function d1Of(ctx: RouteContext): Owned {
  return owned(ctx, ctx.state.d1, "database_id", 7404, `The database ${ctx.params.database_id ?? ""} could not be found.`);
}

function kvOf(ctx: RouteContext): Owned {
  return owned(ctx, ctx.state.kv, "namespace_id", 10013, "get namespace: 'namespace not found'");
}
