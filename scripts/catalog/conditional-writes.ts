/**
 * Reads that become writes through one of their parameters. The build copies each entry's
 * conditions onto the operation as `writeWhen`; `accessOf` (approvals/access.ts) applies them to a
 * concrete call. Each entry says why.
 *
 * Found by listing every query parameter of every read (and every body parameter of the
 * read-only POSTs) and reading those whose names or docs suggest an action (retry, dry, refresh,
 * force, sync, validate, cache, …). Reviewed and left alone: `cloudforceOne.threatEvents.list`
 * `forceRefresh` and `cache` (server-side caching), `browserRendering.crawl.get` `cacheTTL`
 * (caching of the result), `browserRendering.devtools.browser.targets.list`
 * `liveViewUrlExpiresInMs` (how long the returned URLs live; the response is flagged as
 * credentials instead), and `aiSearch.*.search` `ai_search_options.query_rewrite` / `reranking`
 * (they can run models, but an instance's own settings can do so on every search anyway, so a
 * request flag cannot decide it).
 *
 * Entries match by SDK id (without `@account`/`@zone`) or, for OpenAPI input, by method and path.
 */
import type { HttpMethod, WriteCondition } from "../../skills/cloudflare/catalog/types.ts";

/** One read whose parameters can make it a write: where, when, and why. */
export interface ConditionalWrite {
  id: string;
  method: HttpMethod;
  path: string;
  /** The call is a write when any of these holds. */
  writeWhen: WriteCondition[];
  reason: string;
}

/** The reads that some parameters turn into writes, with the reason for each. */
export const CONDITIONAL_WRITES: readonly ConditionalWrite[] = [
  {
    id: "ssl.verification.get",
    method: "GET",
    path: "/zones/{zone_id}/ssl/verification",
    // The SDK types `retry` as the literal `true` and documents no other value, so sending it at all counts.
    writeWhen: [{ in: "query", name: "retry" }],
    reason: "`retry` makes Cloudflare retry SSL certificate validation for the zone now (\"Immediately retry SSL Verification\")",
  },
  {
    id: "workers.observability.telemetry.query",
    method: "POST",
    path: "/accounts/{account_id}/workers/observability/telemetry/query",
    writeWhen: [{ in: "body", name: "dry", unless: ["true"] }],
    reason: "without `dry: true` the query's results are persisted in the account (\"When true, executes the query without persisting the results\")",
  },
  {
    id: "requestTracers.traces.create",
    method: "POST",
    path: "/accounts/{account_id}/request-tracer/trace",
    writeWhen: [{ in: "body", name: "method", unless: ["GET", "HEAD"] }],
    reason: "unless `skip_response` is set, the traced request is sent on to the origin after the rules run, so a POST, PUT, PATCH or DELETE with a body reaches the application as a real request",
  },
];
