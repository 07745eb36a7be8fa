/**
 * Turns one HTTP response from the Cloudflare API into a result or a `CloudflareApiError`.
 * JSON answers are read as the v4 envelope; anything else comes back as text or base64 with its
 * content type (e.g. a Worker's script download). Every string is redacted before it leaves here.
 */
import { envelopeSchema, flattenErrors, type CloudflareMessage, type ResultInfo } from "./envelope.ts";
import { CloudflareApiError } from "./errors.ts";
import { redact } from "./redact.ts";
import { parseRetryAfter } from "./retry.ts";

/** What a successful call returns. */
export type CloudflareResponse =
  | { kind: "json"; status: number; result: unknown; resultInfo: ResultInfo | undefined; messages: CloudflareMessage[] }
  | { kind: "text"; status: number; contentType: string; text: string }
  | { kind: "binary"; status: number; contentType: string; base64: string; size: number };

const TEXT_TYPES = /^(text\/|multipart\/)|[/+](json|javascript|xml|x-www-form-urlencoded|yaml|toml|csv)\b/i;

/** Reads `response`; throws `CloudflareApiError` for an error status or `success: false`. */
export async function readResponse(response: Response, operation: string, token: string): Promise<CloudflareResponse> {
  const contentType = response.headers.get("content-type") ?? "";
  const status = response.status;
  if (/json/i.test(contentType)) return readJson(response, operation, token);
  if (!response.ok) {
    const text = redact(await response.text(), token).replace(/\s+/g, " ").trim().slice(0, 200);
    throw new CloudflareApiError({ reason: "api", operation, status, retryAfterSeconds: retryAfter(response),
      ...(text ? { detail: `body: ${text}` } : {}) });
  }
  if (status === 204 || response.body === null) return { kind: "json", status, result: null, resultInfo: undefined, messages: [] };
  if (contentType === "" || TEXT_TYPES.test(contentType)) return { kind: "text", status, contentType, text: redact(await readText(response), token) };
  const bytes = new Uint8Array(await response.arrayBuffer());
  return { kind: "binary", status, contentType, base64: toBase64(bytes), size: bytes.byteLength };
}

async function readJson(response: Response, operation: string, token: string): Promise<CloudflareResponse> {
  const status = response.status;
  let body: unknown;
  try {
    body = JSON.parse(redact(await response.text(), token));
  } catch {
    throw new CloudflareApiError({ reason: response.ok ? "invalid_response" : "api", operation, status, detail: "the body was not valid JSON" });
  }
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) {
    // Some endpoints answer with bare JSON (no envelope); that is their result.
    if (response.ok) return { kind: "json", status, result: body, resultInfo: undefined, messages: [] };
    throw new CloudflareApiError({ reason: "api", operation, status, errors: bareErrors(body), retryAfterSeconds: retryAfter(response) });
  }
  const { success, errors, messages, result, result_info } = envelope.data;
  if (!response.ok || !success) {
    throw new CloudflareApiError({ reason: "api", operation, status, errors: flattenErrors(errors), retryAfterSeconds: retryAfter(response) });
  }
  return { kind: "json", status, result, resultInfo: result_info ?? undefined, messages };
}

/** The `errors[].message` of an answer without the envelope (GraphQL's `{ data, errors }`), already redacted. */
function bareErrors(body: unknown): { message: string }[] {
  const errors = body !== null && typeof body === "object" ? (body as { errors?: unknown }).errors : undefined;
  if (!Array.isArray(errors)) return [];
  return errors.slice(0, 5).flatMap((e) => (e !== null && typeof e === "object" && typeof (e as { message?: unknown }).message === "string" ? [{ message: (e as { message: string }).message }] : []));
}

/** Decodes the body as UTF-8 ourselves: workerd warns when `.text()` reads a multipart body. */
async function readText(response: Response): Promise<string> {
  return new TextDecoder().decode(await response.arrayBuffer());
}

function retryAfter(response: Response): number | undefined {
  return parseRetryAfter(response.headers.get("retry-after"));
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
