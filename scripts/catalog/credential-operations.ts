/**
 * The operations whose responses carry credentials. The build marks them
 * `sensitive: "credentials"`: the bot asks before such a read runs and never posts the result of
 * any of them into a group chat. A GET here keeps `access: "read"` (it changes nothing); the writes
 * here are approved as usual and only their results need the care.
 *
 * The rule: an operation is listed when its documented response (the SDK's JSDoc or response
 * type) carries a usable secret: an API or bearer token, a key, password, passphrase, pre-shared
 * or private key, client secret, signing secret, stream key, or a URL that by itself grants
 * access (upload URLs, live view and tail WebSocket URLs). Found by walking every operation's
 * response type in the SDK for such fields and reading every description that mentions tokens,
 * secrets, credentials, passwords or keys.
 *
 * Reviewed and not listed: responses that say the secret is left out (`workers.scripts.secrets.*`
 * and the Workers for Platforms equivalents "value omitted", `aiSearch.tokens.*`,
 * `moq.relays.get` / `moq.relays.tokens.list`, `zaraz.config.get` "secret variables values will
 * not be included" (its `debugKey` is the key for Zaraz debug mode, not an account credential), `aiGateway.providerConfigs.list` masked previews, `zeroTrust.casb.posture.webhooks.*`
 * header values); responses without the secret field (`user.tokens.get/list`,
 * `accounts.tokens.get/list`, `zeroTrust.access.serviceTokens.get/list`, `hyperdrive.configs.*`
 * has no password, `secretsStore.*` values are write-only, `calls.sfu.get` / `calls.turn.get`,
 * `iam.oauthClients.get/list`, `vulnerabilityScanner.credentialSets.*` names and locations only,
 * `tokenValidation.configuration.*` public JWKs, `stream.keys.get` ids and dates);
 * public material (certificates and public keys, DNSSEC keys, `rum.siteInfo.*` and Pages
 * `web_analytics_token` beacon tokens, DNS and BYOIP verification codes, `md5_key` which the SDK
 * says "is not treated as a secret value"); and stored data (`kv.namespaces.values.get` /
 * `bulkGet`, `r2.buckets.objects.get`, D1 queries): they hold whatever the account put there, and
 * flagging them would make every data read ask first.
 *
 * Entries match by SDK id (without `@account`/`@zone`) or, for OpenAPI input, by method and path.
 */
import type { HttpMethod } from "../../skills/cloudflare/catalog/types.ts";

/** One operation whose response carries credentials: its SDK id, route and which secret. */
export interface CredentialOperation {
  id: string;
  method: HttpMethod;
  path: string;
  reason: string;
}

