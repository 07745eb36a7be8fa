/**
 * The operations other than GET that only read (POST unless `method` says otherwise). Everything
 * else that is not a GET counts as a write and pauses for an approval tap, so this list is the
 * whole exception and each entry says why. A read here goes through `cloudflare.read`, which
 * refuses host-side any call that `accessOf` does not decide is a read (approvals/access.ts).
 *
 * Found by reviewing every non-GET operation whose summary says it lists, gets, fetches,
 * returns, checks, validates, previews, analyzes, peeks, traces or queries; the ones that stay
 * writes are in reviewed-writes.ts with their reasons, and a test pins both
 * (test/node/catalog-taps.test.ts). Deliberately NOT here: anything that runs user SQL
 * (`d1.database.query` / `raw`), purges, sends (test webhooks, messages) or starts a job (scans,
 * tests, validations that are triggered), and anything that spends money (browser rendering, AI
 * runs and chat completions). Entries match by SDK id (without `@account`/`@zone`) or, for
 * OpenAPI input, by method and path.
 */

/** One read-only operation that is not a GET: its SDK id, method, path template and the reason it changes nothing. */
export interface ReadOnlyPost {
  id: string;
  /** POST when omitted. */
  method?: "POST" | "PUT";
  path: string;
  reason: string;
}

