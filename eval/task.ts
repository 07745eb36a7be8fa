/**
 * What an eval task is: a request in plain words, how the harness answers its approval cards,
 * optional setup of its own demo account, the scripted model turns that stand in for a model
 * offline, and a checker that judges the outcome by the account's final state, the requests the
 * API received and the answer, never by the code the model wrote.
 */
import type { CloudflareEmulator } from "../dev/cloudflare-emulator/emulator.ts";
import type { RecordedRequest } from "../dev/cloudflare-emulator/emulator.ts";
import type { EmulatorState } from "../dev/cloudflare-emulator/seed.ts";
import type { Script } from "./model-gateway.ts";

/** How the harness answers a task's approval cards. */
export type CardPolicy = "approve" | "reject" | "expire";

/** What a checker sees. */
export interface TaskOutcome {
  /** The bot's final answer (the footer included). */
  answer: string;
  /** The task's demo account after the run. */
  state: EmulatorState;
  /** Every API request the task's account received after the prompt was sent. */
  requests: RecordedRequest[];
  /** The texts of the approval cards shown. */
  cards: string[];
  approvals: number;
}

/** One eval task. */
export interface EvalTask {
  /** Short, unique, kebab-case. */
  id: string;
  /** What kind of skill it tests (read, write, join, refusal, injection, …). */
  kind: string;
  /** The request, as a person would type it (unique across the suite). */
  prompt: string;
  /** Default "approve". */
  cards?: CardPolicy;
  /** Changes the task's fresh demo account before the prompt (e.g. plants hostile text). */
  setup?: (account: CloudflareEmulator) => void;
  /** How long the task may take (default 120 s; a card left to expire needs longer). */
  timeoutMs?: number;
  /** The scripted cheap model's turns. */
  script: Script;
  /** The scripted strong model's turns (Deep Mode); default: `script`. */
  strongScript?: Script;
  /** Set when the scripted cheap model is meant to fail this task (so auto mode escalates). */
  cheapFails?: string;
  /** The failure reason, or undefined when the task succeeded. */
  check: (outcome: TaskOutcome) => string | undefined;
}
