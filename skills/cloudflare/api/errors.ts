/**
 * `CloudflareApiError`: every way a Cloudflare API call can fail, as one typed error whose
 * message names the operation, the HTTP status, Cloudflare's own codes and messages, and a hint
 * a person can act on. It never holds the token: the client redacts every string it puts here.
 */

/** Why a call failed: an API answer, no answer in time, no connection, a bad answer, or a bad request. */
export type CloudflareErrorReason =
  | "api" // Cloudflare answered with an error status or `success: false`
  | "timeout" // no answer within the client's timeout
  | "network" // the connection failed (DNS, refused, reset)
  | "aborted" // the caller's signal aborted the call
  | "invalid_response" // the answer was not what the API promises (e.g. broken JSON)
  | "invalid_request"; // the call was refused before sending (e.g. a path outside the API)

/** Context for a `CloudflareApiError`. */
export interface CloudflareApiErrorInit {
  reason: CloudflareErrorReason;
  operation: string;
  /** HTTP status; 0 when no response arrived. */
  status?: number;
  /** Cloudflare's errors (with their `error_chain` flattened in), already redacted. */
  errors?: readonly CloudflareErrorEntry[];
  retryAfterSeconds?: number;
  /** Extra detail for non-API failures (already redacted). */
  detail?: string;
  /** The token permissions the call needs ("DNS Write"; any one suffices), named in the hint when the token is refused. */
  permissions?: readonly string[];
}

/** One error Cloudflare reported. */
export interface CloudflareErrorEntry {
  code?: number;
  message: string;
}

/** Tokens that are wrong, expired or lack a permission come back with these codes. */
const AUTH_CODES = new Set([1000, 6003, 6111, 9103, 9106, 9109, 10000]);

/** A failed Cloudflare API call. */
export class CloudflareApiError extends Error {
  override readonly name = "CloudflareApiError";
  readonly reason: CloudflareErrorReason;
  readonly operation: string;
  readonly status: number;
  /** Cloudflare's errors as reported (code and message side by side). */
  readonly errors: readonly CloudflareErrorEntry[];
  readonly codes: readonly number[];
  readonly messages: readonly string[];
  readonly retryAfterSeconds: number | undefined;
  readonly hint: string;
  /** The permissions named in the hint (empty when none are known). */
  readonly permissions: readonly string[];
  readonly #init: CloudflareApiErrorInit;
  constructor(init: CloudflareApiErrorInit) {
    const status = init.status ?? 0;
    const errors = init.errors ?? [];
    const codes = errors.flatMap((e) => (e.code !== undefined ? [e.code] : []));
    const messages = errors.map((e) => e.message);
    const hint = hintFor(init.reason, init.operation, status, codes, init.retryAfterSeconds, init.permissions ?? []);
    super(describe(init, status, errors, hint));
    this.reason = init.reason;
    this.operation = init.operation;
    this.status = status;
    this.errors = errors;
    this.codes = codes;
    this.messages = messages;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.hint = hint;
    this.permissions = init.permissions ?? [];
    this.#init = init;
  }

  /** The same failure, with the permissions the call needs (they show in the hint when the token was refused). */
  withPermissions(permissions: readonly string[]): CloudflareApiError {
    return permissions.length === 0 ? this : new CloudflareApiError({ ...this.#init, permissions });
  }

  /** Whether the token was refused (invalid, expired, or missing a permission). */
  get isAuthError(): boolean {
    return this.reason === "api" && (this.status === 401 || this.codes.some((c) => AUTH_CODES.has(c)) || (this.status === 403 && this.codes.length === 0));
  }
}

/** Which permission to add, and where (the dashboard's token editor shows "DNS Write" as DNS · Edit). */
function permissionHint(operation: string, permissions: readonly string[]): string {
  const names = permissions.map((p) => `"${p}"`);
  const needed = names.length === 1 ? `the token permission ${names[0]}` : `one of the token permissions ${names.join(", ")}`;
  const label = (p: string) => p.replace(/^(.*) (Read|Write)$/, (_, area: string, level: string) => `${area} · ${level === "Write" ? "Edit" : "Read"}`);
  return `Hint: the API token was refused: ${operation} needs ${needed}, or the token is invalid or expired. ` +
    `To add it, open https://dash.cloudflare.com/profile/api-tokens, edit the token, add ${label(permissions[0]!)} under Permissions (with the account or zone it applies to), and save; the token's value stays the same.`;
}

function describe(init: CloudflareApiErrorInit, status: number, errors: readonly CloudflareErrorEntry[], hint: string): string {
  const says = errors.map((e) => (e.code !== undefined ? `[${e.code}] ${e.message}` : e.message)).join("; ");
  const what = init.reason === "api" || init.reason === "invalid_response"
    ? `HTTP ${status}${errors.length > 0 ? `, Cloudflare says ${says}` : ""}`
    : init.reason;
  const detail = init.detail ? ` (${init.detail})` : "";
  return `Cloudflare API call ${init.operation} failed: ${`${what}${detail}`.replace(/\.+$/, "")}. ${hint}`;
}

function hintFor(reason: CloudflareErrorReason, operation: string, status: number, codes: readonly number[], retryAfter: number | undefined, permissions: readonly string[]): string {
  switch (reason) {
    case "timeout": return "Cloudflare did not answer in time; try again in a moment.";
    case "network": return "The Cloudflare API could not be reached; check the network and CLOUDFLARE_API_BASE.";
    case "aborted": return "The call was cancelled.";
    case "invalid_request": return "The request was not sent.";
    case "invalid_response": return "Cloudflare's answer could not be read; try again.";
    case "api": break;
  }
  if (status === 401 || codes.some((c) => AUTH_CODES.has(c)) || (status === 403 && codes.length === 0)) {
    if (permissions.length > 0) return permissionHint(operation, permissions);
    return `Hint: the API token is invalid or lacks permission for ${operation}; check it at https://dash.cloudflare.com/profile/api-tokens.`;
  }
  if (status === 403 && permissions.length > 0) return permissionHint(operation, permissions);
  if (codes.includes(7003) || codes.includes(7000)) return "Hint: the path or an id in it is wrong (Cloudflare could not route it).";
  if (status === 429 || codes.includes(971)) return `Hint: Cloudflare is rate-limiting this token; wait${retryAfter !== undefined ? ` ${retryAfter} s` : " a little"} and try again.`;
  if (status >= 500) return "Hint: Cloudflare had a server error; try again shortly.";
  if (status === 404) return "Hint: it does not exist, or the token cannot see it.";
  if (status === 409) return "Hint: it already exists or is in a conflicting state.";
  return "Hint: check the parameters against the API reference.";
}
