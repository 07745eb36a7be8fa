/**
 * Operations other than GET whose summaries sound like reads (they "get", "fetch", "return",
 * "validate", "check", "preview"…) but that stay writes, each with the reason. Nothing here
 * changes the build's output (a non-GET is a write unless read-only-posts.ts lists it): the list
 * records the review, the build reports an entry that names no operation, and a test pins it
 * (test/node/catalog-taps.test.ts). The rule: anything that runs user SQL, purges, sends, starts
 * a job, changes state, or spends money asks first.
 *
 * Entries match by SDK id (without `@account`/`@zone`) or, for OpenAPI input, by method and path.
 */
import type { HttpMethod } from "../../skills/cloudflare/catalog/types.ts";

/** One reviewed operation that stays a write, and why. */
export interface ReviewedWrite {
  id: string;
  method: HttpMethod;
  path: string;
  reason: string;
}

const BROWSER = "runs a billed headless-browser session that loads the page (it spends money, and loading a URL can have effects on that site)";
const BRAND = "saves brand-protection queries in the account (the summary's \"Return\" is about the response)";

/** The reviewed look-alike reads that stay writes, with the reason for each. */
export const REVIEWED_WRITES: readonly ReviewedWrite[] = [
  { id: "d1.database.query", method: "POST", path: "/accounts/{account_id}/d1/database/{database_id}/query", reason: "runs user SQL, which may be INSERT, UPDATE or DROP" },
  { id: "d1.database.raw", method: "POST", path: "/accounts/{account_id}/d1/database/{database_id}/raw", reason: "runs user SQL, which may be INSERT, UPDATE or DROP" },
  { id: "queues.messages.pull", method: "POST", path: "/accounts/{account_id}/queues/{queue_id}/messages/pull", reason: "leases the messages: other consumers do not get them until the lease ends" },
  { id: "logpush.validate.destination", method: "POST", path: "/{accounts_or_zones}/{account_or_zone_id}/logpush/validate/destination", reason: "writes a test object into the destination" },
  { id: "logpush.ownership.create", method: "POST", path: "/{accounts_or_zones}/{account_or_zone_id}/logpush/ownership", reason: "writes an ownership challenge file into the destination" },
  { id: "magicTransit.pcaps.ownership.validate", method: "POST", path: "/accounts/{account_id}/pcaps/ownership/validate", reason: "marks the bucket's ownership as validated for packet captures (a state change)" },
  { id: "addressing.prefixes.validate", method: "POST", path: "/accounts/{account_id}/addressing/prefixes/{prefix_id}/validate", reason: "starts a new validation of the prefix (\"Triggers a new prefix validation\")" },
  { id: "iam.sso.beginVerification", method: "POST", path: "/accounts/{account_id}/sso_connectors/{sso_connector_id}/begin_verification", reason: "starts domain verification of the SSO connector, which changes its state" },
  { id: "workers.observability.telemetry.liveTail", method: "POST", path: "/accounts/{account_id}/workers/observability/telemetry/live-tail", reason: "opens a live-tail session whose WebSocket URL streams the Worker's events (it also returns credentials)" },
  { id: "waitingRooms.page.preview", method: "POST", path: "/zones/{zone_id}/waiting_rooms/preview", reason: "hosts the given HTML at a public preview URL" },
  { id: "zeroTrust.casb.posture.webhooks.evaluate", method: "POST", path: "/accounts/{account_id}/data-security/posture/webhooks/evaluate", reason: "sends a test webhook event to the given URL" },
  { id: "zeroTrust.casb.posture.webhooks.evaluateExisting", method: "POST", path: "/accounts/{account_id}/data-security/posture/webhooks/{webhook_id}/evaluate", reason: "sends a test webhook event to a configured destination" },
  { id: "queues.purge.start", method: "POST", path: "/accounts/{account_id}/queues/{queue_id}/purge", reason: "deletes every message of the queue" },
  { id: "zeroTrust.access.applications.policyTests.create", method: "POST", path: "/accounts/{account_id}/access/policy-tests", reason: "starts a policy test job" },
  { id: "dns.records.scanTrigger", method: "POST", path: "/zones/{zone_id}/dns_records/scan/trigger", reason: "starts an asynchronous scan whose findings are stored for review" },
  { id: "brandProtection.logos.create", method: "POST", path: "/accounts/{account_id}/brand-protection/logos", reason: BRAND },
  { id: "brandProtection.queries.create", method: "POST", path: "/accounts/{account_id}/brand-protection/queries", reason: BRAND },
  { id: "brandProtection.queries.bulk", method: "POST", path: "/accounts/{account_id}/brand-protection/queries/bulk", reason: BRAND },
  { id: "brandProtection.submit", method: "POST", path: "/accounts/{account_id}/brand-protection/submit", reason: "submits URLs for brand-protection scanning" },
  { id: "browserRendering.accessibilityTree.create", method: "POST", path: "/accounts/{account_id}/browser-rendering/accessibilityTree", reason: BROWSER },
  { id: "browserRendering.content.create", method: "POST", path: "/accounts/{account_id}/browser-rendering/content", reason: BROWSER },
  { id: "browserRendering.json.create", method: "POST", path: "/accounts/{account_id}/browser-rendering/json", reason: `${BROWSER}; it also runs an AI model` },
  { id: "browserRendering.links.create", method: "POST", path: "/accounts/{account_id}/browser-rendering/links", reason: BROWSER },
  { id: "browserRendering.markdown.create", method: "POST", path: "/accounts/{account_id}/browser-rendering/markdown", reason: BROWSER },
  { id: "browserRendering.pdf.create", method: "POST", path: "/accounts/{account_id}/browser-rendering/pdf", reason: BROWSER },
  { id: "browserRendering.scrape.create", method: "POST", path: "/accounts/{account_id}/browser-rendering/scrape", reason: BROWSER },
  { id: "browserRendering.snapshot.create", method: "POST", path: "/accounts/{account_id}/browser-rendering/snapshot", reason: BROWSER },
];
