/**
 * The composition root of one chat: the run owner, the model turns and the presenters that show
 * their work in the chat, wired from the chat's Durable Object, the config and the Bot API.
 * Built once per chat object; nothing here has logic of its own.
 */
import type { Api } from "grammy";
import type { Config } from "../core/config.ts";
import { ApprovalStore } from "../approvals/approval-store.ts";
import { RunStore } from "../approvals/run-store.ts";
import { McpRunListener } from "../mcp/mcp-runs.ts";
import { ModelTurns } from "../skills/cloudflare/agent/model-turns.ts";
import { RequesterCredentials } from "../skills/cloudflare/code-mode/requester-credentials.ts";
import type { RunListener } from "../skills/cloudflare/code-mode/run-listener.ts";
import { Runs } from "../skills/cloudflare/code-mode/runs.ts";
import { McpServers } from "../skills/mcp-servers/mcp-servers.ts";
import { ChatPresenter } from "./presenters/chat-presenter.ts";
import { TurnPresenter } from "./presenters/turn-presenter.ts";

/** One chat's services, lent to the bot's handlers through the context (`ctx.services`). */
export interface ChatServices {
  chatId: number;
  runs: Runs;
  turns: ModelTurns;
  credentials: RequesterCredentials;
}

/** What the chat's Durable Object provides. */
export interface ChatHost {
  ctx: DurableObjectState;
  env: Env;
  config: Config;
  api: Api;
  chatId: number;
  /** Asks the chat's alarm to wake by `at`. */
  wakeBy: (at: number) => Promise<void>;
}

/** Wires the services of one chat. */
export function createChatServices(host: ChatHost): ChatServices {
  const { ctx, env, config, api, chatId } = host;
  const credentials = new RequesterCredentials({ db: env.DB, encryptionKey: config.ENCRYPTION_KEY, deploymentToken: config.CLOUDFLARE_API_TOKEN, apiBase: config.CLOUDFLARE_API_BASE });
  const store = new RunStore(ctx.storage.sql);
  const presenter = new ChatPresenter(api, chatId, store);
  // The model turns start runs and listen to them: the listener reaches them once they exist.
  const model: RunListener = { paused: (run, cards) => turns.paused(run, cards), finished: (run, end) => turns.finished(run, end), progress: (run, step) => turns.progress(run, step) };
  const runs = new Runs({
    ctx, env, chatId, credentials,
    approverIds: config.APPROVER_IDS,
    approvalTtlMs: config.APPROVAL_TTL_MINUTES * 60_000,
    retention: { runs: config.RUN_RETENTION_RUNS, days: config.RUN_RETENTION_DAYS },
    desk: presenter,
    listeners: { chat: presenter, model, mcp: new McpRunListener(store, new ApprovalStore(ctx.storage.sql), presenter) },
    wakeBy: host.wakeBy,
    ...(config.MCP_SERVERS.length > 0 ? { mcp: new McpServers({ servers: config.MCP_SERVERS, secrets: env as unknown as Record<string, unknown>, credentials }) } : {}),
  });
  const turns = new ModelTurns({ config, env, chatId, sql: ctx.storage.sql, runs, output: new TurnPresenter(api, chatId, store, config.CHAT_EDIT_INTERVAL_MS) });
  return { chatId, runs, turns, credentials };
}
