/**
 * The POST operations that only read. Everything else that is not a GET counts as a write and
 * pauses for an approval tap, so this list is the whole exception and each entry says why.
 *
 * Deliberately NOT here: `d1.database.query` / `d1.database.raw` (SQL may be INSERT or DROP),
 * browser rendering, AI runs and chat completions (they spend money), logpush destination and
 * ownership checks (they write a test object into the destination), scans and tests that start
 * jobs. Entries match by SDK id (without `@account`/`@zone`) or, for OpenAPI input, by path.
 */

/** One read-only POST: its SDK id, its path template and the reason it changes nothing. */
export interface ReadOnlyPost {
  id: string;
  path: string;
  reason: string;
}

/** The read-only POST operations, with the reason for each. */
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
];
