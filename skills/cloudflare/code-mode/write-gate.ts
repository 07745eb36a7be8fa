/**
 * The write gate: what happens when codemode runs an approved `cloudflare.write`.
 *
 * Invariants (each has a test in test/gate.test.ts):
 * - Only a request stored on an approved card is ever sent, and it is sent from that stored copy,
 *   byte for byte. The call the snippet makes on the replay must resolve to exactly the same
 *   request (method, path, query, body, credential); if it does not, nothing is sent and the card
 *   is marked refused, whatever codemode's own replay check decided.
 * - Each card's request is sent at most once: the claim (`dispatch = 'sending'`) is written before
 *   the request leaves. A call codemode re-executes (it re-runs calls it never saw finish) gets
 *   the recorded outcome back, never a second request.
 * - What the API returned is recorded host-side with the card, with the request that would undo
 *   it; Undo reads only that record.
 */
import { accessOf, isCredentialRead, returnsCredentials } from "../../../approvals/access.ts";
import { auditCallFinished } from "../../../approvals/audit.ts";
import type { Approval, ApprovalStore } from "../../../approvals/approval-store.ts";
import type { PassAudit } from "../../../approvals/pass-audit.ts";
import { freezeRequest, requestDifference, RequestShapeError, type CredentialRef, type StoredRequest } from "../../../approvals/stored-request.ts";
import { undoFor, type UndoCall } from "../../../approvals/undo.ts";
import { CloudflareApiError, type CloudflareRequest } from "../api/index.ts";
import type { Credential } from "./requester-credentials.ts";
import { permissionsFor } from "../catalog/permissions.ts";
import { CallArgumentError, multipartBody, resolveCall, type CatalogLookup } from "./resolve-call.ts";

/** What the gate needs for one requester. */
export interface WriteGateDeps {
  store: ApprovalStore;
  catalog: CatalogLookup;
  db: D1Database;
  /** Values for path parameters a snippet left out (the only account's id). */
  defaults: () => Promise<Record<string, string>>;
  credential: () => Promise<Credential>;
  /** Shows a response that carries credentials to the requester privately; the snippet gets a placeholder instead. */
  deliverCredentials: (approval: Approval, result: unknown) => Promise<void>;
  /** The pass's audit rows: nothing is sent before the run's own row is written. */
  audit: PassAudit;
}

/** What a call is, for the gate and its card. */
export interface PreparedRequest {
  request: StoredRequest;
  /** `read` or `write` for this concrete call (a read can become a write through a parameter). */
  access: "read" | "write";
  /** A read whose response carries credentials: it asks first (`cloudflare.reveal`). */
  credentialRead: boolean;
}

/** What the snippet (and so the model) gets instead of a response that carries credentials. */
export const CREDENTIALS_PLACEHOLDER = "[credentials: shown to the requester in a private message, not to this snippet]";

/** A write the gate would not send; its message goes back to the snippet and says why. */
export class WriteRefusedError extends Error {
  override readonly name = "WriteRefusedError";
}

/** Freezes a snippet's call arguments into the request its card would show, with whether this call reads or writes. */
export async function requestFor(deps: Pick<WriteGateDeps, "catalog" | "defaults">, args: unknown, credential: CredentialRef): Promise<PreparedRequest> {
  const call = await resolveCall(deps.catalog, args, await deps.defaults().catch(() => ({})));
  const { operation } = call;
  const access = accessOf(operation, { query: call.query, body: call.body });
  const request = freezeRequest({
    operationId: operation.id, summary: operation.summary, method: operation.method, template: operation.path, path: call.path,
    pathParams: call.pathParams, query: call.query, body: call.body, ...(operation.bodyEncoding ? { bodyEncoding: operation.bodyEncoding } : {}),
    returnsCredentials: returnsCredentials(operation), permissions: permissionsFor(operation, access),
  }, credential);
  return { request, access, credentialRead: isCredentialRead(operation) };
}

/** Runs an approved Cloudflare write of `executionId`: sends the stored request its card showed, once, and records what came back. */
export async function sendApprovedWrite(deps: WriteGateDeps, executionId: string, args: unknown): Promise<unknown> {
  const { ref, client } = await deps.credential();
  let replayed: StoredRequest | string;
  try {
    replayed = (await requestFor(deps, args, ref)).request;
  } catch (error) {
    if (!(error instanceof CallArgumentError || error instanceof RequestShapeError)) throw error;
    replayed = `the call the snippet made after Approve could not be resolved (${error.message})`;
  }
  return await dispatchApproved(deps, executionId, replayed, ref, async (request) => {
    const response = await client.request(toClientRequest(request));
    // The snippet gets the bare result, as from a read; Undo works from the same recorded answer.
    const result = response.kind === "json" ? response.result : response;
    return { status: response.status, result, undo: response.kind === "json" ? undoFor(request, response.result) : undefined };
  });
}

/** What sending a stored request returned. */
export interface Sent {
  /** The HTTP status (200 for calls that have none, such as MCP tools). */
  status: number;
  result: unknown;
  undo?: UndoCall;
}

