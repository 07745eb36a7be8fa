/**
 * The GET operations that change something or spend money. A GET normally only reads and runs at
 * once; these are built as writes (`access: "write"`), so they pause for an approval tap like any
 * other write. Each entry says why.
 *
 * Found by listing every GET of the catalog (ids, paths, summaries, descriptions, query
 * parameters), grepping for verbs (launch, close, activate, connect, link, start, stop, trigger,
 * purge, rotate, regenerate, reset, verify, retry, revoke, refresh, sync, run, execute, send, test,
 * generate, export, …) and reading the SDK's JSDoc of every hit.
 *
 * Reviewed and left as reads (they look like actions but change nothing in the account):
 * `accounts.tokens.verify` / `user.tokens.verify` (check the calling token), `aiAudit.robots.get`,
 * `emailAuth.spf.inspect.get` and `radar.postQuantum.tls.support` (fetch or probe from outside),
 * `flagship.apps.evaluate.get` (evaluates a flag), `zeroTrust.access.applications.userPolicyChecks.list`
 * (evaluates a policy), `dns.records.export`, `magicCloudNetworking.resources.export`,
 * `queues.purge.status`, `zeroTrust.devices.overrideCodes.*` (fetch codes; they return credentials,
 * see credential-operations.ts), `pages.projects.getUploadToken` (a stateless short-lived JWT; also
 * credentials), and `cloudforceOne.threatEvents.list` with `forceRefresh` (refreshes a server-side
 * cache only). GETs that become writes only with a query flag are in conditional-writes.ts.
 *
 * Entries match by SDK id (without `@account`/`@zone`) or, for OpenAPI input, by method and path.
 */

/** One GET that writes: its SDK id, method, path template and what it changes. */
export interface SideEffectGet {
  id: string;
  method: "GET";
  path: string;
  reason: string;
}

/** The GET operations that are writes, with the reason for each. */
export const SIDE_EFFECT_GETS: readonly SideEffectGet[] = [
  { id: "browserRendering.devtools.browser.launch", method: "GET", path: "/accounts/{account_id}/browser-rendering/devtools/browser", reason: "acquires a new browser session, which is billed while it runs" },
  { id: "browserRendering.devtools.browser.connect", method: "GET", path: "/accounts/{account_id}/browser-rendering/devtools/browser/{session_id}", reason: "opens a DevTools WebSocket to a running session: whoever holds the connection drives that browser" },
  { id: "browserRendering.devtools.browser.page.get", method: "GET", path: "/accounts/{account_id}/browser-rendering/devtools/browser/{session_id}/page/{target_id}", reason: "opens a DevTools WebSocket to one page of a running session, which drives that page" },
  { id: "browserRendering.devtools.browser.targets.activate", method: "GET", path: "/accounts/{account_id}/browser-rendering/devtools/browser/{session_id}/json/activate/{target_id}", reason: "brings a tab of a running browser session to the front" },
  { id: "browserRendering.devtools.browser.targets.close", method: "GET", path: "/accounts/{account_id}/browser-rendering/devtools/browser/{session_id}/json/close/{target_id}", reason: "closes a tab of a running browser session" },
  { id: "alerting.destinations.pagerduty.link", method: "GET", path: "/accounts/{account_id}/alerting/v3/destinations/pagerduty/connect/{token_id}", reason: "links a PagerDuty service to the account's notification destinations" },
];
