/**
 * The `cloudflare_code_mode` skill: a plain-language request becomes model-written code, run
 * through the chat's run owner (../code-mode/runs.ts) with one tool, `codemode({ code })`.
 *
 * A turn ends early when its run pauses on an approval card: the status message says so and the
 * turn is remembered by execution id (in the chat's Durable Object, so eviction does not lose
 * it). The run's outcome then reaches this module as the run's listener (`finished`): the model is
 * told how it ended and writes the answer. The conversation is a bounded window kept per chat.
 * The model's steps are streamed (`streamText`): the text being written goes to `TurnOutput.writing`
 * as it grows, and a provider that fails mid-answer ends the turn with a message saying so, never
 * with the half answer. Each step of a run reaches the status line through `progress` (./status-lines.ts).
 * What the person sees goes through `TurnOutput` (bot/ implements it): nothing here talks to Telegram.
 */
import { truncateResult } from "@cloudflare/codemode";
import { APICallError, RetryError, stepCountIs, streamText, tool, type ModelMessage } from "ai";
import { z } from "zod";
import type { Approval } from "../../../approvals/approval-store.ts";
import type { AnswerTo, RunRecord } from "../../../approvals/run-store.ts";
import type { Config } from "../../../core/config.ts";
import { describeError, UserFacingError } from "../../../core/errors.ts";
import { llmKeysFor, TokenVaultError } from "../byok/index.ts";
import type { RunEnd, RunListener, RunStep, UndoOffer } from "../code-mode/run-listener.ts";
import type { Requester, Runs } from "../code-mode/runs.ts";
import { ConversationMemory } from "./memory.ts";
import { systemPrompt, TOOL_DESCRIPTION } from "./prompt.ts";
import { availableModels, modelFor, strongModel, type ModelChoice, type UserModelKeys } from "./providers.ts";
import { noModelText } from "./no-model.ts";
import { RUNNING, stepLine, THINKING, WAITING } from "./status-lines.ts";
import { attemptCost, footer, limitReached, recordUsage } from "./usage.ts";

/** What a model turn shows the person (bot/ implements it; `to` says where: the request's topic, and in groups the request it replies to). */
export interface TurnOutput {
  /** Posts the status message with `text`; returns its id (null when it could not be sent). */
  begin(to: AnswerTo, text: string): Promise<number | null>;
  /** Updates the status message (throttled: a step may be skipped when steps come fast, never the answer). */
  status(to: AnswerTo, messageId: number | null, text: string): Promise<void>;
  /** The model is writing: `text` so far (a private chat sees it as a draft; a group sees "writing" on the status line). */
  writing(to: AnswerTo, messageId: number | null, text: string): Promise<void>;
  /** Replaces the status message with the answer (with the run's Undo button when it offers one). */
  answer(to: AnswerTo, messageId: number | null, answer: TurnAnswer): Promise<void>;
  /** Says something short without a status message (no model, a limit reached). */
  say(to: AnswerTo, text: string): Promise<void>;
}

/** A turn's final words. */
export interface TurnAnswer {
  text: string;
  /** The footer: model, tokens, cost, API calls. */
  footer?: string;
  /** Set when the turn ends on an approval card instead of an answer. */
  waiting?: boolean;
  /** The run whose writes the answer may offer to undo. */
  undo?: { runId: string; offer: UndoOffer };
}

/** What model turns need from the chat. */
export interface ModelTurnsDeps {
  config: Config;
  env: Env;
  chatId: number;
  sql: SqlStorage;
  runs: Runs;
  output: TurnOutput;
}

/** The JSON the model gets back from one `codemode` call. */
type ToolResult =
  | { status: "completed"; executionId: string; result: unknown; logs?: string[] }
  | { status: "paused"; executionId: string; pending: string }
  | { status: "error"; executionId: string; error: string };

/** The model-driven skill of one chat; also the listener of the runs its turns start. */
export class ModelTurns implements RunListener {
  readonly memory: ConversationMemory;
  private readonly d: ModelTurnsDeps;

  constructor(deps: ModelTurnsDeps) {
    this.d = deps;
    this.memory = new ConversationMemory(deps.sql);
  }

  /** The model this chat uses for a requester with these own API keys (`/key`), if any is available. */
  model(keys?: UserModelKeys): ModelChoice | undefined {
    return modelFor(this.d.config, this.d.env, this.memory.setting("model"), keys);
  }