/** What the dispatcher needs (any connector's gate). */
export type GateDeps = Pick<WriteGateDeps, "store" | "db" | "deliverCredentials" | "audit">;

/**
 * The gate for any connector: finds the approved card whose stored request is the replayed call
 * (or refuses, saying why), claims it, sends the stored request through `send` exactly once, and
 * records the outcome. `replayed` is the replayed call frozen the same way as the card, or why it
 * could not be; `current` is the credential the call would go out with now.
 */
// Every rejection here is awaited on the way out (`return await`): a rejected promise handed on
// without await is reported by workerd as unhandled for a moment, though the caller catches it.
export async function dispatchApproved(deps: GateDeps, executionId: string, replayed: StoredRequest | string, current: CredentialRef, send: (request: StoredRequest) => Promise<Sent>): Promise<unknown> {
  const approved = deps.store.forExecution(executionId).filter((a) => a.state === "approved");
  const waiting = approved.find((a) => a.dispatch === null);
  if (typeof replayed === "string") throw refuse(deps, waiting, replayed);
  const sameContent = (a: Approval) => requestDifference(a.request, { ...replayed, credential: a.request.credential }) === undefined;
  const match = approved.find((a) => a.dispatch === null && sameContent(a)) ?? approved.find(sameContent);
  if (!match) throw refuse(deps, waiting, requestDifference(waiting?.request ?? replayed, replayed) ?? "no approved card matches this call");
  if (match.dispatch !== null) return replayOutcome(match);
  if (match.request.credential.id !== current.id) {
    throw refuse(deps, match, `the credential changed after the card was shown (card: ${match.request.credential.label}; now: ${current.label}), so the card is void`);
  }
  await deps.audit.beforeSend();
  if (!deps.store.claimDispatch(match.id, Date.now())) return replayOutcome(deps.store.get(match.id) ?? match);
  return await sendOnce(deps, match, send);
}

async function sendOnce(deps: GateDeps, approval: Approval, send: (request: StoredRequest) => Promise<Sent>): Promise<unknown> {
  const { request } = approval;
  try {
    const sent = await send(request);
    // A secret is never kept in the record, never handed to the snippet (nor so to the model): the requester sees it privately.
    const kept = request.returnsCredentials ? CREDENTIALS_PLACEHOLDER : sent.result;
    deps.store.finishDispatch(approval.id, { ok: true, httpStatus: sent.status, response: kept, undo: sent.undo });
    await auditCallFinished(deps.db, approval.auditCallId, { ok: true, httpStatus: sent.status });
    if (request.returnsCredentials) await deps.deliverCredentials(approval, sent.result);
    return kept;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const httpStatus = error instanceof CloudflareApiError ? error.status : undefined;
    deps.store.finishDispatch(approval.id, { ok: false, error: message, ...(httpStatus !== undefined ? { httpStatus } : {}) });
    await auditCallFinished(deps.db, approval.auditCallId, { ok: false, error: message, ...(httpStatus !== undefined ? { httpStatus } : {}) });
    throw new Error(message);
  }
}

/** The outcome of a card whose request was already dealt with: never a second request. */
function replayOutcome(approval: Approval): unknown {
  switch (approval.dispatch) {
    case "sent":
      if (approval.response === undefined) throw new WriteRefusedError(`${approval.request.operationId} was sent and succeeded, but its result was too large to keep; it is not sent again`);
      return approval.response;
    case "failed":
      throw new Error(approval.note ?? `${approval.request.operationId} failed`);
    case "refused":
      throw new WriteRefusedError(`Nothing was sent: ${approval.note ?? "the call did not match the approved card"}`);
    default:
      throw new WriteRefusedError(`${approval.request.operationId} was being sent when the bot was interrupted, so whether it reached Cloudflare is unknown; it is not sent again. Check /audit and the dashboard.`);
  }
}

function refuse(deps: GateDeps, approval: Approval | undefined, reason: string): WriteRefusedError {
  if (approval) deps.store.refuseDispatch(approval.id, reason);
  return new WriteRefusedError(`Nothing was sent: ${reason}. The approved card was for ${approval ? `${approval.request.method} ${approval.request.path}` : "a different call"}; only exactly what a card shows can run.`);
}

/** The stored request as the client sends it: the body is the stored text, not a re-encoding. */
export function toClientRequest(request: StoredRequest): CloudflareRequest {
  const base: CloudflareRequest = {
    method: request.method as CloudflareRequest["method"],
    path: request.path,
    operation: request.operationId,
    ...(request.query.length > 0 ? { query: Object.fromEntries(request.query) } : {}),
    ...(request.permissions ? { permissions: request.permissions } : {}),
  };
  const body = request.body;
  if (!body) return base;
  switch (body.kind) {
    case "json":
      return { ...base, body: body.json, headers: { "content-type": "application/json" } };
    case "multipart":
      return { ...base, body: multipartBody(JSON.parse(body.json)) };
    case "text":
      return { ...base, body: body.text };
    case "bytes":
      return { ...base, body: Uint8Array.from(atob(body.base64), (c) => c.charCodeAt(0)) };
  }
}
