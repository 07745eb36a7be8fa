/**
 * The codemode runtime for one pass of a run (a pass is one `execute`, or one `approve` that
 * replays the run up to its approved call): the Cloudflare connector and the other MCP servers the
 * run uses, acting for the run's requester (their token, their audit identity), with the pass's
 * audit rows (approvals/pass-audit.ts) and the write gate (./write-gate.ts) behind every call.
 * The run's owner (./runs.ts) builds one per pass, and one outside any pass for snippets and
 * retention, where no call runs.
 */
import { createCodemodeRuntime, truncateResult, type CodemodeRuntimeHandle, type Executor } from "@cloudflare/codemode";
import type { Approval, ApprovalStore } from "../../../approvals/approval-store.ts";
import { PassAudit } from "../../../approvals/pass-audit.ts";
import type { McpServers } from "../../mcp-servers/mcp-servers.ts";
import { GraphqlSchemaCache } from "../analytics/index.ts";
import { catalogLookup } from "./catalog-lookup.ts";
import { CloudflareConnector } from "./cloudflare-connector.ts";
import type { Credential, RequesterCredentials } from "./requester-credentials.ts";
import type { RunStep } from "./run-listener.ts";
import type { RunNotes } from "./run-notes.ts";

/**
 * The most of a run's result (compact JSON characters) its outcome carries; past it, codemode's
 * `truncateResult` cuts it structurally, with markers. The chat sends it whole as a file up to
 * this size (Telegram takes documents up to 50 MB from bots); a model turn or an MCP client gets
 * far less, cut for its own context.
 */
export const KEPT_RESULT_CHARS = 4_000_000;

/** What the runtimes of one chat are built from. */
export interface PassRuntimeDeps {
  ctx: DurableObjectState;
  env: Env;
  chatId: number;
  credentials: RequesterCredentials;
  mcp?: McpServers;
  executor: Executor;
  /** Ended executions codemode keeps in its own storage before it prunes the oldest. */
  maxExecutions: number;
  approvals: ApprovalStore;
  /** Lines the host adds to a run's output (a list cut short). */
  notes: RunNotes;
  /** Shows a response that carries credentials to the requester privately. */
  deliverCredentials: (approval: Approval, result: unknown) => Promise<void>;
}

/** Who a pass acts for, and which other MCP servers its code uses. */
export interface PassFor {
  requesterId: number;
  mcpServers: readonly string[];
  /** Told each step the snippet takes (a model turn's status line); absent outside a run. */
  progress?: (step: RunStep) => Promise<void>;
}

/** Builds the runtime for each pass of a chat's runs. */
export class PassRuntimes {
  private readonly d: PassRuntimeDeps;
  private graphqlSchemas: GraphqlSchemaCache | undefined;

  constructor(deps: PassRuntimeDeps) {
    this.d = deps;
  }

  /** The runtime for one pass with `pass`'s audit rows; without `pass`, one for what runs no call (snippets, retention). */
  runtime(who: PassFor, pass?: PassAudit): CodemodeRuntimeHandle {
    const { ctx, env, chatId, credentials } = this.d;
    const { requesterId } = who;
    const audit = pass ?? new PassAudit();
    const gate = { store: this.d.approvals, db: env.DB, audit, deliverCredentials: this.d.deliverCredentials };
    // One lookup of the requester's token per pass, not one per call; a card still records the
    // credential it shows, and a changed token voids it at the tap.
    let credential: Promise<Credential> | undefined;
    const credentialOfPass = (): Promise<Credential> => credential ??= credentials.credentialFor(requesterId).catch((error: unknown) => {
      credential = undefined;
      throw error;
    });
    // A pass looks the token up while the sandbox starts, so its first call does not wait for it.
    if (pass) credentialOfPass().catch(() => undefined);
    const cloudflare = new CloudflareConnector(ctx, env, {
      ...gate, catalog: catalogLookup, chatId, requesterId, note: (executionId, text) => this.d.notes.add(executionId, text),
      graphqlSchemas: this.graphqlSchemas ??= new GraphqlSchemaCache(ctx.storage.sql),
      credential: credentialOfPass,
      // The defaults may ask the API (the token's accounts): not before the run is on record.
      defaults: async () => credentials.defaultsFor(requesterId, (await Promise.all([credentialOfPass(), audit.beforeSend()]))[0]),
      ...(who.progress ? { progress: who.progress } : {}),
    });
    const others = this.d.mcp?.connectorsFor(ctx, env, { chatId, requesterId }, gate, who.mcpServers) ?? [];
    return createCodemodeRuntime({ ctx, executor: this.d.executor, connectors: [cloudflare, ...others], maxExecutions: this.d.maxExecutions,
      transformResult: (result) => truncateResult(result, { maxChars: KEPT_RESULT_CHARS }) });
  }
}
