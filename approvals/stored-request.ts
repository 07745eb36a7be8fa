/**
 * The exact request an approval card shows and, after Approve, the exact request the host sends.
 *
 * Why it exists: codemode replays a paused snippet after the tap and hands the connector the
 * arguments of the *replayed* call. Its own replay check compares those with the recorded ones
 * only when both can be stringified, so a snippet that computes different arguments on the replay
 * (and adds a cyclic key) could get a different request sent than the one approved. So the card is
 * made from a `StoredRequest` frozen at card time, and the host sends that stored request; the
 * replayed call must resolve to the same bytes or nothing is sent.
 *
 * A stored request is plain JSON (it lives in the approval row): method, the resolved path, the
 * query as ordered pairs, the body as the exact text that will go on the wire (or the JSON of a
 * multipart body's parts), and the credential the card was shown for.
 */

/** The body of a stored request: the exact JSON text, a raw text body, or raw bytes. */
export type StoredBody =
  | { kind: "json"; json: string } // sent as application/json, exactly this text
  | { kind: "multipart"; json: string } // `{ metadata, files }` as JSON text; each part is built from it
  | { kind: "text"; text: string } // a raw text body, sent as it is
  | { kind: "bytes"; base64: string }; // a raw binary body

/** Which Cloudflare credential a request goes out with (never the token itself). */
export interface CredentialRef {
  /** Changes whenever the token changes: `deployment`, or `user:<token id>:<stored at>`. */
  id: string;
  /** How a person recognises it: "the bot's token", or "Dana's connected token …ab12". */
  label: string;
}

/** The operation id of a call to a path the API catalog does not know (sent as given; its card says so). */
export const UNCATALOGED = "uncataloged";

/** A request frozen at card time. */
export interface StoredRequest {
  operationId: string;
  summary: string;
  method: string;
  /** The operation's path template, e.g. `/accounts/{account_id}/d1/database` (for the policy and undo rules). */
  template: string;
  /** The path with every parameter filled in and encoded, exactly as sent. */
  path: string;
  /** The filled path parameters by name (for undo rules and the card). */
  pathParams: Record<string, string>;
  /** Query parameters in the order they are sent. */
  query: Array<[string, string]>;
  body?: StoredBody;
  credential: CredentialRef;
  /** Set when the response carries a usable secret: it is delivered privately, never to the snippet, the model or a group. */
  returnsCredentials?: true;
  /** The token permissions the call needs ("DNS Write"; any one suffices), shown on the card and named if Cloudflare refuses the token. */
  permissions?: string[];
}

/** What `freezeRequest` needs: a resolved call in plain values. */
export interface RequestToFreeze extends Pick<StoredRequest, "operationId" | "summary" | "method" | "template" | "path" | "pathParams" | "permissions"> {
  query: Record<string, string | number | boolean>;
  body: unknown;
  bodyEncoding?: "multipart" | "binary";
  returnsCredentials?: boolean;
}

/** A body that cannot be frozen as exact bytes (cyclic, a function, a BigInt…). */
export class RequestShapeError extends Error {
  override readonly name = "RequestShapeError";
}

/** Freezes a resolved call into the request a card shows and the host sends. */
export function freezeRequest(call: RequestToFreeze, credential: CredentialRef): StoredRequest {
  const body = freezeBody(call.body, call.bodyEncoding);
  return {
    operationId: call.operationId,
    summary: call.summary,
    method: call.method,
    template: call.template,
    path: call.path,
    pathParams: { ...call.pathParams },
    query: Object.entries(call.query).map(([key, value]) => [key, String(value)]),
    ...(body ? { body } : {}),
    credential: { ...credential },
    ...(call.returnsCredentials ? { returnsCredentials: true as const } : {}),
    ...(call.permissions && call.permissions.length > 0 ? { permissions: [...call.permissions] } : {}),
  };
}

/**
 * Why two requests differ (method, path, query, body or credential), or undefined when they are
 * byte for byte the same request.
 */
export function requestDifference(approved: StoredRequest, replayed: StoredRequest): string | undefined {
  if (approved.method !== replayed.method || approved.path !== replayed.path) {
    return `the card showed ${approved.method} ${approved.path}, the snippet asked for ${replayed.method} ${replayed.path}`;
  }
  if (queryString(approved) !== queryString(replayed)) return `the query differs (card: "${queryString(approved)}", snippet: "${queryString(replayed)}")`;
  if (JSON.stringify(approved.body ?? null) !== JSON.stringify(replayed.body ?? null)) return "the request body differs from the one on the card";
  if (approved.credential.id !== replayed.credential.id) return `the Cloudflare token changed (card: ${approved.credential.label}, now: ${replayed.credential.label})`;
  return undefined;
}

/** `?a=1&b=2` as it goes on the wire, or "" without a query. */
export function queryString(request: Pick<StoredRequest, "query">): string {
  return request.query.length > 0 ? `?${new URLSearchParams(request.query)}` : "";
}

/** `METHOD /path?query`: the request line a card and a log show. */
export function requestLine(request: Pick<StoredRequest, "method" | "path" | "query">): string {
  return `${request.method} ${request.path}${queryString(request)}`;
}

/** The body as a person reads it on a card: JSON pretty-printed, text as it is, bytes by size. */
export function bodyText(body: StoredBody): string {
  switch (body.kind) {
    case "json":
    case "multipart":
      return JSON.stringify(JSON.parse(body.json), null, 2);
    case "text":
      return body.text;
    case "bytes":
      return `(${Math.floor((body.base64.length * 3) / 4).toLocaleString("en-US")} bytes of binary data)`;
  }
}

function freezeBody(body: unknown, encoding: "multipart" | "binary" | undefined): StoredBody | undefined {
  if (body === undefined) return undefined;
  if (typeof body === "string" && encoding !== "multipart") return { kind: "text", text: body };
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) {
    const bytes = body instanceof ArrayBuffer ? new Uint8Array(body) : new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    let binary = "";
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return { kind: "bytes", base64: btoa(binary) };
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(body, rejectNonJson);
  } catch (error) {
    throw new RequestShapeError(`the request body cannot be sent as JSON (${error instanceof Error ? error.message : String(error)}); pass plain objects, arrays, strings, numbers and booleans`);
  }
  if (json === undefined) throw new RequestShapeError("the request body cannot be sent as JSON; pass a plain object");
  return { kind: encoding === "multipart" ? "multipart" : "json", json };
}

/** JSON.stringify would silently drop or reshape these; a request that runs must be what was shown. */
function rejectNonJson(_key: string, value: unknown): unknown {
  if (typeof value === "function" || typeof value === "symbol") throw new TypeError(`a ${typeof value} is not JSON`);
  if (typeof value === "number" && !Number.isFinite(value)) throw new TypeError(`${value} is not JSON`);
  if (value instanceof Map || value instanceof Set) throw new TypeError(`a ${value.constructor.name} is not JSON`);
  return value;
}
