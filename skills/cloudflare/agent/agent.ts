/**
 * The `cloudflare_code_mode` skill: a plain-language request becomes model-written code that runs
 * in the sandbox through the codemode runtime's single tool.
 *
 * A turn ends early when a run pauses for approval: the cards go out, the status message says
 * so, and the turn is remembered by execution id (in the chat's Durable Object, so eviction does
 * not lose it). After the tap, the run's outcome comes back here as a note to the model, which
 * writes the final answer. The conversation is a bounded window kept per chat (`/new` clears it).
 */
import { FormattedString as F, fmt } from "@grammyjs/parse-mode";
import type { CodemodeRuntimeHandle } from "@cloudflare/codemode";
import { truncateResult } from "@cloudflare/codemode";
import { APICallError, generateText, RetryError, stepCountIs, type ModelMessage, type ToolSet } from "ai";
import type { Api } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import type { RunEnd, UndoOffer } from "../../../approvals/approval-flow.ts";
import { auditExecutionRequested, auditExecutionUpdated } from "../../../approvals/audit.ts";
import type { Config } from "../../../bot/config.ts";
import { describeError, UserFacingError } from "../../../bot/errors.ts";
import { fitMessages } from "../../../bot/format/telegram-text.ts";
import type { CodeModeService, Requester } from "../code-mode/code-mode-service.ts";
import { ConversationMemory } from "./memory.ts";
import { SYSTEM_PROMPT, TOOL_DESCRIPTION } from "./prompt.ts";
import { llmKeysFor, TokenVaultError } from "../byok/index.ts";
import { modelFor, type ModelChoice, type UserModelKeys } from "./providers.ts";
import { footer, limitReached, recordUsage } from "./usage.ts";

type Outcome = Awaited<ReturnType<CodemodeRuntimeHandle["execute"]>>;


/** What the agent needs from the chat. */
export interface AgentHost {
  config: Config;
  env: Env;
  api: Api;
  chatId: number;
  sql: SqlStorage;
  service: CodeModeService;
}

/** The model-driven skill of one chat. */
export class CodeModeAgent {
  readonly memory: ConversationMemory;
  private readonly h: AgentHost;

  constructor(host: AgentHost) {
    this.h = host;
    this.memory = new ConversationMemory(host.sql);
  }

  /** The model this chat uses for a requester with these own API keys (`/key`), if any is available. */
  model(keys?: UserModelKeys): ModelChoice | undefined {
    return modelFor(this.h.config, this.h.env, this.memory.setting("model"), keys);
  }

  /** The requester's own model API keys (`/key`), decrypted; a `UserFacingError` says why they cannot be used. */
  async keysOf(userId: number): Promise<UserModelKeys> {
    try {
      return await llmKeysFor(this.h.env.DB, this.h.config.ENCRYPTION_KEY, userId);
    } catch (error) {
      if (!(error instanceof TokenVaultError)) throw error;
      throw new UserFacingError(`⚠️ Your stored model API keys cannot be used, so your request was not sent to a model. ${error.message}${error.reason === "decrypt_failed" ? "" : " (ENCRYPTION_KEY is set by whoever runs the bot; /key <provider> remove deletes a key.)"}`);
    }
  }

  /** Answers a plain-language request. */
  async ask(text: string, requester: Requester): Promise<void> {
    const keys = await this.keysOf(requester.id);
    const model = this.model(keys);
    if (!model) {
      await this.say(fmt`${F.bold("No model is configured")}, so I can't turn plain requests into code yet.\nSet ${F.code("LLM_PROVIDER")} (and ${F.code("LLM_MODEL")}, ${F.code("LLM_API_KEY")}) — see the README for Workers AI, Groq, OpenAI, Anthropic, a local server… Meanwhile ${F.code("/cloudflare run <js>")} and the other commands work without a model (${F.code("/help")}).`);
      return;
    }
    const limited = await limitReached(this.h.env.DB, requester.id, { perMinute: this.h.config.LLM_REQUESTS_PER_MINUTE, tokensPerDay: this.h.config.LLM_TOKENS_PER_DAY });
    if (limited) {
      await this.say(new F(limited));
      return;
    }
    const status = await this.h.api.sendMessage(this.h.chatId, "🔎 Searching the API…");
    await this.h.api.sendChatAction(this.h.chatId, "typing").catch(() => undefined);
    await this.turn(model, [{ role: "user", content: text }], requester, status.message_id);
  }

