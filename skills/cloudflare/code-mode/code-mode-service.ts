/**
 * Code Mode in one chat: runs code through codemode's durable runtime (a facet of the chat's
 * Durable Object) with the `cloudflare` connector, and hands every outcome to the approval gate.
 *
 * The runtime handle is rebuilt per requester because the connector acts for the run's requester
 * (their token, their audit identity); the facet and its durable log are the same for the chat.
 */
import { createCodemodeRuntime, truncateResult, type CodemodeRuntimeHandle } from "@cloudflare/codemode";
import { FormattedString as F, fmt } from "@grammyjs/parse-mode";
import { InputFile, type Api } from "grammy";
import type { Approval } from "../../../approvals/approval-store.ts";
import { buttonData } from "../../../approvals/callback-data.ts";
import { requestLine } from "../../../approvals/stored-request.ts";
import { ApprovalFlow } from "../../../approvals/approval-flow.ts";
import { ApprovalStore } from "../../../approvals/approval-store.ts";
import { UndoFlow } from "../../../approvals/undo-flow.ts";
import { CodeModeAgent } from "../agent/agent.ts";
import { auditExecutionRequested } from "../../../approvals/audit.ts";
import type { Config } from "../../../bot/config.ts";
import { UserFacingError } from "../../../bot/errors.ts";
import { createCloudflareClient } from "../api/index.ts";
import { TokenVaultError, userTokenFor, type UserToken } from "../byok/index.ts";
import { GuardedExecutor } from "../sandbox/guarded-executor.ts";
import { catalogLookup } from "./catalog-lookup.ts";
import { CloudflareConnector } from "./cloudflare-connector.ts";
import { requestFor, type Credential } from "./write-gate.ts";

/** The person a run acts for. */
export interface Requester {
  id: number;
  name: string;
}

/** What the service needs from the chat's Durable Object. */
export interface CodeModeHost {
  ctx: DurableObjectState;
  env: Env;
  config: Config;
  api: Api;
  chatId: number;
  /** Asks the chat's alarm to wake by `at`. */
  wakeBy: (at: number) => Promise<void>;
}

/** Code Mode for one chat. */
export class CodeModeService {
  readonly flow: ApprovalFlow;
  readonly undo: UndoFlow;
  /** The model-driven skill of this chat. */
  readonly agent: CodeModeAgent;
  readonly store: ApprovalStore;
  private readonly host: CodeModeHost;
  private readonly executor: GuardedExecutor;
  private readonly accountDefaults = new Map<string, Promise<Record<string, string>>>();
  /** Which token each requester's cached defaults came from, so a /connect or /disconnect refreshes them. */
  private readonly credentials = new Map<number, string>();

  constructor(host: CodeModeHost) {
    this.host = host;
    this.executor = new GuardedExecutor({ loader: host.env.LOADER });
    this.store = new ApprovalStore(host.ctx.storage.sql);
    const deps = {
      api: host.api, chatId: host.chatId, db: host.env.DB, store: this.store, approverIds: host.config.APPROVER_IDS,
      ttlMs: host.config.APPROVAL_TTL_MINUTES * 60_000,
      runtimeFor: (requesterId: number) => this.runtimeFor(requesterId),
      requestFor: async (args: unknown, requesterId: number) =>
        requestFor({ catalog: catalogLookup, defaults: () => this.defaultsFor(requesterId) }, args, (await this.credentialFor(requesterId)).ref),
      credentialFor: async (requesterId: number) => (await this.credentialFor(requesterId)).ref,
      send: async (requesterId: number, request: { method: "DELETE"; path: string; operation: string }) => (await this.credentialFor(requesterId)).client.request(request),
      wakeBy: host.wakeBy,
      modelTurn: () => this.agent,
    };
    this.flow = new ApprovalFlow(deps);
    this.undo = new UndoFlow(deps);
    this.agent = new CodeModeAgent({ config: host.config, env: host.env, api: host.api, chatId: host.chatId, sql: host.ctx.storage.sql, service: this });
  }

  /** Runs code for `requester`: audited before it starts, then reported (result, error or cards). */
  async run(code: string, requester: Requester, source: "run" | "snippet" | "model" = "run"): Promise<void> {
    const runId = await auditExecutionRequested(this.host.env.DB, { chatId: this.host.chatId, userId: requester.id, source, code });
    const outcome = await this.runtimeFor(requester.id).execute({ code });
    await this.flow.present(outcome, { runId, executionId: outcome.executionId, chatId: this.host.chatId, requesterId: requester.id, requesterName: requester.name });
  }