  /** The requester's own model API keys (`/key`), decrypted; a `UserFacingError` says why they cannot be used. */
  async keysOf(userId: number): Promise<UserModelKeys> {
    try {
      return await llmKeysFor(this.d.env.DB, this.d.config.ENCRYPTION_KEY, userId);
    } catch (error) {
      if (!(error instanceof TokenVaultError)) throw error;
      throw new UserFacingError(`⚠️ Your stored model API keys cannot be used, so your request was not sent to a model. ${error.message}${error.reason === "decrypt_failed" ? "" : " (ENCRYPTION_KEY is set by whoever runs the bot; /key <provider> remove deletes a key.)"}`);
    }
  }

  /** Answers a plain-language request: on the chat's model, on the strong one (`deep`, `/deep`), or on the chat's model with the strong one behind it (`/model auto`). */
  async ask(text: string, requester: Requester, to: AnswerTo, options: { deep?: boolean } = {}): Promise<void> {
    const keys = await this.keysOf(requester.id);
    const plan = this.plan(keys, options.deep === true ? "deep" : undefined);
    if (typeof plan === "string") {
      await this.d.output.say(to, plan);
      return;
    }
    const limited = await limitReached(this.d.env.DB, requester.id, { perMinute: this.d.config.LLM_REQUESTS_PER_MINUTE, tokensPerDay: this.d.config.LLM_TOKENS_PER_DAY });
    if (limited) {
      await this.d.output.say(to, limited);
      return;
    }
    const status = await this.d.output.begin(to, THINKING);
    await this.respond(plan, [{ role: "user", content: text }], requester, to, status);
  }

  /** Whether this chat is in auto mode (`/model auto`). */
  get auto(): boolean {
    return this.memory.setting("mode") === "auto";
  }

  /**
   * Which models answer: `first`, and in auto mode `fallback` (the strong model) when `first` fails.
   * `deep` asks the strong model at once; `first` names the model a waiting turn started on. A string says why none can.
   */
  private plan(keys: UserModelKeys, deep?: "deep", first?: string): Plan | string {
    const strong = strongModel(this.d.config, this.d.env, keys);
    if (deep) return strong ? { first: strong } : NO_STRONG_MODEL;
    const chosen = (first !== undefined ? [...availableModels(this.d.config, this.d.env, keys), ...(strong ? [strong] : [])].find((m) => m.id === first) : undefined) ?? this.model(keys);
    if (!chosen) return noModelText(this.d.config);
    return this.auto && strong && strong.id !== chosen.id ? { first: chosen, fallback: strong } : { first: chosen };
  }

  /** A run a turn started paused on a card (again, after a tap): the status line says so; the turn keeps waiting. */
  async paused(run: RunRecord, _cards: readonly Approval[]): Promise<void> {
    if (run.origin.kind === "model") await this.d.output.status(run.answerTo, run.origin.statusMessageId, WAITING);
  }

  /** A run a turn started takes a step (searching, reading an operation): the status line shows it. */
  async progress(run: RunRecord, step: RunStep): Promise<void> {
    if (run.origin.kind === "model") await this.d.output.status(run.answerTo, run.origin.statusMessageId, stepLine(step));
  }

  /** A run a turn waited on ended: the model that started the turn hears how, and writes the answer. A run of a live turn is that turn's business. */
  async finished(run: RunRecord, end: RunEnd): Promise<void> {
    const waiting = run.executionId ? this.memory.takeWaiting(run.executionId) : undefined;
    if (!waiting) return;
    const requester = { id: waiting.requesterId, name: waiting.requesterName };
    let plan: Plan | string;
    try {
      plan = this.plan(await this.keysOf(requester.id), undefined, waiting.modelId);
    } catch (error) {
      if (!(error instanceof UserFacingError)) throw error;
      await this.d.output.answer(run.answerTo, waiting.statusMessageId, { text: error.message });
      return;
    }
    if (typeof plan === "string") return;
    // A person who said no gets the answer, not another model (which might ask again).
    if (end.status === "rejected" || end.status === "refused") delete plan.fallback;
    // The answer's footer counts the requests the approved run sent (its reads and the writes the tap let through).
    const runCalls = end.status === "completed" ? end.reads + end.writes : end.status === "error" ? end.apiCalls ?? 0 : 0;
    await this.respond(plan, [{ role: "user", content: approvalNote(run, end) }], requester, run.answerTo, waiting.statusMessageId,
      end.status === "completed" ? { runId: run.runId, offer: end.undo } : undefined, run.executionId ?? undefined, runCalls);
  }

