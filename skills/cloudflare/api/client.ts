/**
 * The host-side Cloudflare API client. It runs inside the Worker, never in the sandbox.
 *
 * Invariants:
 * - The token is added here, as `Authorization: Bearer`, and only here: callers cannot set or
 *   override auth headers, and a path can never leave the API base (so the token cannot be sent
 *   anywhere else). Every string that leaves the client (results, errors) is redacted.
 * - Every attempt has a timeout. Only reads (GET/HEAD, and POSTs the caller marks `readOnly`, such as
 *   GraphQL queries) are retried, on 429/5xx/connection
 *   failures, with exponential backoff that honours Retry-After, within bounded attempts and a
 *   bounded total wait. Writes are sent exactly once: a write that failed may still have happened.
 */
import type { z } from "zod";
import { CloudflareApiError, type CloudflareErrorReason } from "./errors.ts";
import { redact } from "./redact.ts";
import { readResponse, type CloudflareResponse } from "./response.ts";
import { DEFAULT_RETRY, isRetryableMethod, isRetryableStatus, retryDelayMs, type RetryPolicy } from "./retry.ts";

/** Cloudflare's public API base. */
export const DEFAULT_API_BASE = "https://api.cloudflare.com/client/v4";

/** The per-attempt timeout when none is given. */
export const DEFAULT_TIMEOUT_MS = 15_000;

/** HTTP methods the API uses. */
export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";

/** A query parameter value; arrays repeat the key, `undefined`/`null` are left out. */
export type QueryValue = string | number | boolean | null | undefined | readonly (string | number | boolean)[];

/** One API call. */
export interface CloudflareRequest {
  /** Defaults to GET. */
  method?: HttpMethod;
  /** Path below the API base, e.g. `/accounts/{id}/r2/buckets`. */
  path: string;
  query?: Record<string, QueryValue>;
  /** A plain value is sent as JSON; FormData, URLSearchParams, Blob, bytes, streams and strings as they are. */
  body?: unknown;
  /** Extra headers (e.g. a raw body's content type). Auth headers are ignored. */
  headers?: Record<string, string>;
  /** Names the call in errors, e.g. `r2.buckets.list`; defaults to `METHOD path`. */
  operation?: string;
  /** The token permissions the call needs ("DNS Write"); a refusal's hint names them. */
  permissions?: readonly string[];
  /** Overrides the client's per-attempt timeout. */
  timeoutMs?: number;
  /** A read sent as POST (a GraphQL query): retried like GET. Never set it for anything that changes something. */
  readOnly?: boolean;
  signal?: AbortSignal;
}

/** Options for `createCloudflareClient`. */
export interface CloudflareClientOptions {
  token: string;
  /** Defaults to Cloudflare's public API (`DEFAULT_API_BASE`). */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Per-attempt timeout; default 15 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
}

/** A Cloudflare API client bound to one token. */
export interface CloudflareClient {
  readonly baseUrl: string;
  /** Sends one call and returns the unwrapped answer, or throws `CloudflareApiError`. */
  request(request: CloudflareRequest): Promise<CloudflareResponse>;
  /** Sends a call that answers with the JSON envelope and returns its `result` (validated when a schema is given). */
  result<T = unknown>(request: CloudflareRequest, schema?: z.ZodType<T>): Promise<T>;
}

const AUTH_HEADERS = new Set(["authorization", "x-auth-key", "x-auth-email", "x-auth-user-service-key"]);

/** Whether `token` has the shape of an API token (what Cloudflare issues: letters, digits, - and _). */
export function isWellFormedToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{8,}$/.test(token.trim());
}