/** The read-only operations other than GET, with the reason for each. */
export const READ_ONLY_POSTS: readonly ReadOnlyPost[] = [
  { id: "registrar.check", path: "/accounts/{account_id}/registrar/domain-check", reason: "asks whether domains are available to register" },
  { id: "registrar.transferCheck", path: "/accounts/{account_id}/registrar/domain-transfer-check", reason: "asks whether domains can be transferred in" },
  { id: "registrarSandbox.check", path: "/accounts/{account_id}/registrar-sandbox/domain-check", reason: "availability check against the registrar sandbox" },
  { id: "vectorize.indexes.query", path: "/accounts/{account_id}/vectorize/v2/indexes/{index_name}/query", reason: "nearest-neighbour query; POST only because the vector is large" },
  { id: "vectorize.indexes.getByIDs", path: "/accounts/{account_id}/vectorize/v2/indexes/{index_name}/get_by_ids", reason: "fetches vectors by id; POST only to carry the id list" },
  { id: "cloudforceOne.requests.list", path: "/accounts/{account_id}/cloudforce-one/requests", reason: "lists intelligence requests; the filter travels in the body" },
  { id: "cloudforceOne.threatEvents.graphql.create", path: "/accounts/{account_id}/cloudforce-one/events/graphql", reason: "GraphQL query over threat events" },
  { id: "zeroTrust.dlp.patterns.validate", path: "/accounts/{account_id}/dlp/patterns/validate", reason: "checks that a DLP regex compiles" },
  { id: "logpush.transformers.preview", path: "/accounts/{account_id}/logpush/transformers/preview", reason: "shows what a transformation would output" },
  { id: "logpush.validate.origin", path: "/{accounts_or_zones}/{account_or_zone_id}/logpush/validate/origin", reason: "checks a logpull options string" },
  { id: "logs.logExplorer.query.sql", path: "/{accounts_or_zones}/{account_or_zone_id}/logs/explorer/query/sql", reason: "SQL SELECT over stored logs (Log Explorer is read-only)" },
  { id: "pipelines.validateSql", path: "/accounts/{account_id}/pipelines/v1/validate_sql", reason: "parses a pipeline's SQL without deploying it" },
  { id: "workers.observability.telemetry.query", path: "/accounts/{account_id}/workers/observability/telemetry/query", reason: "queries Workers logs and traces (it persists results unless `dry: true`: see conditional-writes.ts)" },
  { id: "workers.observability.telemetry.keys", path: "/accounts/{account_id}/workers/observability/telemetry/keys", reason: "lists the keys present in Workers telemetry" },
  { id: "workers.observability.telemetry.values", path: "/accounts/{account_id}/workers/observability/telemetry/values", reason: "lists the values of a telemetry key" },
  { id: "kv.namespaces.bulkGet", path: "/accounts/{account_id}/storage/kv/namespaces/{namespace_id}/bulk/get", reason: "reads many KV values at once" },
  { id: "kv.namespaces.keys.bulkGet", path: "/accounts/{account_id}/storage/kv/namespaces/{namespace_id}/bulk/get", reason: "reads many KV values at once (alias of kv.namespaces.bulkGet)" },
  { id: "aiSearch.instances.search", path: "/accounts/{account_id}/ai-search/instances/{id}/search", reason: "retrieval query over an AI Search index, no generation" },
  { id: "aiSearch.namespaces.search", path: "/accounts/{account_id}/ai-search/namespaces/{name}/search", reason: "retrieval query over an AI Search namespace, no generation" },
  { id: "aiSearch.namespaces.instances.search", path: "/accounts/{account_id}/ai-search/namespaces/{name}/instances/{id}/search", reason: "retrieval query over an AI Search instance, no generation" },
  { id: "pages.assets.checkMissing", path: "/pages/assets/check-missing", reason: "asks which asset hashes Pages lacks" },
  { id: "magicCloudNetworking.resources.policyPreview", path: "/accounts/{account_id}/magic/cloud/resources/policy-preview", reason: "previews which resources a policy would match" },
  { id: "emailSecurity.investigate.preview.create", path: "/accounts/{account_id}/email-security/investigate/preview", reason: "renders a preview of a quarantined message" },
  { id: "queues.messages.peek", path: "/accounts/{account_id}/queues/{queue_id}/messages/peek", reason: "shows messages without leasing them (\"Peek messages from a Queue without leasing them\"); pulling, which leases, stays a write" },
  { id: "loadBalancers.monitors.previews.create", path: "/accounts/{account_id}/load_balancers/monitors/{monitor_id}/preview", reason: "health-checks the pools with the given monitor settings without saving them; the result is read back by its preview id" },
  { id: "loadBalancers.pools.health.create", path: "/accounts/{account_id}/load_balancers/pools/{pool_id}/preview", reason: "health-checks one pool with the given monitor settings without saving them" },
  { id: "ssl.analyze.create", path: "/zones/{zone_id}/ssl/analyze", reason: "reports the hostnames, signature algorithm and expiry of a certificate bundle it is given; nothing is installed" },
  { id: "logpush.validate.destinationExists", path: "/{accounts_or_zones}/{account_or_zone_id}/logpush/validate/destination/exists", reason: "asks whether a Logpush job already uses a destination" },
  { id: "logpush.ownership.validate", path: "/{accounts_or_zones}/{account_or_zone_id}/logpush/ownership/validate", reason: "checks an ownership challenge token against a destination; the challenge itself (which writes a file there) is logpush.ownership.create, a write" },
  { id: "requestTracers.traces.create", path: "/accounts/{account_id}/request-tracer/trace", reason: "traces a simulated request through the zone's rules and settings (a request with a body-changing method is a write: see conditional-writes.ts)" },
  { id: "diagnostics.traceroutes.create", path: "/accounts/{account_id}/diagnostics/traceroute", reason: "runs traceroutes from Cloudflare data centers to the given targets and returns the hops; nothing in the account changes" },
  { id: "workers.observability.telemetry.liveTailHeartbeat", path: "/accounts/{account_id}/workers/observability/telemetry/live-tail/heartbeat", reason: "keeps an existing live-tail session open; it creates nothing (opening one is a write)" },
  { id: "aiGateway.billing.topup.status", path: "/accounts/{account_id}/ai-gateway/billing/topup/status", reason: "the payment status of a top-up by its invoice id" },
  { id: "aiAudit.robots.bulkGet", path: "/zones/{zone_id}/ai-audit/robots/bulk", reason: "fetches and parses the robots.txt of the zone's hostnames (the single-host GET is a read too)" },
  { id: "billing.addressValidation", path: "/billing/address-validation", reason: "checks a postal address and suggests corrections; nothing is saved" },
  { id: "cloudforceOne.requests.assets.create", path: "/accounts/{account_id}/cloudforce-one/requests/{request_id}/asset", reason: "lists the assets of an intelligence request (page and per_page travel in the body)" },
  { id: "cloudforceOne.requests.message.get", path: "/accounts/{account_id}/cloudforce-one/requests/{request_id}/message", reason: "lists the messages of an intelligence request (the filter travels in the body)" },
  { id: "radar.datasets.download", path: "/radar/datasets/download", reason: "returns the download URL of a public Radar dataset" },
  { id: "r2.superSlurper.connectivityPrecheck.source", method: "PUT", path: "/accounts/{account_id}/slurper/source/connectivity-precheck", reason: "checks that the given keys can reach the source bucket of a migration; no migration is created" },
  { id: "r2.superSlurper.connectivityPrecheck.target", method: "PUT", path: "/accounts/{account_id}/slurper/target/connectivity-precheck", reason: "checks that the given keys can reach the target bucket of a migration; no migration is created" },
];
