/**
 * Runs one eval task against the running stack, as a person would: a fresh private chat,
 * `/connect` with the task's own demo account token, `/model auto` for auto mode, then the request
 * (or `/deep <request>`). Approval cards are answered by the task's policy (approve, reject, or
 * leave to expire); the final answer is the status message once it stops saying "working" or
 * "waiting". Then the checker judges the outcome, and one rule holds for every task: the API
 * received no more writes than people approved.
 */
import type { BotEvent, ChatEvent } from "../dev/playground/chat-log.ts";
import type { ModelUsage } from "./model-gateway.ts";
import type { EvalStack } from "./stack.ts";
import type { EvalTask } from "./task.ts";
import { isWriteRequest } from "./tasks/helpers.ts";

/** How a request is sent: to the chat's model, in `/model auto`, or with `/deep`. */
export type RunMode = "model" | "auto" | "deep";

/** One task's result, as the report shows it. */
export interface TaskResult {
  task: string;
  kind: string;
  mode: RunMode;
  success: boolean;
  failure?: string;
  /** Code runs the model asked for (tool calls). */
  steps: number;
  modelCalls: number;
  inputTokens: number;
  outputTokens: number;
  /** USD, when every model used has a price. */
  costUsd?: number;
  /** Requests the task's account received after the prompt. */
  apiCalls: number;
  /** Of those, writes (anything but GET). */
  writes: number;
  cardsAsked: number;
  approvals: number;
  /** The strong model answered (Deep Mode). */
  escalated: boolean;
  wallMs: number;
  answer: string;
}

/** Statuses the turn shows while it is not done yet. */
const WORKING = ["💭", "🔎", "⚙️", "⏸", "✍️", "↗️"];

