/**
 * The sandbox the bot runs snippets in: codemode's `DynamicWorkerExecutor` (a Dynamic Worker
 * with no network and no env), behind the loop guard, with the platform's CPU limit where it is
 * enforced, and with the sandbox's raw errors turned into messages a person can act on.
 *
 * It also closes a door codemode leaves open: `codemode.__stepRecord(seq, value)` is reachable
 * from the snippet and writes any entry of the execution log, so a snippet could mark its own
 * pending write as done or rewrite what a write returned. Here it may only record the step that
 * `codemode.step` is running (a seq that `__stepDecide` just handed out for execution), once.
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
      const result = await this.inner.execute(guarded.code, Array.isArray(providers) ? providers.map((p) => failedSnippetsThrow(guardStepRecord(p))) : providers, options);
      return result.error === undefined ? result : { ...result, error: explainSandboxError(result.error) };
    } catch (error) {
      return { result: undefined, error: explainSandboxError(error instanceof Error ? error.message : String(error)) };
    }
  }
}

/** The `codemode` provider with `__stepRecord` limited to the steps `__stepDecide` handed out in this pass. */
function guardStepRecord(provider: ResolvedProvider): ResolvedProvider {
  const decide = provider.fns.__stepDecide;
  const record = provider.fns.__stepRecord;
  if (provider.name !== "codemode" || !decide || !record) return provider;
  const open = new Set<number>();
  return {
    ...provider,
    fns: {
      ...provider.fns,
      __stepDecide: async (...args: unknown[]) => {
        const decision = (await decide(...args)) as { kind?: unknown; seq?: unknown } | undefined;
        if (decision?.kind === "execute" && typeof decision.seq === "number") open.add(decision.seq);
        return decision;
      },
      __stepRecord: (seq: unknown, value: unknown) => {
        if (open.delete(Number(seq))) return record(seq, value);
        const refused = Promise.reject(new Error("codemode.__stepRecord is internal to codemode.step: a snippet cannot write its own execution record"));
        refused.catch(() => undefined);
        return refused;
      },
    },
  };
}

/**
 * `codemode.run(name)` answers a snippet it cannot run (none by that name, a connector missing)
 * with a plain `{ error }` value; a run that used it would then end as if it had worked. Here
 * that answer throws instead, so the run fails and says why.
 */
function failedSnippetsThrow(provider: ResolvedProvider): ResolvedProvider {
  const run = provider.fns.run;
  if (provider.name !== "codemode" || !run) return provider;
  return {
    ...provider,
    fns: {
      ...provider.fns,
      run: async (...args: unknown[]) => {
        const result = await run(...args);
        const error = refusal(result);
        if (error !== undefined) throw new Error(`codemode.run(${JSON.stringify(String(args[0]))}) failed: ${error}`);
        return result;
      },
    },
  };
}

/** The message of codemode's own `{ error }` answer (an object with that one string key), or undefined. */
function refusal(value: unknown): string | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  const error = (value as { error?: unknown }).error;
  return keys.length === 1 && typeof error === "string" ? error : undefined;
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
