/**
 * Whether one concrete call reads or writes, and whether what it returns is a credential.
 *
 * The catalog's `access` is per operation, but a few reads become writes through a parameter
 * (`ssl.verification.get` with `retry`, a Workers telemetry query without `dry: true`); the build
 * lists those conditions on the operation as `writeWhen` (scripts/catalog/conditional-writes.ts).
 * So decide every call with `accessOf`, on the request that will actually be sent (after the
 * call was resolved, when stray params have moved into the query), never on `access` alone.
 *
 * Credentials: `sensitive: "credentials"` marks operations whose responses carry a usable secret
 * (scripts/catalog/credential-operations.ts). A read of that kind asks first and its result is
 * never posted into a group chat (`isCredentialRead`); a write of that kind is approved as usual
 * and its result stays out of group chats too (`returnsCredentials`).
 *
 * Pure and runtime-neutral: no I/O, no Workers or Node APIs.
 */
/** Whether a call only reads (runs at once) or may change something (needs an approval tap). */
export type Access = "read" | "write";

/** A condition under which a read is a write (the catalog's `WriteCondition`, skills/cloudflare/catalog/types.ts). */
export interface WriteCondition {
  in: "query" | "body";
  name: string;
  values?: readonly string[];
  unless?: readonly string[];
}

/** The parts of an operation these functions look at (the catalog's `OperationDetail` has them all). */
export interface AccessOperation {
  access: Access;
  sensitive?: "credentials";
  writeWhen?: readonly WriteCondition[];
}

/** The parts of a request that can turn a read into a write (a resolved call has them). */
export interface AccessRequest {
  query?: Readonly<Record<string, unknown>> | URLSearchParams;
  body?: unknown;
}

/**
 * `"write"` when the operation writes or the request meets one of its `writeWhen` conditions,
 * `"read"` otherwise.
 *
 * @example
 * ```ts
 * const op = await getOperation("ssl.verification.get");
 * accessOf(op, { query: { retry: true } }); // "write": retries certificate validation now
 * accessOf(op, { query: {} });              // "read"
 * ```
 */
export function accessOf(operation: AccessOperation, request: AccessRequest = {}): Access {
  if (operation.access === "write") return "write";
  return (operation.writeWhen ?? []).some((condition) => meets(condition, request)) ? "write" : "read";
}

/**
 * Whether the operation is a read whose response carries credentials: it must ask before it runs
 * and its result must never be posted into a group chat.
 *
 * @example
 * ```ts
 * isCredentialRead(await getOperation("zeroTrust.tunnels.cloudflared.token.get")); // true
 * ```
 */
export function isCredentialRead(operation: AccessOperation): boolean {
  return operation.access === "read" && operation.sensitive === "credentials";
}

/**
 * Whether the operation's response carries credentials, read or write (e.g. creating an API token
 * returns its value): its result must never be posted into a group chat.
 *
 * @example
 * ```ts
 * returnsCredentials(await getOperation("user.tokens.create")); // true
 * ```
 */
export function returnsCredentials(operation: AccessOperation): boolean {
  return operation.sensitive === "credentials";
}

function meets(condition: WriteCondition, request: AccessRequest): boolean {
  const sent = sentValues(condition, request);
  // Exact comparison on purpose: a value the API might not read as "true" (say "TRUE") must not
  // count as a dry run, so anything but the listed spelling stays a write.
  if (condition.unless) return !sent.some((value) => condition.unless!.includes(value));
  if (sent.length === 0) return false;
  if (!condition.values) return true;
  // Case-insensitive on purpose: here a looser match means more calls ask first, never fewer.
  const wanted = condition.values.map((value) => value.toLowerCase());
  return sent.some((value) => wanted.includes(value.toLowerCase()));
}

/** The values the request sends for the condition's parameter, as strings; empty when not sent. */
function sentValues(condition: WriteCondition, request: AccessRequest): string[] {
  let raw: unknown;
  if (condition.in === "query") {
    const query = request.query;
    raw = query instanceof URLSearchParams ? query.getAll(condition.name) : query?.[condition.name];
  } else {
    const body = request.body;
    // Only a JSON object body has named parameters; any other body sends none of them.
    raw = typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>)[condition.name] : undefined;
  }
  const list: unknown[] = Array.isArray(raw) ? raw : [raw];
  return list.filter((value) => value !== undefined && value !== null).map((value) => (typeof value === "object" ? JSON.stringify(value) : String(value)));
}
