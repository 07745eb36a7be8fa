/**
 * The sandbox benchmark's measuring Worker (run by bench/sandbox.ts under `wrangler dev`, on
 * 127.0.0.1 only; never deployed).
 *
 * `POST /measure` hands a batch to the `SandboxBench` Durable Object, which runs the same snippet
 * `runs` times down each path, rotating which goes first, and returns the timings:
 * - ours: what a `/cloudflare run` does in the bot, through the run owner (`Runs.start`): the
 *   audit and run rows, codemode's durable runtime (a facet of this object, with its durable log),
 *   our `GuardedExecutor` (loop guard + Dynamic Worker with no network) and our `cloudflare`
 *   connector (catalog lookup, call resolution, D1 audit rows, API client), reaching the Cloudflare
 *   API emulator on loopback; only the chat's Telegram output is left out (a silent listener);
 * - baseline: codemode's raw `DynamicWorkerExecutor` with one plain host function that fetches
 *   the emulator (no runtime, no guard, no durable log, no connector, no audit);
 * - for attribution only, our `GuardedExecutor` with the baseline's plain host function (what the
 *   loop guard costs, apart from the runtime and the connector);
 * - and, for attribution only, codemode's durable runtime with our connector but without the run
 *   owner: no run row in the audit log, no run record, no token lookup, no final audit update
 *   (the read's own audit row is still written). Up to stop 8 this was what "ours" measured, so
 *   it is the path to compare with that stop's ratio.
 *
 * Timing: inside workerd, `performance.now()` only advances across I/O, in whole milliseconds.
 * Every timed run does I/O (RPC to the Dynamic Worker, fetches to the emulator, D1, the facet) and
 * ends with it, so its end reading is the time its last I/O completed: CPU before that is counted,
 * CPU after it is not (it lands in the next run's timing, whose start reading is that same instant;
 * rotating the order spreads this over all paths).
 */
import { DurableObject } from "cloudflare:workers";
import { createCodemodeRuntime, DynamicWorkerExecutor, type ResolvedProvider } from "@cloudflare/codemode";
import { ApprovalStore } from "../../approvals/approval-store.ts";
import { PassAudit } from "../../approvals/pass-audit.ts";
import { GraphqlSchemaCache } from "../../skills/cloudflare/analytics/index.ts";
import { createCloudflareClient } from "../../skills/cloudflare/api/index.ts";
import { catalogLookup } from "../../skills/cloudflare/code-mode/catalog-lookup.ts";
import { CloudflareConnector } from "../../skills/cloudflare/code-mode/cloudflare-connector.ts";
import { RequesterCredentials } from "../../skills/cloudflare/code-mode/requester-credentials.ts";
import type { ChatDesk, RunListener } from "../../skills/cloudflare/code-mode/run-listener.ts";
import { Runs } from "../../skills/cloudflare/code-mode/runs.ts";
import { GuardedExecutor } from "../../skills/cloudflare/sandbox/guarded-executor.ts";
import { withLatency } from "./d1-latency.ts";

export { CodemodeRuntime } from "@cloudflare/codemode";

/** This Worker's bindings (see wrangler.toml). */
export interface SandboxBenchEnv {
  LOADER: WorkerLoader;
  DB: D1Database;
  SANDBOX_BENCH: DurableObjectNamespace<SandboxBench>;
}

/** One batch to measure. */
export interface MeasureRequest {
  /** The emulator's API base (`http://127.0.0.1:<port>/client/v4`). */
  apiBase: string;
  token: string;
  /** The snippet, as a person would send it after `/cloudflare run`. */
  code: string;
  /** Timed iterations of each path. */
  runs: number;
  /** Untimed iterations of each path first. */
  warmup: number;
  /** Each D1 statement of our paths waits this long first, as a round trip to D1 would (./d1-latency.ts); 0 or absent: none. */
  d1LatencyMs?: number;
}

/** The timings of one batch. */
export interface MeasureResponse {
  /** Our path, milliseconds per run (in the order run). */
  oursMs: number[];
  /** The baseline, milliseconds per run. */
  baselineMs: number[];
  /** For attribution only: our GuardedExecutor (loop guard + Dynamic Worker) with the baseline's plain host function. */
  guardOnlyMs: number[];
  /** For attribution only: codemode's runtime with our connector, without the run owner (stop 8's "ours"). */
  runtimeOnlyMs: number[];
  /** What each path returned on its last run (both should be the same number). */
  oursResult: unknown;
  baselineResult: unknown;
  /** Failed runs (warm-up included), with the first few messages. */
  failures: number;
  errors: string[];
  /** True when every timing was a whole number of milliseconds (workerd's clock steps by 1 ms). */
  wholeMilliseconds: boolean;
}