  /** One request's answer: the first model's attempt, the fallback's when that one fails, then what the person sees. */
  private async respond(plan: Plan, added: ModelMessage[], requester: Requester, to: AnswerTo, statusId: number | null, undo?: TurnAnswer["undo"], continues?: string, runCalls = 0): Promise<void> {
    const started = Date.now();
    let attempt = await this.attempt(plan.first, added, requester, to, statusId, continues);
    let failed: Attempt | undefined;
    if (attempt.kind === "failed" && plan.fallback) {
      failed = attempt;
      await this.d.output.status(to, statusId, `↗️ ${shortName(plan.first.id)} ${FAILURES[attempt.failure!]}; asking ${shortName(plan.fallback.id)}…`);
      attempt = await this.attempt(plan.fallback, added, requester, to, statusId, continues);
    }
    this.memory.append([...added, ...attempt.messages]);
    if (attempt.kind === "provider") {
      await this.d.output.answer(to, statusId, { text: attempt.text });
      return;
    }
    const escalation = failed ? `↗️ ${shortName(failed.model.id)} ${FAILURES[failed.failure!]} (${attemptCost(failed.model.id, failed.inputTokens, failed.outputTokens)}), so ${shortName(attempt.model.id)} answered.\n` : "";
    const badge = escalation + footer(attempt.model.id, attempt.inputTokens, attempt.outputTokens, runCalls + attempt.apiCalls, Date.now() - started);
    if (attempt.kind === "waiting") {
      await this.d.output.answer(to, statusId, { text: WAITING, footer: badge, waiting: true });
      return;
    }
    await this.d.output.answer(to, statusId, { text: attempt.text, footer: badge, ...(undo ? { undo } : {}) });
  }

  /** One model's try at the conversation plus `added`: runs the model with the codemode tool, records its usage, and says how it went. */
  private async attempt(model: ModelChoice, added: ModelMessage[], requester: Requester, to: AnswerTo, statusId: number | null, continues?: string): Promise<Attempt> {
    // The usage row names the run this attempt started last (or went on with), so /audit shows each run's model cost.
    let lastExecutionId = continues;
    let paused: ToolResult | undefined;
    let lastRun: ToolResult["status"] | undefined;
    let apiCalls = 0;
    const codemode = tool({
      description: TOOL_DESCRIPTION,
      inputSchema: z.object({ code: z.string().describe("the body of an async function; return the value you need") }),
      execute: async ({ code }): Promise<ToolResult> => {
        await this.d.output.status(to, statusId, RUNNING);
        const { run, outcome } = await this.d.runs.start({ code, requester, origin: { kind: "model", statusMessageId: statusId }, answerTo: to, source: "model" });
        lastExecutionId = outcome.executionId;
        apiCalls += (outcome.calls ?? []).filter((c) => c.connector === "cloudflare" && c.method !== "search" && c.method !== "describe" && c.state === "applied").length;
        lastRun = outcome.status === "completed" ? "completed" : outcome.status === "paused" && run.status === "paused" ? "paused" : "error";
        if (outcome.status === "paused" && run.status === "paused") {
          this.memory.wait({ executionId: outcome.executionId, requesterId: requester.id, requesterName: requester.name, statusMessageId: statusId, modelId: model.id });
          paused = { status: "paused", executionId: outcome.executionId, pending: "waiting for the user's approval tap on the card in the chat" };
          return paused;
        }
        if (outcome.status === "completed") return { status: "completed", executionId: outcome.executionId, result: truncateResult(outcome.result), ...(outcome.logs ? { logs: outcome.logs } : {}) };
        return { status: "error", executionId: outcome.executionId, error: outcome.status === "error" ? outcome.error : run.summary ?? "the run stopped before its card" };
      },
    });
    const result = streamText({
      model: model.create(),
      system: systemPrompt(this.d.config.MCP_SERVERS.map((s) => s.name)),
      messages: [...this.memory.load(), ...added],
      tools: { codemode },
      stopWhen: [stepCountIs(this.d.config.LLM_MAX_STEPS), () => paused !== undefined],
      maxRetries: 3,
      // Errors are read from the stream below; the default handler would only log them.
      onError: () => undefined,
      // Between a run and the model's next step, the status line says the model is at it again.
      onStepFinish: async (step) => {
        if (step.toolResults.length > 0 && paused === undefined) await this.d.output.status(to, statusId, THINKING);
      },
    });
    // The text of the step being written, shown as it grows (a step that ends in a tool call starts over).
    let written = "";
    try {
      for await (const part of result.stream) {
        if (part.type === "start-step") written = "";
        else if (part.type === "text-delta" && part.text !== "") await this.d.output.writing(to, statusId, written += part.text);
        else if (part.type === "error") throw part.error;
        else if (part.type === "abort") throw new Error("the model's answer was cut off");
      }
    } catch (error) {
      const text = written.trim() === "" ? providerTrouble(error, model) : `⚠️ The model provider failed in the middle of the answer (${describeError(RetryError.isInstance(error) ? error.lastError : error).slice(0, 200)}), so the half-written answer was dropped. Try again shortly.`;
      return { model, kind: "provider", text, messages: [], inputTokens: 0, outputTokens: 0, apiCalls };
    }
    const [usage, responseMessages, finalText, finishReason] = await Promise.all([result.totalUsage, result.responseMessages, result.text, result.finishReason]);
    const inputTokens = usage.inputTokens ?? 0;
    const outputTokens = usage.outputTokens ?? 0;
    await recordUsage(this.d.env.DB, { chatId: this.d.chatId, userId: requester.id, model: model.id, inputTokens, outputTokens, apiCalls, ...(lastExecutionId ? { executionId: lastExecutionId } : {}) });
    const base = { model, messages: responseMessages, inputTokens, outputTokens, apiCalls };
    if (paused) return { ...base, kind: "waiting", text: "" };
    const text = finalText.trim();
    if (text === "") return { ...base, kind: "failed", failure: "steps", text: `I used my budget of ${this.d.config.LLM_MAX_STEPS} steps without finishing. Try a narrower request, or run code yourself with /cloudflare run.` };
    if (finishReason === "content-filter" || REFUSAL.test(text)) return { ...base, kind: "failed", failure: "refusal", text };
    if (lastRun === "error") return { ...base, kind: "failed", failure: "run error", text };
    return { ...base, kind: "answer", text };
  }
}