  /** The runtime handle acting for one requester. */
  runtimeFor(requesterId: number): CodemodeRuntimeHandle {
    const { ctx, env } = this.host;
    const connector = new CloudflareConnector(ctx, env, {
      catalog: catalogLookup,
      store: this.store,
      credential: () => this.credentialFor(requesterId),
      deliverCredentials: (approval, result) => this.deliverCredentials(approval, result),
      db: env.DB,
      chatId: this.host.chatId,
      requesterId,
      defaults: () => this.defaultsFor(requesterId),
    });
    return createCodemodeRuntime({ ctx, executor: this.executor, connectors: [connector], transformResult: (result) => truncateResult(result) });
  }

  /**
   * Shows an answer that holds credentials to the requester, in this (private) chat, once, with a
   * button that deletes the message. Nothing of it is stored; the snippet got a placeholder.
   */
  private async deliverCredentials(approval: Approval, result: unknown): Promise<void> {
    if (this.host.chatId < 0) throw new UserFacingError("Credentials are never shown in a group.");
    const text = typeof result === "string" ? result : JSON.stringify(result, null, 2);
    const header = `🔑 ${approval.request.operationId} (${requestLine(approval.request)}): this message holds credentials. Copy what you need, then delete it.`;
    const keyboard = { inline_keyboard: [[{ text: "🗑 Delete this message", callback_data: buttonData("dl", approval.id) }]] };
    if (text.length > 3000) {
      await this.host.api.sendDocument(this.host.chatId, new InputFile(new TextEncoder().encode(text), "credentials.json"), { caption: header, reply_markup: keyboard });
      return;
    }
    const message = fmt`${F.bold(header)}\n${F.pre(text, "json")}`;
    await this.host.api.sendMessage(this.host.chatId, message.text, { entities: message.entities, reply_markup: keyboard, link_preview_options: { is_disabled: true } });
  }

  /** The credential a requester's calls go out with: their connected token (/connect) when they have one, else the deployment's. */
  private async credentialFor(requesterId: number): Promise<Credential> {
    const { config, env } = this.host;
    let own: UserToken | undefined;
    try {
      // Looked up per call (one D1 read by primary key), so /connect and /disconnect in any chat apply at once.
      own = await userTokenFor(env.DB, config.ENCRYPTION_KEY, requesterId);
    } catch (error) {
      if (error instanceof TokenVaultError) throw new UserFacingError(`Your connected Cloudflare token cannot be used. ${error.message}`);
      throw error;
    }
    const credential = own ? `user:${own.tokenId ?? ""}:${own.updatedAt}` : "deployment";
    if (this.credentials.get(requesterId) !== credential) {
      if (this.credentials.has(requesterId)) this.accountDefaults.delete(String(requesterId));
      this.credentials.set(requesterId, credential);
    }
    const token = own?.token ?? config.CLOUDFLARE_API_TOKEN;
    if (!token) throw new UserFacingError("No Cloudflare API token is configured: set CLOUDFLARE_API_TOKEN (wrangler secret put CLOUDFLARE_API_TOKEN), or connect your own with /connect in a private chat.");
    const ref = own ? { id: credential, label: `connected token …${own.last4}` } : { id: credential, label: "the bot's token" };
    return { ref, client: createCloudflareClient({ token, baseUrl: config.CLOUDFLARE_API_BASE }) };
  }

  /** Path parameters filled in when a snippet leaves them out: the account, when the token reaches exactly one. */
  private async defaultsFor(requesterId: number): Promise<Record<string, string>> {
    // The credential first: it drops this requester's cached defaults when their token changed.
    const { client } = await this.credentialFor(requesterId);
    const key = String(requesterId);
    const cached = this.accountDefaults.get(key);
    if (cached) return cached;
    const defaults = (async (): Promise<Record<string, string>> => {
      const accounts = await client.result({ path: "/accounts", query: { per_page: 5 }, operation: "accounts.list" });
      const only = Array.isArray(accounts) && accounts.length === 1 ? (accounts[0] as { id?: unknown }).id : undefined;
      return typeof only === "string" ? { account_id: only } : {};
    })();
    defaults.catch(() => this.accountDefaults.delete(key));
    this.accountDefaults.set(key, defaults);
    return defaults;
  }
}