const MAX_RUNS_PER_BATCH = 1000;
const MAX_ERRORS = 5;
/** The bench acts as one requester in one chat, as a person would in the bot. */
const BENCH_CHAT_ID = 990_001;
const BENCH_REQUESTER_ID = 990_001;

/** Hosts the codemode runtime facet and runs the measurements. */
export class SandboxBench extends DurableObject<SandboxBenchEnv> {
  private readonly executor: GuardedExecutor;
  private readonly baseline: DynamicWorkerExecutor;
  /** The run owner of the last batch's token (as a chat keeps one). */
  private runsFor: { key: string; runs: Runs } | undefined;
  private approvalStore: ApprovalStore | undefined;
  private latencyEnv: { ms: number; env: SandboxBenchEnv } | undefined;
  private schemas: GraphqlSchemaCache | undefined;

  constructor(ctx: DurableObjectState, env: SandboxBenchEnv) {
    super(ctx, env);
    // As the chat's run owner builds it: one guarded executor per chat, default limits.
    this.executor = new GuardedExecutor({ loader: env.LOADER });
    // The baseline: codemode's executor as it comes (no network, default timeout).
    this.baseline = new DynamicWorkerExecutor({ loader: env.LOADER });
  }

  /** Runs one batch; see the module comment. */
  async measure(request: MeasureRequest): Promise<MeasureResponse> {
    const runs = Math.min(MAX_RUNS_PER_BATCH, Math.max(0, Math.floor(request.runs)));
    const warmup = Math.min(MAX_RUNS_PER_BATCH, Math.max(0, Math.floor(request.warmup)));
    const out: MeasureResponse = { oursMs: [], baselineMs: [], guardOnlyMs: [], runtimeOnlyMs: [], oursResult: undefined, baselineResult: undefined, failures: 0, errors: [], wholeMilliseconds: true };
    const fail = (label: string, message: string): void => {
      out.failures++;
      if (out.errors.length < MAX_ERRORS) out.errors.push(`${label}: ${message}`);
    };
    const ours = async (): Promise<number | undefined> => {
      const started = performance.now();
      const outcome = await this.runOurs(request);
      const ms = performance.now() - started;
      if (outcome.status !== "completed") return void fail("ours", outcome.status === "error" ? outcome.error : `run ${outcome.status}`);
      out.oursResult = outcome.result;
      return ms;
    };
    const baseline = async (): Promise<number | undefined> => {
      const started = performance.now();
      const outcome = await this.runBaseline(request);
      const ms = performance.now() - started;
      if (outcome.error !== undefined) return void fail("baseline", outcome.error);
      out.baselineResult = outcome.result;
      return ms;
    };
    const guardOnly = async (): Promise<number | undefined> => {
      const started = performance.now();
      const outcome = await this.executor.execute(request.code, [this.plainProvider(request)]);
      const ms = performance.now() - started;
      if (outcome.error !== undefined) return void fail("guard only", outcome.error);
      return ms;
    };
    const runtimeOnly = async (): Promise<number | undefined> => {
      const started = performance.now();
      const outcome = await this.runRuntimeOnly(request);
      const ms = performance.now() - started;
      if (outcome.status !== "completed") return void fail("runtime only", outcome.status === "error" ? outcome.error : `run ${outcome.status}`);
      return ms;
    };
    for (let i = 0; i < warmup + runs; i++) {
      const timed = i >= warmup;
      // Rotate which path goes first, so none always runs right after another's work.
      const paths = [[ours, out.oursMs], [baseline, out.baselineMs], [guardOnly, out.guardOnlyMs], [runtimeOnly, out.runtimeOnlyMs]] as const;
      for (let k = 0; k < paths.length; k++) {
        const [path, samples] = paths[(i + k) % paths.length]!;
        const ms = await path();
        if (ms === undefined || !timed) continue;
        if (!Number.isInteger(ms)) out.wholeMilliseconds = false;
        samples.push(ms);
      }
    }
    return out;
  }

