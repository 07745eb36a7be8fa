/** The host-side Cloudflare API client: re-exports only. */
export { createCloudflareClient, DEFAULT_API_BASE, DEFAULT_TIMEOUT_MS, isWellFormedToken, type CloudflareClient, type CloudflareClientOptions, type CloudflareRequest, type HttpMethod, type QueryValue } from "./client.ts";
export type { CloudflareMessage, ResultInfo } from "./envelope.ts";
export { CloudflareApiError, type CloudflareErrorEntry, type CloudflareErrorReason } from "./errors.ts";
export { collectList, listAll, paginate, type Collected, type CollectOptions, type PaginateOptions } from "./paginate.ts";
export { redact, REDACTED } from "./redact.ts";
export type { CloudflareResponse } from "./response.ts";
export { DEFAULT_RETRY, type RetryPolicy } from "./retry.ts";
export { whoami, type WhoAmI } from "./whoami.ts";
