/**
 * What a call the run paused on gets: the card it will show (the resolved request, frozen, with
 * its risk), or why it is refused outright, before any card and with nothing sent.
 *
 * A Cloudflare call is resolved against the catalog and the requester's token, then checked: the
 * policy's deny rules (approvals/policy.ts), the method the snippet used (`write` for a plain read,
 * `reveal` for anything but a credential read, a credential read through `write`), and credentials
 * in a group chat (never shown there). A call to another MCP server's tool is answered by that
 * server's policy (../../mcp-servers/mcp-servers.ts).
 */
import { refusal, riskOf, type Risk } from "../../../approvals/policy.ts";
import type { StoredRequest } from "../../../approvals/stored-request.ts";
import type { McpServers } from "../../mcp-servers/mcp-servers.ts";
import { catalogLookup } from "./catalog-lookup.ts";
import type { RequesterCredentials } from "./requester-credentials.ts";
import { requestFor, type PreparedRequest } from "./write-gate.ts";

/** A call codemode paused on. */
export type PendingCall = { executionId: string; seq: number; connector: string; method: string; args: unknown };

/** The card a paused call shows, or the reason (for the person) it is refused. */
export type PausedCallCard = { request: StoredRequest; risk: Risk; why?: string } | { refused: string };

/** What deciding needs: whose token, which chat (groups never see credentials), the other MCP servers. */
export interface PausedCallDeps {
  chatId: number;
  credentials: RequesterCredentials;
  mcp?: McpServers;
}

/** The card for `pending`, made for `requesterId`, or why it is refused. */
export async function cardForPausedCall(d: PausedCallDeps, pending: PendingCall, requesterId: number): Promise<PausedCallCard> {
  if (pending.connector !== "cloudflare") {
    const card = d.mcp ? await d.mcp.cardFor(pending, requesterId) : { refused: `no MCP server called ${pending.connector} is configured` };
    return "refused" in card ? { refused: `Refused, nothing ran: ${card.refused}` } : card;
  }
  let prepared: PreparedRequest;
  try {
    prepared = await requestFor({ catalog: catalogLookup, defaults: () => d.credentials.defaultsFor(requesterId) }, pending.args,
      (await d.credentials.credentialFor(requesterId)).ref);
  } catch (error) {
    return { refused: `Refused, nothing ran: ${error instanceof Error ? error.message : String(error)}` };
  }
  const { request } = prepared;
  const operation = { id: request.operationId, method: request.method, path: request.template, access: prepared.credentialRead ? "write" as const : prepared.access };
  const refused = refusal(operation) ?? wrongMethod(pending.method, prepared)
    ?? (request.returnsCredentials && d.chatId < 0 ? `${operation.id} returns credentials, which are never shown in a group: ask in a private chat with the bot` : undefined);
  if (refused) return { refused: `Refused by the policy, nothing ran: ${refused}` };
  return { request, ...riskOf(operation) };
}

/** Why a call came through the wrong method (`write` for a plain read, `reveal` for anything but a credential read), or undefined. */
function wrongMethod(method: string, call: PreparedRequest): string | undefined {
  const id = call.request.operationId;
  if (method === "reveal") return call.credentialRead ? undefined : `${id} does not return credentials; use cloudflare.${call.access === "read" ? "read" : "write"} for it`;
  if (call.credentialRead) return `${id} returns credentials; use cloudflare.reveal for it`;
  return call.access === "read" ? `${id} only reads; use cloudflare.read for it (no approval needed)` : undefined;
}
