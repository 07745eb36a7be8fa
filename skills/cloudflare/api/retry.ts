/**
 * When a read may be tried again. Only GET and HEAD are ever retried: a write that timed out or
 * failed with a 5xx may still have happened, and repeating it could do it twice.
 */

/** Bounds on automatic retries. */
export interface RetryPolicy {
  /** Attempts in all, including the first. */
  maxAttempts: number;
  /** First backoff delay; doubles per attempt. */
  baseDelayMs: number;
  /** Cap on one backoff delay (a longer Retry-After is honoured only within `maxTotalWaitMs`). */
  maxDelayMs: number;
  /** Cap on all waiting for one call; a wait that would pass it ends the retries instead. */
  maxTotalWaitMs: number;
}

/** The default policy: 3 attempts, 0.5 s then 1 s, at most 20 s of waiting in all. */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 8_000, maxTotalWaitMs: 20_000 };

/** Whether a method is safe to repeat. */
export function isRetryableMethod(method: string): boolean {
  return method === "GET" || method === "HEAD";
}

/** Whether a status is worth another try (rate limited or a server error). */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date), or undefined. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** The wait before attempt `attempt + 1`: Retry-After when given, else exponential backoff. */
export function retryDelayMs(policy: RetryPolicy, attempt: number, retryAfterSeconds: number | undefined): number {
  if (retryAfterSeconds !== undefined) return retryAfterSeconds * 1000;
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
}