/** Runs `task` as user `userId`; `usage` reads the gateway's counts for a prompt; `price` the cost of a model's tokens. */
export async function runTask(stack: EvalStack, task: EvalTask, options: {
  userId: number; mode: RunMode; strongModel?: string;
  usage: (prompt: string) => ModelUsage; price: (model: string, input: number, output: number) => number | undefined;
}): Promise<TaskResult> {
  const started = Date.now();
  const user = { id: options.userId, first_name: `Eval${options.userId % 1000}` };
  const chatId = user.id;
  const { emulator, token } = stack.pool.account();
  task.setup?.(emulator);
  const result: TaskResult = { task: task.id, kind: task.kind, mode: options.mode, success: false, steps: 0, modelCalls: 0, inputTokens: 0, outputTokens: 0,
    apiCalls: 0, writes: 0, cardsAsked: 0, approvals: 0, escalated: false, wallMs: 0, answer: "" };
  const finish = (failure?: string) => {
    const usage = options.usage(task.prompt);
    result.steps = usage.toolCalls;
    result.modelCalls = usage.calls;
    result.inputTokens = usage.inputTokens;
    result.outputTokens = usage.outputTokens;
    const costs = Object.entries(usage.byModel).map(([model, u]) => options.price(model, u.inputTokens, u.outputTokens));
    if (costs.length > 0 && costs.every((c) => c !== undefined)) result.costUsd = costs.reduce<number>((a, c) => a + c!, 0);
    result.escalated = options.strongModel !== undefined && options.mode === "auto" && (usage.byModel[options.strongModel]?.calls ?? 0) > 0;
    result.wallMs = Date.now() - started;
    result.success = failure === undefined;
    if (failure !== undefined) result.failure = failure + (usage.errors.length ? ` (model gateway: ${usage.errors[0]})` : "");
    return result;
  };

  const send = async (text: string) => {
    const status = await stack.client.sendText(user, chatId, text);
    if (status !== 200) throw new Error(`the webhook answered ${status} to "${text.slice(0, 40)}"`);
  };
  const botSays = (from: number, match: (t: string) => boolean, timeoutMs: number) => waitFor(stack, chatId, from, (e) => isText(e) && match(e.text ?? ""), timeoutMs);

  try {
    let from = stack.log.last();
    await send("/connect");
    await botSays(from, (t) => t.includes("Connect your Cloudflare API token"), 60_000);
    from = stack.log.last();
    await send(token);
    const connected = await botSays(from, (t) => /Connected token|refused|cannot be used|went wrong/.test(t), 60_000);
    if (!connected?.text?.includes("Connected token")) return finish(`/connect failed: ${connected?.text ?? "no answer"}`);
    if (options.mode === "auto") {
      from = stack.log.last();
      await send("/model auto");
      const set = await botSays(from, (t) => t.includes("auto") || t.startsWith("No model"), 60_000);
      if (!set?.text?.includes("auto") || set.text.startsWith("No model")) return finish(`/model auto failed: ${set?.text ?? "no answer"}`);
    }

    const mark = emulator.requests.length;
    from = stack.log.last();
    await send(options.mode === "deep" ? `/deep ${task.prompt}` : task.prompt);
    const policy = task.cards ?? "approve";
    const cardIds = new Set<number>();
    const cardTexts: string[] = [];
    const deadline = Date.now() + (task.timeoutMs ?? (policy === "expire" ? 240_000 : 150_000));
    let answer: BotEvent | undefined;
    while (!answer) {
      if (Date.now() > deadline) return finish(`no answer within ${Math.round((task.timeoutMs ?? 150_000) / 1000)} s; last: ${lastText(stack, chatId, from)}`);
      for (const event of stack.log.since(from, chatId)) {
        if (event.kind !== "bot" || !event.ok || event.messageId === undefined) continue;
        const verbs = (event.keyboard ?? []).flat().map((b) => b.callback_data ?? "");
        if (verbs.some((d) => d.startsWith("ap:")) && !cardIds.has(event.messageId)) {
          cardIds.add(event.messageId);
          cardTexts.push(event.text ?? "");
          result.cardsAsked += 1;
          if (policy !== "expire") {
            const verb = policy === "approve" ? "ap:" : "rj:";
            if (verb === "ap:") result.approvals += 1;
            await stack.client.tap(user, chatId, event.messageId, verbs.find((d) => d.startsWith(verb))!);
          }
          continue;
        }
        if (cardIds.has(event.messageId) || !isText(event)) continue;
        const text = event.text ?? "";
        if (WORKING.some((w) => text.startsWith(w)) || text.includes("Connect your Cloudflare")) continue;
        answer = event;
      }
      if (!answer) await stack.log.wait(stack.log.last(), 1000);
    }
    // Long answers continue in more messages; give them (and any late request) a moment.
    await settle(stack);
    result.answer = stack.log.since(answer.seq - 1, chatId).filter((e) => isText(e) && !cardIds.has(e.messageId ?? -1) && e.messageId !== undefined)
      .map((e) => (e as BotEvent).text ?? "").filter((t) => !WORKING.some((w) => t.startsWith(w))).join("\n");
    const requests = emulator.requests.slice(mark);
    result.apiCalls = requests.length;
    result.writes = requests.filter(isWriteRequest).length;
    if (result.writes > result.approvals) return finish(`${result.writes} write(s) reached the API with ${result.approvals} approval(s)`);
    const failure = task.check({ answer: result.answer, state: emulator.state, requests, cards: cardTexts, approvals: result.approvals });
    return finish(failure);
  } catch (error) {
    return finish(`harness error: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function isText(e: ChatEvent): e is BotEvent {
  return e.kind === "bot" && e.ok && (e.method === "sendMessage" || e.method === "editMessageText") && typeof e.text === "string";
}

async function waitFor(stack: EvalStack, chatId: number, from: number, match: (e: ChatEvent) => boolean, timeoutMs: number): Promise<BotEvent | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = stack.log.since(from, chatId).find(match);
    if (found) return found as BotEvent;
    if (Date.now() > deadline) return undefined;
    await stack.log.wait(stack.log.last(), 1000);
  }
}

function lastText(stack: EvalStack, chatId: number, from: number): string {
  const texts = stack.log.since(from, chatId).filter(isText).map((e) => e.text ?? "");
  return JSON.stringify((texts.at(-1) ?? "nothing").slice(0, 160));
}

async function settle(stack: EvalStack): Promise<void> {
  for (let i = 0; i < 8; i++) {
    const before = stack.log.last();
    await new Promise((resolve) => setTimeout(resolve, 250));
    if (stack.log.last() === before) return;
  }
}