  /** Our full path: the run owner, as the chat's Durable Object builds it, with a silent listener instead of Telegram. */
  private async runOurs(request: MeasureRequest) {
    const key = `${request.apiBase} ${request.token} ${request.d1LatencyMs ?? 0}`;
    if (this.runsFor?.key !== key) {
      const silent: ChatDesk & RunListener = {
        showCard: async () => 0, closeCard: async () => undefined, showCredentials: async () => undefined, confirmUndo: async () => undefined,
        undone: async () => undefined, notice: async () => undefined, paused: async () => undefined, finished: async () => undefined,
      };
      const runs = new Runs({
        ctx: this.ctx, env: connectorEnv(this.envFor(request)), chatId: BENCH_CHAT_ID, approverIds: [], approvalTtlMs: 15 * 60_000, retention: { runs: 200, days: 30 },
        credentials: new RequesterCredentials({ db: this.envFor(request).DB, encryptionKey: undefined, deploymentToken: request.token, apiBase: request.apiBase }),
        desk: silent, listeners: { chat: silent }, wakeBy: async () => undefined, executor: this.executor,
      });
      this.runsFor = { key, runs };
    }
    const { outcome } = await this.runsFor.runs.start({ code: request.code, requester: { id: BENCH_REQUESTER_ID, name: "bench" }, origin: { kind: "chat" }, source: "run" });
    return outcome;
  }

  /** For attribution: the runtime and our connector as the run owner builds them, for a pass with no run owner around it. */
  private async runRuntimeOnly(request: MeasureRequest) {
    const credential = { ref: { id: "deployment", label: "the bench's token" }, client: createCloudflareClient({ token: request.token, baseUrl: request.apiBase }) };
    const audit = new PassAudit();
    const connector = new CloudflareConnector(this.ctx, connectorEnv(this.envFor(request)), {
      store: this.approvalStore ??= new ApprovalStore(this.ctx.storage.sql), catalog: catalogLookup, db: this.envFor(request).DB, audit,
      chatId: BENCH_CHAT_ID, requesterId: BENCH_REQUESTER_ID, graphqlSchemas: this.schemas ??= new GraphqlSchemaCache(this.ctx.storage.sql),
      credential: async () => credential, defaults: async () => ({}), deliverCredentials: async () => undefined,
    });
    const outcome = await createCodemodeRuntime({ ctx: this.ctx, executor: this.executor, connectors: [connector], maxExecutions: 200 }).execute({ code: request.code });
    // The read's row is on record before the outcome counts, as in the run owner.
    await audit.settled();
    return outcome;
  }

  /** This Worker's bindings, with D1 behind the requested round trip. */
  private envFor(request: MeasureRequest): SandboxBenchEnv {
    const ms = request.d1LatencyMs ?? 0;
    if (this.latencyEnv?.ms !== ms) this.latencyEnv = { ms, env: { ...this.env, DB: withLatency(this.env.DB, ms) } };
    return this.latencyEnv.env;
  }

  /** The baseline: the bare executor and one host function that fetches the emulator. */
  private runBaseline(request: MeasureRequest) {
    return this.baseline.execute(request.code, [this.plainProvider(request)]);
  }

  /** `cloudflare.read(…)` as one plain host function: GET /zones from the emulator, the envelope's `result` (the zones), as ours returns it. */
  private plainProvider(request: MeasureRequest): ResolvedProvider {
    return {
      name: "cloudflare",
      fns: {
        read: async () => {
          const response = await fetch(`${request.apiBase}/zones`, { headers: { authorization: `Bearer ${request.token}` } });
          return ((await response.json()) as { result: unknown }).result;
        },
      },
    };
  }
}

/**
 * The run owner is typed for the bot's `Env`; of it, it uses `DB` (audit rows) and hands the rest
 * to the connector's `WorkerEntrypoint` base, which stores it. This Worker's env is passed as is.
 */
function connectorEnv(env: SandboxBenchEnv): Env {
  return env as unknown as Env;
}

export default {
  async fetch(request, env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/health") return Response.json({ ok: true });
    if (url.pathname === "/measure" && request.method === "POST") {
      const body = await request.json<MeasureRequest>();
      if (typeof body.apiBase !== "string" || typeof body.token !== "string" || typeof body.code !== "string" || typeof body.runs !== "number" || typeof body.warmup !== "number") {
        return Response.json({ error: "expected { apiBase, token, code, runs, warmup }" }, { status: 400 });
      }
      try {
        return Response.json(await env.SANDBOX_BENCH.getByName("bench").measure(body));
      } catch (error) {
        return Response.json({ error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }, { status: 500 });
      }
    }
    return new Response("not found", { status: 404 });
  },
} satisfies ExportedHandler<SandboxBenchEnv>;