/** The models of one request: `fallback` takes over when `first` fails (auto mode). */
interface Plan {
  first: ModelChoice;
  fallback?: ModelChoice;
}

/** How one model's try went. */
interface Attempt {
  model: ModelChoice;
  /** answer: it answered · waiting: a card waits · failed: see `failure` · provider: the provider failed (text says how). */
  kind: "answer" | "waiting" | "failed" | "provider";
  failure?: keyof typeof FAILURES;
  text: string;
  messages: ModelMessage[];
  inputTokens: number;
  outputTokens: number;
  apiCalls: number;
}

/** Why an attempt counts as failed, as the person is told. */
const FAILURES = {
  steps: "used its step budget without finishing",
  refusal: "declined the request",
  "run error": "could not get its code to run",
} as const;

/** An answer that declines rather than answers. */
const REFUSAL = /^(?:I'?m sorry|I am sorry|sorry,|I can(?:no|['’])t|I am unable|I'?m unable|I won['’]t)/i;

/** `groq:llama-3.3-70b-versatile` → `llama-3.3-70b-versatile`. */
function shortName(id: string): string {
  return id.includes(":") ? id.slice(id.indexOf(":") + 1).split("/").pop()! : id;
}

const NO_STRONG_MODEL = "Deep Mode needs a strong model, and none is configured. Set LLM_STRONG_PROVIDER (and LLM_STRONG_MODEL, LLM_STRONG_API_KEY) like LLM_*: see the README's Models section.";


/** What the model is told when a run it waited on ends. */
function approvalNote(run: RunRecord, end: RunEnd): string {
  const id = run.executionId ?? run.runId;
  switch (end.status) {
    case "completed":
      return `[approval] The user approved. Run ${id} finished. Result: ${JSON.stringify(truncateResult(end.result, { maxTokens: 1500 }))}${end.logs?.length ? ` Console: ${JSON.stringify(end.logs.slice(-10))}` : ""}`;
    case "error":
      return `[approval] The user approved, but run ${id} failed: ${end.error}`;
    default:
      return `[approval] The user did not approve (${end.reason}). Run ${id} stopped; the pending change was not made. Tell the user briefly.`;
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
