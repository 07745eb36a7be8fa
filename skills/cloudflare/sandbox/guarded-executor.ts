/**
 * The sandbox the bot runs snippets in: codemode's `DynamicWorkerExecutor` (a Dynamic Worker
 * with no network and no env), behind the loop guard, with the platform's CPU limit where it is
 * enforced, and with the sandbox's raw errors turned into messages a person can act on.
 */
import { DynamicWorkerExecutor, type ExecuteResult, type Executor, type ResolvedProvider } from "@cloudflare/codemode";
import { guardSnippet, DEFAULT_STEP_BUDGET } from "./loop-guard.ts";

type ExecuteOptions = Parameters<Executor["execute"]>[2];

/** Options for the guarded executor. */
export interface GuardedExecutorOptions {
  loader: WorkerLoader;
  /** Wall-clock limit for one run, for snippets that wait (ms). */
  timeoutMs?: number;
  /** CPU limit passed to the Worker Loader (enforced on Cloudflare, not by local workerd). */
  cpuMs?: number;
  /** Loop iterations plus function calls allowed per run. */
  stepBudget?: number;
}

/** Runs snippets in a Dynamic Worker, guarded against runaway loops. */
export class GuardedExecutor implements Executor {
  private readonly inner: DynamicWorkerExecutor;
  private readonly stepBudget: number;

  constructor(options: GuardedExecutorOptions) {
    const cpuMs = options.cpuMs ?? 10_000;
    // The executor does not expose Worker Loader limits, so the loader it gets adds them.
    const loader: WorkerLoader = {
      load: (code) => options.loader.load({ ...code, limits: { ...code.limits, cpuMs } }),
      get: (name, getCode) => options.loader.get(name, async () => ({ ...(await getCode()), limits: { cpuMs } })),
    };
    this.inner = new DynamicWorkerExecutor({ loader, timeout: options.timeoutMs ?? 30_000, globalOutbound: null });
    this.stepBudget = options.stepBudget ?? DEFAULT_STEP_BUDGET;
  }

  /** Instruments the code, runs it, and rewrites sandbox errors into plain language. */
  async execute(code: string, providers: ResolvedProvider[] | Record<string, (...args: unknown[]) => Promise<unknown>>, options?: ExecuteOptions): Promise<ExecuteResult> {
    const guarded = guardSnippet(code, this.stepBudget);
    if (!guarded.ok) return { result: undefined, error: guarded.error };
    try {
      const result = await this.inner.execute(guarded.code, providers, options);
      return result.error === undefined ? result : { ...result, error: explainSandboxError(result.error) };
    } catch (error) {
      return { result: undefined, error: explainSandboxError(error instanceof Error ? error.message : String(error)) };
    }
  }
}

/** Turns the sandbox's own error texts into ones that say what to do. */
export function explainSandboxError(message: string): string {
  if (/not permitted to access the internet|network access|globalOutbound|fetch\b.*(disabled|not allowed)|connect\(\).*(disabled|not allowed)/i.test(message)) {
    return `the sandbox has no network; use cloudflare.* calls to reach the Cloudflare API (${message})`;
  }
  if (/exceeded (its )?memory limit|out of memory|Array buffer allocation failed|Invalid (string|array) length/i.test(message)) {
    return `the snippet ran out of memory: it tried to build something too large (${message}). Work with smaller pieces, e.g. one page of results at a time.`;
  }
  if (/Execution timed out/i.test(message)) {
    return "the snippet ran too long: it was still waiting after the time limit, so it was stopped.";
  }
  if (/exceeded CPU|CPU time limit/i.test(message)) {
    return `the snippet ran too long: it used up its CPU time (${message}).`;
  }
  return message;
}