  /** Continues a turn that waited on an approval, once its run has ended. Returns false if no turn waited. */
  async resume(executionId: string, end: RunEnd): Promise<boolean> {
    const waiting = this.memory.takeWaiting(executionId);
    if (!waiting) return false;
    const requester = { id: waiting.requesterId, name: waiting.requesterName };
    let model: ModelChoice | undefined;
    try {
      model = this.model(await this.keysOf(requester.id));
    } catch (error) {
      if (!(error instanceof UserFacingError)) throw error;
      await this.replace(waiting.statusMessageId, new F(error.message));
      return true;
    }
    if (!model) return false;
    const note = end.status === "completed"
      ? `[approval] The user approved. Run ${executionId} finished. Result: ${JSON.stringify(truncateResult(end.result, { maxTokens: 1500 }))}`
      : end.status === "rejected"
        ? `[approval] The user did not approve (${end.reason}). Run ${executionId} stopped; the pending change was not made. Tell the user briefly.`
        : `[approval] The user approved, but run ${executionId} failed: ${end.error}`;
    await this.turn(model, [{ role: "user", content: note }], requester, waiting.statusMessageId, end.status === "completed" ? end.undo : undefined);
    return true;
  }

  /** Whether a model turn waits on this execution. */
  isWaiting(executionId: string): boolean {
    return this.memory.isWaiting(executionId);
  }

  private async turn(model: ModelChoice, added: ModelMessage[], requester: Requester, statusId: number | null, undo?: UndoOffer): Promise<void> {
    const runtime = this.h.service.runtimeFor(requester.id);
    let paused: Extract<Outcome, { status: "paused" }> | undefined;
    let apiCalls = 0;
    const base = runtime.tool({ description: TOOL_DESCRIPTION });
    const codemode = {
      ...base,
      execute: async (input: { code: string }, options: unknown): Promise<Outcome> => {
        await this.status(statusId, "⚙️ Running…");
        const runId = await auditExecutionRequested(this.h.env.DB, { chatId: this.h.chatId, userId: requester.id, source: "model", code: input.code });
        const out = await base.execute(input, options);
        apiCalls += (out.calls ?? []).filter((c) => c.connector === "cloudflare" && (c.method === "read" || c.method === "write") && c.state === "applied").length;
        if (out.status === "paused") {
          paused = out;
          this.memory.wait({ executionId: out.executionId, requesterId: requester.id, requesterName: requester.name, statusMessageId: statusId });
          await this.h.service.flow.present(out, { runId, executionId: out.executionId, chatId: this.h.chatId, requesterId: requester.id, requesterName: requester.name });
        } else {
          await auditExecutionUpdated(this.h.env.DB, runId, { executionId: out.executionId, status: out.status === "completed" ? "completed" : "error", ...(out.status === "error" ? { error: out.error } : {}) });
        }
        return out;
      },
    };
    const history = this.memory.load();
    let result;
    try {
      result = await generateText({
        model: model.create(),
        system: SYSTEM_PROMPT,
        messages: [...history, ...added],
        tools: { codemode } as unknown as ToolSet,
        stopWhen: [stepCountIs(this.h.config.LLM_MAX_STEPS), () => paused !== undefined],
        maxRetries: 3,
      });
    } catch (error) {
      this.memory.append(added);
      await this.replace(statusId, new F(providerTrouble(error, model)));
      return;
    }
    this.memory.append([...added, ...(result.responseMessages as ModelMessage[])]);
    const inputTokens = result.totalUsage.inputTokens ?? 0;
    const outputTokens = result.totalUsage.outputTokens ?? 0;
    await recordUsage(this.h.env.DB, { chatId: this.h.chatId, userId: requester.id, model: model.id, inputTokens, outputTokens, apiCalls, ...(paused ? { executionId: paused.executionId } : {}) });
    const badge = F.italic(footer(model.id, inputTokens, outputTokens, apiCalls));
    if (paused) {
      await this.replace(statusId, fmt`⏸ Waiting for your approval of the card below.\n${badge}`);
      return;
    }
    const answer = result.text.trim() !== ""
      ? result.text.trim()
      : `I used my budget of ${this.h.config.LLM_MAX_STEPS} steps without finishing. Try a narrower request, or run code yourself with /cloudflare run.`;
    // After an approved run, the answer carries its Undo button (and says what cannot be undone).
    const note = undo?.note ? fmt`\n${F.italic(undo.note)}` : new F("");
    const carrier = await this.replace(statusId, fmt`${answer}${note}\n\n${badge}`, undo?.keyboard);
    if (undo?.keyboard && carrier !== undefined) undo.remember(carrier);
  }

