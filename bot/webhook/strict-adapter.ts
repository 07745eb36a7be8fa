/**
 * A grammY webhook adapter for Workers that reads the body only after grammY's secret check,
 * with a size limit and zod validation.
 *
 * grammY's own "cloudflare-mod" adapter calls `request.json()` on whatever arrives, so a huge or
 * malformed body surfaces as a thrown error (a 500). This adapter keeps the same contract
 * (lazy `update`, `respond` for webhook replies, `unauthorized` for a bad secret) but rejects
 * bad input with an `UpdateRejectedError` that the caller turns into a 4xx.
 */
import type { Update } from "grammy/types";
import { UpdateRejectedError } from "../errors.ts";
import { describeUpdateIssues, updateSchema } from "./update-schema.ts";

/** The largest body accepted; real updates are a few kilobytes. */
export const MAX_UPDATE_BYTES = 1024 * 1024;

const SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";

/** The adapter object grammY's `webhookCallback` expects, for one request. */
export function strictWorkersAdapter(request: Request) {
  let resolveResponse: (response: Response) => void = () => {};
  const handlerReturn = new Promise<Response>((resolve) => {
    resolveResponse = resolve;
  });
  return {
    get update(): Promise<Update> {
      return readUpdate(request);
    },
    header: request.headers.get(SECRET_HEADER) ?? undefined,
    end: () => resolveResponse(new Response(null, { status: 200 })),
    respond: (json: string) => resolveResponse(new Response(json, { status: 200, headers: { "content-type": "application/json" } })),
    unauthorized: () => resolveResponse(new Response("secret token is wrong or missing", { status: 401 })),
    handlerReturn,
  };
}

/** Reads, size-checks, parses and validates the body as a Telegram update. */
export async function readUpdate(request: Request): Promise<Update> {
  const type = request.headers.get("content-type") ?? "";
  if (type !== "" && !type.toLowerCase().startsWith("application/json")) {
    throw new UpdateRejectedError(415, "the body must be application/json");
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_UPDATE_BYTES) throw new UpdateRejectedError(413, "the body is larger than 1 MB");
  const text = await readLimited(request, MAX_UPDATE_BYTES);
  if (text.trim() === "") throw new UpdateRejectedError(400, "the body is empty");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new UpdateRejectedError(400, "the body is not valid JSON");
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new UpdateRejectedError(400, "not a Telegram update: expected a JSON object");
  }
  const parsed = updateSchema.safeParse(body);
  if (!parsed.success) throw new UpdateRejectedError(400, describeUpdateIssues(parsed.error));
  // The schema is looser than grammY's type (it lets unknown fields through), so this is a widening.
  return parsed.data as unknown as Update;
}

/** Reads the body as text, giving up as soon as it passes `limit` bytes. */
async function readLimited(request: Request, limit: number): Promise<string> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new UpdateRejectedError(413, "the body is larger than 1 MB");
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new UpdateRejectedError(400, "the body is not valid UTF-8");
  }
}