/** The operations whose responses carry credentials, reads first, with the secret each returns. */
export const CREDENTIAL_OPERATIONS: readonly CredentialOperation[] = [
  // Reads (GET): they ask first.
  { id: "zeroTrust.tunnels.cloudflared.token.get", method: "GET", path: "/accounts/{account_id}/cfd_tunnel/{tunnel_id}/token", reason: "the tunnel token: whoever holds it can run cloudflared as this tunnel (the SDK says to treat it as a secret)" },
  { id: "zeroTrust.tunnels.warpConnector.token.get", method: "GET", path: "/accounts/{account_id}/warp_connector/{tunnel_id}/token", reason: "the token that associates a device with this WARP Connector tunnel" },
  { id: "zaraz.export.get", method: "GET", path: "/zones/{zone_id}/settings/zaraz/export", reason: "the full published Zaraz configuration, secret variables included (the SDK says so)" },
  { id: "zaraz.history.configs.get", method: "GET", path: "/zones/{zone_id}/settings/zaraz/history/configs", reason: "past published Zaraz configurations in full; unlike zaraz.config.get, the SDK does not say secret variable values are left out" },
  { id: "pages.projects.getUploadToken", method: "GET", path: "/accounts/{account_id}/pages/projects/{project_name}/upload-token", reason: "a short-lived JWT that authorises Pages Direct Upload to the project" },
  { id: "turnstile.widgets.get", method: "GET", path: "/accounts/{account_id}/challenges/widgets/{sitekey}", reason: "the widget's secret key (`secret`)" },
  { id: "stream.liveInputs.get", method: "GET", path: "/accounts/{account_id}/stream/live_inputs/{live_input_identifier}", reason: "the live input's RTMPS stream keys and SRT passphrases, for ingest and playback" },
  { id: "stream.liveInputs.outputs.list", method: "GET", path: "/accounts/{account_id}/stream/live_inputs/{live_input_identifier}/outputs", reason: "each output's `streamKey` for its restream target" },
  { id: "stream.webhooks.get", method: "GET", path: "/accounts/{account_id}/stream/webhook", reason: "the `secret` that signs Stream webhooks" },
  { id: "images.v1.keys.list", method: "GET", path: "/accounts/{account_id}/images/v1/keys", reason: "the Images URL signing keys (`keys[].value`)" },
  { id: "dns.zoneTransfers.tsigs.get", method: "GET", path: "/accounts/{account_id}/secondary_dns/tsigs/{tsig_id}", reason: "the TSIG shared `secret` that authenticates zone transfers" },
  { id: "dns.zoneTransfers.tsigs.list", method: "GET", path: "/accounts/{account_id}/secondary_dns/tsigs", reason: "the TSIG shared `secret`s that authenticate zone transfers" },
  { id: "zeroTrust.devices.overrideCodes.get", method: "GET", path: "/accounts/{account_id}/devices/registrations/{registration_id}/override_codes", reason: "one-time WARP admin override codes, which let a device's user turn WARP off" },
  { id: "zeroTrust.devices.overrideCodes.list", method: "GET", path: "/accounts/{account_id}/devices/{device_id}/override_codes", reason: "a one-time WARP admin override code, which lets a device's user turn WARP off" },
  { id: "realtimeKit.livestreams.getAllLivestreams", method: "GET", path: "/accounts/{account_id}/realtime/kit/{app_id}/livestreams", reason: "the livestreams' `stream_key`s (RTMP ingest keys)" },
  { id: "realtimeKit.livestreams.getActiveLivestreamsForLivestreamID", method: "GET", path: "/accounts/{account_id}/realtime/kit/{app_id}/livestreams/{livestream_id}/active-livestream-session", reason: "the livestream's `stream_key` (RTMP ingest key)" },
  { id: "realtimeKit.livestreams.getLivestreamSessionForLivestreamID", method: "GET", path: "/accounts/{account_id}/realtime/kit/{app_id}/livestreams/{livestream_id}", reason: "the livestream's `stream_key` (RTMP ingest key)" },
  { id: "realtimeKit.livestreams.getMeetingActiveLivestreams", method: "GET", path: "/accounts/{account_id}/realtime/kit/{app_id}/meetings/{meeting_id}/active-livestream", reason: "the livestreams' `stream_key`s (RTMP ingest keys)" },
  { id: "magicTransit.connectors.get", method: "GET", path: "/accounts/{account_id}/magic/connectors/{connector_id}", reason: "the connector's `license_key`, which activates a Magic WAN Connector" },
  { id: "magicTransit.connectors.list", method: "GET", path: "/accounts/{account_id}/magic/connectors", reason: "each connector's `license_key`, which activates a Magic WAN Connector" },
  { id: "originTLSClientAuth.get", method: "GET", path: "/zones/{zone_id}/origin_tls_client_auth/{certificate_id}", reason: "the SDK's response type includes the zone's `private_key` for authenticated origin pulls" },
  { id: "originTLSClientAuth.list", method: "GET", path: "/zones/{zone_id}/origin_tls_client_auth", reason: "the SDK's response type includes the zone's `private_key` for authenticated origin pulls" },
  { id: "originTLSClientAuth.zoneCertificates.get", method: "GET", path: "/zones/{zone_id}/origin_tls_client_auth/{certificate_id}", reason: "the SDK's response type includes the zone's `private_key` for authenticated origin pulls" },
  { id: "originTLSClientAuth.zoneCertificates.list", method: "GET", path: "/zones/{zone_id}/origin_tls_client_auth", reason: "the SDK's response type includes the zone's `private_key` for authenticated origin pulls" },
  { id: "aiGateway.get", method: "GET", path: "/accounts/{account_id}/ai-gateway/gateways/{id}", reason: "the gateway's OpenTelemetry export `authorization` and `headers`, and its Stripe `authorization`" },
  { id: "aiGateway.list", method: "GET", path: "/accounts/{account_id}/ai-gateway/gateways", reason: "each gateway's OpenTelemetry export `authorization` and `headers`, and its Stripe `authorization`" },
  { id: "aiGateway.customProviders.get", method: "GET", path: "/accounts/{account_id}/ai-gateway/custom-providers/{id}", reason: "the provider's extra `headers`, whose values \"can contain credentials\" (SDK)" },
  { id: "aiGateway.customProviders.list", method: "GET", path: "/accounts/{account_id}/ai-gateway/custom-providers", reason: "the providers' extra `headers`, whose values \"can contain credentials\" (SDK)" },
  { id: "zeroTrust.identityProviders.get", method: "GET", path: "/{accounts_or_zones}/{account_or_zone_id}/access/identity_providers/{identity_provider_id}", reason: "the identity provider's OAuth `client_secret` (in `config`, per the SDK's response type)" },
  { id: "zeroTrust.identityProviders.list", method: "GET", path: "/{accounts_or_zones}/{account_or_zone_id}/access/identity_providers", reason: "the identity providers' OAuth `client_secret`s (in `config`, per the SDK's response type)" },
  { id: "zeroTrust.access.applications.get", method: "GET", path: "/{accounts_or_zones}/{account_or_zone_id}/access/apps/{app_id}", reason: "SCIM provisioning credentials (`scim_config.authentication`: password, token, client secret)" },
  { id: "zeroTrust.access.applications.list", method: "GET", path: "/{accounts_or_zones}/{account_or_zone_id}/access/apps", reason: "SCIM provisioning credentials (`scim_config.authentication`: password, token, client secret)" },
  { id: "workers.scripts.tail.get", method: "GET", path: "/accounts/{account_id}/workers/scripts/{script_name}/tails", reason: "the tails' WebSocket `url`s; connecting to one streams the Worker's live logs" },
  { id: "browserRendering.devtools.browser.targets.list", method: "GET", path: "/accounts/{account_id}/browser-rendering/devtools/browser/{session_id}/json/list", reason: "live view URLs that open the session's browser until they expire (`liveViewUrlExpiresInMs`)" },
  // Writes: approved as usual; their results stay out of group chats.
  { id: "user.tokens.create", method: "POST", path: "/user/tokens", reason: "the new API token's `value`" },
  { id: "accounts.tokens.create", method: "POST", path: "/accounts/{account_id}/tokens", reason: "the new account API token's `value`" },
  { id: "user.tokens.value.update", method: "PUT", path: "/user/tokens/{token_id}/value", reason: "rolls the API token and returns its new secret" },
  { id: "accounts.tokens.value.update", method: "PUT", path: "/accounts/{account_id}/tokens/{token_id}/value", reason: "rolls the account API token and returns its new secret" },
  { id: "zeroTrust.access.serviceTokens.create", method: "POST", path: "/{accounts_or_zones}/{account_or_zone_id}/access/service_tokens", reason: "the service token's `client_secret` (shown only on creation)" },
  { id: "zeroTrust.access.serviceTokens.rotate", method: "POST", path: "/accounts/{account_id}/access/service_tokens/{service_token_id}/rotate", reason: "the service token's new `client_secret`" },
  { id: "r2.temporaryCredentials.create", method: "POST", path: "/accounts/{account_id}/r2/temp-access-credentials", reason: "temporary S3 credentials for the bucket (`secretAccessKey`, `sessionToken`)" },
  { id: "zeroTrust.tunnels.cloudflared.management.create", method: "POST", path: "/accounts/{account_id}/cfd_tunnel/{tunnel_id}/management", reason: "a tunnel management token (the SDK says to treat it as a secret)" },
  { id: "magicNetworkMonitoring.vpcFlows.tokens.create", method: "POST", path: "/accounts/{account_id}/mnm/vpc-flows/token", reason: "an authentication token for VPC flow log export" },
  { id: "calls.sfu.create", method: "POST", path: "/accounts/{account_id}/calls/apps", reason: "the Realtime SFU app's `secret` (a bearer token)" },
  { id: "calls.turn.create", method: "POST", path: "/accounts/{account_id}/calls/turn_keys", reason: "the TURN key's `key` (a bearer token)" },
  { id: "stream.keys.create", method: "POST", path: "/accounts/{account_id}/stream/keys", reason: "an RSA signing key in PEM and JWK, shown only once" },
  { id: "stream.token.create", method: "POST", path: "/accounts/{account_id}/stream/{identifier}/token", reason: "a signed token that plays a protected video" },
  { id: "stream.liveInputs.create", method: "POST", path: "/accounts/{account_id}/stream/live_inputs", reason: "the new live input's RTMPS stream keys and SRT passphrases" },
  { id: "stream.liveInputs.update", method: "PUT", path: "/accounts/{account_id}/stream/live_inputs/{live_input_identifier}", reason: "the live input's RTMPS stream keys and SRT passphrases" },
  { id: "stream.liveInputs.outputs.create", method: "POST", path: "/accounts/{account_id}/stream/live_inputs/{live_input_identifier}/outputs", reason: "the output's `streamKey` for its restream target" },
  { id: "stream.liveInputs.outputs.update", method: "PUT", path: "/accounts/{account_id}/stream/live_inputs/{live_input_identifier}/outputs/{output_identifier}", reason: "the output's `streamKey` for its restream target" },
  { id: "stream.webhooks.update", method: "PUT", path: "/accounts/{account_id}/stream/webhook", reason: "the `secret` that signs Stream webhooks" },
  { id: "stream.directUpload.create", method: "POST", path: "/accounts/{account_id}/stream/direct_upload", reason: "a one-time `uploadURL`: whoever has it can upload a video into the account" },
  { id: "images.v2.directUploads.create", method: "POST", path: "/accounts/{account_id}/images/v2/direct_upload", reason: "a one-time `uploadURL`: whoever has it can upload an image into the account" },
  { id: "images.v1.keys.update", method: "PUT", path: "/accounts/{account_id}/images/v1/keys/{signing_key_name}", reason: "all Images URL signing keys (`keys[].value`)" },
  { id: "images.v1.keys.delete", method: "DELETE", path: "/accounts/{account_id}/images/v1/keys/{signing_key_name}", reason: "the remaining Images URL signing keys (`keys[].value`)" },
  { id: "turnstile.widgets.create", method: "POST", path: "/accounts/{account_id}/challenges/widgets", reason: "the new widget's secret key (`secret`)" },
  { id: "turnstile.widgets.update", method: "PUT", path: "/accounts/{account_id}/challenges/widgets/{sitekey}", reason: "the widget's secret key (`secret`)" },
  { id: "turnstile.widgets.delete", method: "DELETE", path: "/accounts/{account_id}/challenges/widgets/{sitekey}", reason: "the deleted widget's secret key (`secret`)" },
  { id: "turnstile.widgets.rotateSecret", method: "POST", path: "/accounts/{account_id}/challenges/widgets/{sitekey}/rotate_secret", reason: "the widget's new secret key (`secret`)" },
  { id: "dns.zoneTransfers.tsigs.create", method: "POST", path: "/accounts/{account_id}/secondary_dns/tsigs", reason: "the TSIG shared `secret`" },
  { id: "dns.zoneTransfers.tsigs.update", method: "PUT", path: "/accounts/{account_id}/secondary_dns/tsigs/{tsig_id}", reason: "the TSIG shared `secret`" },
  { id: "iam.oauthClients.create", method: "POST", path: "/accounts/{account_id}/oauth_clients", reason: "the OAuth client's `client_secret` (returned only here)" },
  { id: "iam.oauthClients.rotateSecret", method: "POST", path: "/accounts/{account_id}/oauth_clients/{oauth_client_id}/rotate_secret", reason: "the OAuth client's new `client_secret`" },
  { id: "containers.registries.credentials.generate", method: "POST", path: "/accounts/{account_id}/containers/registries/{domain}/credentials", reason: "a `password` for the container image registry" },
  { id: "moq.relays.create", method: "POST", path: "/accounts/{account_id}/moq/relays", reason: "the relay's auto-created token JWTs (`secret`), shown once" },
  { id: "moq.relays.tokens.create", method: "POST", path: "/accounts/{account_id}/moq/relays/{relay_id}/tokens", reason: "the new relay token JWT (`secret`), shown once" },
  { id: "magicTransit.ipsecTunnels.pskGenerate", method: "POST", path: "/accounts/{account_id}/magic/ipsec_tunnels/{ipsec_tunnel_id}/psk_generate", reason: "the IPsec tunnel's new pre-shared key (`psk`)" },
  { id: "magicTransit.connectors.create", method: "POST", path: "/accounts/{account_id}/magic/connectors", reason: "the connector's `license_key`, which activates a Magic WAN Connector" },
  { id: "magicTransit.connectors.update", method: "PUT", path: "/accounts/{account_id}/magic/connectors/{connector_id}", reason: "the connector's `license_key`, which activates a Magic WAN Connector" },
  { id: "magicTransit.connectors.edit", method: "PATCH", path: "/accounts/{account_id}/magic/connectors/{connector_id}", reason: "the connector's `license_key`, which activates a Magic WAN Connector" },
  { id: "magicTransit.connectors.delete", method: "DELETE", path: "/accounts/{account_id}/magic/connectors/{connector_id}", reason: "the connector's `license_key`, which activates a Magic WAN Connector" },
  { id: "originTLSClientAuth.create", method: "POST", path: "/zones/{zone_id}/origin_tls_client_auth", reason: "the SDK's response type includes the zone's `private_key`" },
  { id: "originTLSClientAuth.delete", method: "DELETE", path: "/zones/{zone_id}/origin_tls_client_auth/{certificate_id}", reason: "the SDK's response type includes the zone's `private_key`" },
  { id: "originTLSClientAuth.zoneCertificates.create", method: "POST", path: "/zones/{zone_id}/origin_tls_client_auth", reason: "the SDK's response type includes the zone's `private_key`" },
  { id: "originTLSClientAuth.zoneCertificates.delete", method: "DELETE", path: "/zones/{zone_id}/origin_tls_client_auth/{certificate_id}", reason: "the SDK's response type includes the zone's `private_key`" },
  { id: "originTLSClientAuth.hostnames.update", method: "PUT", path: "/zones/{zone_id}/origin_tls_client_auth/hostnames", reason: "the SDK's response type includes the hostname certificate's `private_key`" },
  { id: "aiGateway.create", method: "POST", path: "/accounts/{account_id}/ai-gateway/gateways", reason: "the gateway's OpenTelemetry export `authorization` and `headers`, and its Stripe `authorization`" },
  { id: "aiGateway.update", method: "PUT", path: "/accounts/{account_id}/ai-gateway/gateways/{id}", reason: "the gateway's OpenTelemetry export `authorization` and `headers`, and its Stripe `authorization`" },
  { id: "aiGateway.delete", method: "DELETE", path: "/accounts/{account_id}/ai-gateway/gateways/{id}", reason: "the gateway's OpenTelemetry export `authorization` and `headers`, and its Stripe `authorization`" },
  { id: "aiGateway.customProviders.create", method: "POST", path: "/accounts/{account_id}/ai-gateway/custom-providers", reason: "the provider's extra `headers`, whose values \"can contain credentials\" (SDK)" },
  { id: "aiGateway.customProviders.delete", method: "DELETE", path: "/accounts/{account_id}/ai-gateway/custom-providers/{id}", reason: "the provider's extra `headers`, whose values \"can contain credentials\" (SDK)" },
  { id: "zeroTrust.identityProviders.create", method: "POST", path: "/{accounts_or_zones}/{account_or_zone_id}/access/identity_providers", reason: "the identity provider's OAuth `client_secret` and SCIM `secret`" },
  { id: "zeroTrust.identityProviders.update", method: "PUT", path: "/{accounts_or_zones}/{account_or_zone_id}/access/identity_providers/{identity_provider_id}", reason: "the identity provider's OAuth `client_secret`" },
  { id: "zeroTrust.access.applications.create", method: "POST", path: "/{accounts_or_zones}/{account_or_zone_id}/access/apps", reason: "the SaaS app's `client_secret` (returned only on creation) and SCIM provisioning credentials" },
  { id: "zeroTrust.access.applications.update", method: "PUT", path: "/{accounts_or_zones}/{account_or_zone_id}/access/apps/{app_id}", reason: "SCIM provisioning credentials (`scim_config.authentication`)" },
  { id: "pipelines.sinks.create", method: "POST", path: "/accounts/{account_id}/pipelines/v1/sinks", reason: "the sink's R2 `credentials` and `token` (in `config`)" },
  { id: "zeroTrust.dlp.datasets.create", method: "POST", path: "/accounts/{account_id}/dlp/datasets", reason: "the Exact Data Match dataset's `secret`" },
  { id: "realtimeKit.meetings.addParticipant", method: "POST", path: "/accounts/{account_id}/realtime/kit/{app_id}/meetings/{meeting_id}/participants", reason: "the participant's auth `token`" },
  { id: "realtimeKit.meetings.editParticipant", method: "PATCH", path: "/accounts/{account_id}/realtime/kit/{app_id}/meetings/{meeting_id}/participants/{participant_id}", reason: "the participant's auth `token`" },
  { id: "realtimeKit.meetings.refreshParticipantToken", method: "POST", path: "/accounts/{account_id}/realtime/kit/{app_id}/meetings/{meeting_id}/participants/{participant_id}/token", reason: "the participant's new auth `token`" },
  { id: "realtimeKit.livestreams.startLivestreamingAMeeting", method: "POST", path: "/accounts/{account_id}/realtime/kit/{app_id}/meetings/{meeting_id}/livestreams", reason: "the livestream's `stream_key` (RTMP ingest key)" },
  { id: "managedDefense.vulnerabilityDiscovery.repositories.create", method: "POST", path: "/accounts/{account_id}/managed-defense/vulnerability-discovery/repos", reason: "an upload `token` for the repository's source" },
  { id: "workers.assets.upload.create", method: "POST", path: "/accounts/{account_id}/workers/assets/upload", reason: "an upload session `jwt` for the Worker's static assets" },
  { id: "workers.scripts.assets.upload.create", method: "POST", path: "/accounts/{account_id}/workers/scripts/{script_name}/assets-upload-session", reason: "an upload session `jwt` for the Worker's static assets" },
  { id: "workersForPlatforms.dispatch.namespaces.scripts.assetUpload.create", method: "POST", path: "/accounts/{account_id}/workers/dispatch/namespaces/{dispatch_namespace}/scripts/{script_name}/assets-upload-session", reason: "an upload session `jwt` for the script's static assets" },
  { id: "workers.scripts.tail.create", method: "POST", path: "/accounts/{account_id}/workers/scripts/{script_name}/tails", reason: "the tail's WebSocket `url`; connecting to it streams the Worker's live logs" },
  { id: "workers.observability.telemetry.liveTail", method: "POST", path: "/accounts/{account_id}/workers/observability/telemetry/live-tail", reason: "a `wsUrl` that streams the Worker's live tail events" },
  { id: "browserRendering.devtools.browser.liveView.create", method: "POST", path: "/accounts/{account_id}/browser-rendering/devtools/browser/{session_id}/live_view", reason: "a live view URL that opens the session's browser" },
  { id: "accounts.clientSecret.create", method: "POST", path: "/accounts/{account_id}/client-secret", reason: "a Stripe `client_secret` for adding a payment method" },
  { id: "accounts.payInvoice.create", method: "POST", path: "/accounts/{account_id}/pay-invoice", reason: "a Stripe `client_secret` for completing the payment" },
  { id: "accounts.payBadDebt.create", method: "POST", path: "/accounts/{account_id}/pay-bad-debt", reason: "a Stripe `client_secret` for completing the payment" },
  { id: "billing.profiles.paymentMethod.create", method: "POST", path: "/accounts/{account_id}/billing/profile/payment-method", reason: "a Stripe `client_secret` for adding a payment method" },
  { id: "aiGateway.billing.topup.create", method: "POST", path: "/accounts/{account_id}/ai-gateway/billing/topup", reason: "a Stripe `client_secret` for completing the top-up" },
];