/** Creates a client; the token stays inside it. Throws a TypeError for a token that is not well formed. */
export function createCloudflareClient(options: CloudflareClientOptions): CloudflareClient {
  const token = options.token.trim();
  if (!isWellFormedToken(token)) throw new TypeError("createCloudflareClient needs an API token (letters, digits, - and _ only)");
  const base = new URL((options.baseUrl ?? DEFAULT_API_BASE).replace(/\/+$/, ""));
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const defaultTimeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  async function request(call: CloudflareRequest): Promise<CloudflareResponse> {
    const method = call.method ?? "GET";
    const operation = redact(call.operation ?? `${method} ${call.path}`, token);
    const url = buildUrl(base, call, operation, token);
    const timeoutMs = call.timeoutMs ?? defaultTimeout;
    let waited = 0;
    for (let attempt = 1; ; attempt += 1) {
      const fail = (reason: CloudflareErrorReason, detail?: string) =>
        new CloudflareApiError({ reason, operation, ...(detail ? { detail: redact(detail, token) } : {}) });
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = call.signal ? AbortSignal.any([timeout, call.signal]) : timeout;
      let response: Response;
      try {
        response = await doFetch(url, { method, headers: buildHeaders(call, token), body: encodeBody(call.body), signal });
      } catch (error) {
        if (timeout.aborted) throw fail("timeout", `no answer within ${timeoutMs} ms`);
        if (call.signal?.aborted) throw fail("aborted");
        const delay = retryDelayMs(policy, attempt, undefined);
        if (!canRetry(method, call.readOnly, attempt, waited, delay, policy)) throw fail("network", error instanceof Error ? error.message : String(error));
        waited += delay;
        await sleep(delay);
        continue;
      }
      try {
        return await readResponse(response, operation, token);
      } catch (error) {
        if (timeout.aborted) throw fail("timeout", `the answer did not arrive within ${timeoutMs} ms`);
        if (call.signal?.aborted) throw fail("aborted");
        // The body broke off mid-read: report it as the connection failure it is, never as a raw error.
        if (!(error instanceof CloudflareApiError)) throw fail("network", error instanceof Error ? error.message : String(error));
        if (!isRetryableStatus(error.status)) throw error.withPermissions(call.permissions ?? []);
        const delay = retryDelayMs(policy, attempt, error.retryAfterSeconds);
        if (!canRetry(method, call.readOnly, attempt, waited, delay, policy)) throw error;
        waited += delay;
        await sleep(delay);
      }
    }
  }

  async function result<T>(call: CloudflareRequest, schema?: z.ZodType<T>): Promise<T> {
    const response = await request(call);
    const operation = redact(call.operation ?? `${call.method ?? "GET"} ${call.path}`, token);
    if (response.kind !== "json") {
      throw new CloudflareApiError({ reason: "invalid_response", operation, status: response.status, detail: `expected JSON, got ${response.contentType}` });
    }
    if (!schema) return response.result as T;
    const parsed = schema.safeParse(response.result);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    throw new CloudflareApiError({ reason: "invalid_response", operation, status: response.status,
      detail: `unexpected result: ${issue ? `${issue.path.join(".") || "result"} ${issue.message}` : "invalid"}` });
  }

  return { baseUrl: base.toString().replace(/\/+$/, ""), request, result };
}

function canRetry(method: string, readOnly: boolean | undefined, attempt: number, waited: number, delay: number, policy: RetryPolicy): boolean {
  return (isRetryableMethod(method) || readOnly === true) && attempt < policy.maxAttempts && waited + delay <= policy.maxTotalWaitMs;
}

/** Joins base and path, and refuses any path that would leave the API base. */
function buildUrl(base: URL, call: CloudflareRequest, operation: string, token: string): URL {
  const invalid = (detail: string) => new CloudflareApiError({ reason: "invalid_request", operation, detail: redact(detail, token) });
  if (!call.path.startsWith("/") || call.path.startsWith("//") || /[?#]/.test(call.path)) {
    throw invalid("the path must start with / and carry its query in `query`");
  }
  const url = new URL(`${base.pathname}${call.path}`, base.origin);
  if (url.origin !== base.origin || !url.pathname.startsWith(`${base.pathname}/`)) throw invalid("the path leaves the API base");
  // URL parsing resolves "." and ".." segments (also %2e forms): a path it rewrites would reach
  // another operation than the one named, so it is refused rather than sent.
  if (url.pathname !== `${base.pathname}${call.path}`) throw invalid(`the path ${call.path} is not in canonical form (it contains "." or ".." segments)`);
  for (const [key, value] of Object.entries(call.query ?? {})) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(item));
  }
  return url;
}

function buildHeaders(call: CloudflareRequest, token: string): Headers {
  const headers = new Headers();
  for (const [key, value] of Object.entries(call.headers ?? {})) {
    if (!AUTH_HEADERS.has(key.toLowerCase())) headers.set(key, value);
  }
  if (isJsonBody(call.body) && !headers.has("content-type")) headers.set("content-type", "application/json");
  headers.set("accept", headers.get("accept") ?? "application/json, */*");
  headers.set("authorization", `Bearer ${token}`);
  return headers;
}

function isJsonBody(body: unknown): boolean {
  return body !== undefined && !(typeof body === "string" || body instanceof FormData || body instanceof URLSearchParams
    || body instanceof Blob || body instanceof ArrayBuffer || ArrayBuffer.isView(body) || body instanceof ReadableStream);
}

function encodeBody(body: unknown): BodyInit | undefined {
  if (body === undefined) return undefined;
  return isJsonBody(body) ? JSON.stringify(body) : (body as BodyInit);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