  private async status(messageId: number | null, text: string): Promise<void> {
    if (messageId === null) return;
    await this.h.api.editMessageText(this.h.chatId, messageId, text).catch(() => undefined);
  }

  /**
   * Replaces the status message with `text` (or sends it, split, when it does not fit), with
   * `keyboard` on the last part. Returns the id of the message that carries the last part.
   */
  private async replace(messageId: number | null, text: F, keyboard?: InlineKeyboardMarkup): Promise<number | undefined> {
    const parts = fitMessages(text);
    const markup = (index: number) => (keyboard && index === parts.length - 1 ? { reply_markup: keyboard } : {});
    let rest = parts.map((part, index) => ({ part, index }));
    let last: number | undefined;
    if (messageId !== null && parts[0]) {
      const edited = await this.h.api.editMessageText(this.h.chatId, messageId, parts[0].text, { entities: parts[0].entities, link_preview_options: { is_disabled: true }, ...markup(0) })
        .then(() => true, () => false);
      if (edited) {
        rest = rest.slice(1);
        last = messageId;
      }
    }
    for (const { part, index } of rest) {
      last = (await this.h.api.sendMessage(this.h.chatId, part.text, { entities: part.entities, link_preview_options: { is_disabled: true }, ...markup(index) })).message_id;
    }
    return last;
  }

  private async say(text: F): Promise<void> {
    await this.replace(null, text);
  }
}

/** Tells the person what went wrong with the model provider, in words they can act on. */
export function providerTrouble(error: unknown, model?: Pick<ModelChoice, "provider" | "ownKey">): string {
  if (error instanceof UserFacingError) return error.message;
  const last = RetryError.isInstance(error) ? error.lastError : error;
  if (APICallError.isInstance(last)) {
    if (last.statusCode === 429) return "⚠️ The model provider is rate-limiting this bot; try again in 30 s. (/cloudflare run works without the model.)";
    if (last.statusCode === 401 || last.statusCode === 403) return `⚠️ The model provider refused the key (HTTP ${last.statusCode}): ${model?.ownKey ? `check your ${model.provider} key (/key ${model.provider} stores a new one)` : "check LLM_API_KEY"}.`;
    if (last.statusCode !== undefined && last.statusCode >= 500) return `⚠️ The model provider is failing (HTTP ${last.statusCode}) after several tries; try again shortly.`;
  }
  console.warn(JSON.stringify({ level: "warn", event: "model_failed", error: describeError(error) }));
  return `⚠️ The model provider could not be reached after several tries (${describeError(last).slice(0, 200)}); try again shortly. Your request was not run.`;
}
