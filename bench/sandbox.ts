/**
 * `npm run bench -- sandbox [--json] [--runs N] [--approve-runs M] [--warmup W] [--keep-logs]`
 *
 * What one Code Mode snippet costs end to end, against the bare sandbox. Everything runs on
 * 127.0.0.1: the Cloudflare API emulator and the fake Telegram Bot API (both in this process),
 * and two Workers under `wrangler dev`, each bundled first (`wrangler deploy --dry-run`) and
 * served with `--no-bundle`, so the run measures one snapshot of the code.
 *
 * (a) ours / (b) baseline — bench/sandbox-worker/: a Durable Object that runs, in the same
 *     batches and rotating which goes first, `return (await cloudflare.read({ op: "zones.list" })).length`
 *     (a) through codemode's durable runtime facet + durable log + GuardedExecutor (loop guard +
 *         Dynamic Worker) + our `cloudflare` connector (with its D1 audit rows) → the emulator;
 *     (b) through the raw `DynamicWorkerExecutor` with one plain host function fetching the emulator.
 *     For attribution, a third path runs our GuardedExecutor with (b)'s plain host function, and a
 *     fourth codemode's runtime with our connector but without the run owner (no run row, run
 *     record, token lookup or final audit update): what (a) measured up to stop 8.
 *     Timed inside workerd (the clock advances only across I/O; every timed run ends in I/O).
 * (c) approve → result — the real bot Worker: `/cloudflare run` a snippet with one write
 *     (`kv.namespaces.create`), wait for the approval card, deliver the Approve tap (a
 *     callback_query update) to the webhook, and time until the fake Telegram records the
 *     "✅ Done" message. Timed here, in Node (performance.now()).
 *
 * `--d1-latency MS`: every D1 statement of (a) and of the runtime-only path first waits MS, as the
 * round trip from a deployed Worker to D1 would (bench/sandbox-worker/d1-latency.ts). Under
 * `wrangler dev` D1 is SQLite in the same process, so D1 writes done alongside other work save
 * nothing there; this shows what they save where D1 is across the network.
 *
 * Progress goes to stderr; stdout gets the table, or with `--json` exactly one JSON object.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { DEMO_API_TOKEN, startCloudflareEmulator } from "../dev/cloudflare-emulator/server.ts";
import { startFakeTelegram } from "../dev/fake-telegram/server.ts";
import type { RecordedCall } from "../dev/fake-telegram/fake-bot-api.ts";
import { callbackQueryUpdate, privateChat, textMessageUpdate } from "../dev/shared/telegram-updates.ts";
import type { MeasureRequest, MeasureResponse } from "./sandbox-worker/index.ts";
import {
  REPO_ROOT, WRANGLER_BIN, assertPortFree, bundleEntry, freePort, installCleanup, logTail, migrationArgs, removeOnExit,
  runToEnd, startWorkerGroup, stopAll, type Group, runMain,
} from "./support/processes.ts";
import { percentile, round } from "./support/load.ts";
import { intOption } from "./support/cli.ts";

const BOT_TOKEN = "333333:bench-sandbox-token";
const SECRET = "bench-sandbox-secret";
/** The private chat (= user id) the approval rounds run in. */
const USER_ID = 930_001;
const READ_SNIPPET = 'return (await cloudflare.read({ op: "zones.list" })).length';
const writeSnippet = (title: string): string => `return await cloudflare.write({ op: "kv.namespaces.create", body: { title: ${JSON.stringify(title)} } })`;
const READY_TIMEOUT_MS = 120_000;
const BUILD_TIMEOUT_MS = 90_000;
/** Runs per /measure request (progress is reported between batches). */
const BATCH = 50;
const BATCH_TIMEOUT_MS = 300_000;
/** Per approval round: the card, then the result, must come within this. */
const ROUND_TIMEOUT_MS = 30_000;
const APPROVE_WARMUP = 3;

interface Options {
  json: boolean;
  runs: number;
  approveRuns: number;
  warmup: number;
  timeLimitMs: number;
  keepLogs: boolean;
  /** (a) and (b)'s D1 statements wait this long first, as a round trip to D1 from a deployed Worker would. */
  d1LatencyMs: number;
}

function progress(line: string): void {
  process.stderr.write(`[bench sandbox] ${line}\n`);
}

function usage(problem: string): never {
  process.stderr.write(`${problem}
usage: npm run bench -- sandbox [--json] [--runs N=200] [--approve-runs M=20] [--warmup W=20]
         [--d1-latency MS=0] [--time-limit SECONDS=600] [--keep-logs]
`);
  process.exit(2);
}


function readOptions(): Options {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: process.argv.slice(2),
      options: {
        json: { type: "boolean" }, "keep-logs": { type: "boolean" },
        runs: { type: "string" }, "approve-runs": { type: "string" }, warmup: { type: "string" }, "time-limit": { type: "string" }, "d1-latency": { type: "string" },
      },
      strict: true,
    }).values;
  } catch (error) {
    usage(error instanceof Error ? error.message : String(error));
  }
  return {
    json: values.json === true,
    runs: intOption(values, "runs", 200, 1, 100_000, usage),
    approveRuns: intOption(values, "approve-runs", 20, 1, 1000, usage),
    warmup: intOption(values, "warmup", 20, 0, 1000, usage),
    timeLimitMs: intOption(values, "time-limit", 600, 1, 24 * 3600, usage) * 1000,
    keepLogs: values["keep-logs"] === true,
    d1LatencyMs: intOption(values, "d1-latency", 0, 0, 1000, usage),
  };
}

/** p50/p99 of a list of samples. */
function stats(samples: readonly number[]): { p50: number; p99: number; min: number; max: number; mean: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.length === 0 ? Number.NaN : sorted.reduce((sum, ms) => sum + ms, 0) / sorted.length;
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), min: sorted[0] ?? Number.NaN, max: sorted[sorted.length - 1] ?? Number.NaN, mean };
}

/** (a) and (b): batches of /measure against the bench Worker. */
async function measureSandbox(url: string, group: Group, apiBase: string, options: Options, deadline: number) {
  const ours: number[] = [];
  const baseline: number[] = [];
  const guardOnly: number[] = [];
  const runtimeOnly: number[] = [];
  const errors: string[] = [];
  let failures = 0;
  let wholeMilliseconds = true;
  let oursResult: unknown;
  let baselineResult: unknown;
  const post = async (body: MeasureRequest): Promise<MeasureResponse> => {
    const response = await fetch(`${url}/measure`, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(BATCH_TIMEOUT_MS),
    }).catch((error: unknown) => {
      throw new Error(`/measure failed: ${error instanceof Error ? error.message : String(error)}\n${logTail(group.logPath)}`);
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`/measure answered HTTP ${response.status}: ${text.slice(0, 500)}\n${logTail(group.logPath)}`);
    return JSON.parse(text) as MeasureResponse;
  };
  const base = { apiBase, token: DEMO_API_TOKEN, code: READ_SNIPPET, d1LatencyMs: options.d1LatencyMs };
  const warm = await post({ ...base, runs: 0, warmup: Math.max(1, options.warmup) });
  failures += warm.failures;
  errors.push(...warm.errors);
  progress(`(a)/(b) warmed up with ${Math.max(1, options.warmup)} runs of each${warm.failures ? `; ${warm.failures} failed, e.g. ${warm.errors[0] ?? "?"}` : ""}`);
  for (let done = 0; done < options.runs;) {
    if (Date.now() > deadline) throw new Error(`time limit reached after ${done} of ${options.runs} runs`);
    const runs = Math.min(BATCH, options.runs - done);
    const batch = await post({ ...base, runs, warmup: 0 });
    ours.push(...batch.oursMs);
    baseline.push(...batch.baselineMs);
    guardOnly.push(...batch.guardOnlyMs);
    runtimeOnly.push(...batch.runtimeOnlyMs);
    failures += batch.failures;
    if (errors.length < 5) errors.push(...batch.errors.slice(0, 5 - errors.length));
    wholeMilliseconds &&= batch.wholeMilliseconds;
    oursResult = batch.oursResult;
    baselineResult = batch.baselineResult;
    done += runs;
    const o = stats(batch.oursMs);
    const b = stats(batch.baselineMs);
    progress(`(a)/(b) ${done}/${options.runs}: ours p50 ${o.p50.toFixed(2)} ms, baseline p50 ${b.p50.toFixed(2)} ms${batch.failures ? `, ${batch.failures} failed` : ""}`);
  }
  if (ours.length === 0 || baseline.length === 0) throw new Error(`no successful timed runs (${failures} failed), e.g. ${errors.join("; ") || "?"}`);
  return { ours, baseline, guardOnly, runtimeOnly, failures, errors, wholeMilliseconds, oursResult, baselineResult };
}

/** Builds Telegram updates from one user in their private chat. */
class Updates {
  private nextUpdateId = 500_000;
  private nextMessageId = 1;
  private readonly from = { id: USER_ID, is_bot: false, first_name: "Bench", username: "bench_user" } as const;

  text(text: string): string {
    return JSON.stringify(textMessageUpdate({ updateId: this.nextUpdateId++, messageId: this.nextMessageId++, chat: privateChat(this.from), from: this.from, text }));
  }

  tap(data: string, messageId: number): string {
    const updateId = this.nextUpdateId++;
    return JSON.stringify(callbackQueryUpdate({
      updateId, queryId: `bench-cbq-${updateId}`, from: this.from, chatInstance: "bench-ci",
      chat: { id: USER_ID, type: "private" }, messageId, messageText: "card", data,
    }));
  }
}

/** The Approve button's callback_data on a recorded sendMessage, if it is an approval card. */
function approveData(call: RecordedCall): string | undefined {
  let markup = call.params.reply_markup;
  if (typeof markup === "string") {
    try {
      markup = JSON.parse(markup) as unknown;
    } catch {
      return undefined;
    }
  }
  const rows = (markup as { inline_keyboard?: unknown } | undefined)?.inline_keyboard;
  if (!Array.isArray(rows)) return undefined;
  for (const row of rows) {
    if (!Array.isArray(row)) continue;
    for (const button of row) {
      const data = (button as { callback_data?: unknown }).callback_data;
      if (typeof data === "string" && data.startsWith("ap:")) return data;
    }
  }
  return undefined;
}

const inChat = (call: RecordedCall): boolean => Number(call.params.chat_id) === USER_ID && call.token === BOT_TOKEN;
const sentText = (call: RecordedCall): string => (call.method === "sendMessage" && call.ok ? String(call.params.text ?? "") : "");
const isFailureText = (text: string): boolean => text.startsWith("⚠️");

/** Waits for the first recorded call (from now on) that `pick` accepts; `fail` ends the wait with an error. */
function nextCall<T>(fake: Awaited<ReturnType<typeof startFakeTelegram>>, pick: (call: RecordedCall) => T | undefined, what: string): { promise: Promise<{ value: T; at: number }>; cancel: () => void } {
  let cancel = (): void => undefined;
  const promise = new Promise<{ value: T; at: number }>((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no ${what} within ${ROUND_TIMEOUT_MS / 1000} s`));
    }, ROUND_TIMEOUT_MS);
    const stop = fake.api.onCall((call) => {
      if (!inChat(call)) return;
      const text = sentText(call);
      if (isFailureText(text)) {
        clearTimeout(timer);
        stop();
        reject(new Error(`the bot answered instead of ${what}: ${text.slice(0, 300)}`));
        return;
      }
      const value = pick(call);
      if (value === undefined) return;
      const at = performance.now();
      clearTimeout(timer);
      stop();
      resolve({ value, at });
    });
    cancel = () => {
      clearTimeout(timer);
      stop();
    };
  });
  return { promise, cancel };
}

async function post(url: string, body: string): Promise<void> {
  const response = await fetch(url, {
    method: "POST", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET }, body, signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`webhook answered HTTP ${response.status}: ${text.slice(0, 300)}`);
}

/** (c): approve → result, `rounds` timed after a few untimed. */
async function measureApprovals(webhook: string, fake: Awaited<ReturnType<typeof startFakeTelegram>>, group: Group, rounds: number, deadline: number) {
  const updates = new Updates();
  const samples: number[] = [];
  const cardSamples: number[] = [];
  const tag = `${process.pid}-${Date.now().toString(36)}`;
  for (let i = 0; i < APPROVE_WARMUP + rounds; i++) {
    if (Date.now() > deadline) throw new Error(`time limit reached after ${samples.length} of ${rounds} approval rounds`);
    if (group.hasExited()) throw new Error(`the bot Worker exited\n${logTail(group.logPath)}`);
    const timed = i >= APPROVE_WARMUP;
    const card = nextCall(fake, (call) => {
      const data = sentText(call) ? approveData(call) : undefined;
      return data === undefined ? undefined : { data, messageId: (call.result as { message_id: number }).message_id };
    }, "approval card");
    const sentRun = performance.now();
    try {
      await post(webhook, updates.text(`/cloudflare run ${writeSnippet(`bench-${tag}-${i}`)}`));
    } catch (error) {
      card.cancel();
      throw error;
    }
    const { value: shown, at: cardAt } = await card.promise;
    const done = nextCall(fake, (call) => (sentText(call).startsWith("✅ Done") ? true : undefined), "\"✅ Done\" message");
    const tapped = performance.now();
    try {
      await post(webhook, updates.tap(shown.data, shown.messageId));
    } catch (error) {
      done.cancel();
      throw error;
    }
    const { at: doneAt } = await done.promise;
    if (timed) {
      samples.push(doneAt - tapped);
      cardSamples.push(cardAt - sentRun);
    }
    progress(`(c) ${timed ? `round ${samples.length}/${rounds}` : `warm-up ${i + 1}/${APPROVE_WARMUP}`}: card in ${(cardAt - sentRun).toFixed(1)} ms, approve → result ${(doneAt - tapped).toFixed(1)} ms`);
  }
  return { samples, cardSamples };
}

async function main(): Promise<void> {
  const options = readOptions();
  installCleanup(progress);
  const deadline = Date.now() + options.timeLimitMs;
  const dir = mkdtempSync(join(tmpdir(), "bench-sandbox-"));
  if (!options.keepLogs) removeOnExit(dir);
  const emptyEnv = join(dir, "empty.env"); // keeps any local .dev.vars out of the run
  writeFileSync(emptyEnv, "");

  const emulator = await startCloudflareEmulator();
  const fake = await startFakeTelegram();
  progress(`Cloudflare API emulator on ${emulator.url}, fake Telegram on ${fake.url}; logs and state in ${dir}`);

  const benchPort = await freePort();
  const botPort = await freePort();
  await assertPortFree(benchPort, "bench sandbox Worker");
  await assertPortFree(botPort, "bot Worker");
  const inspectorPorts = [await freePort(), await freePort()] as const;
  const benchConfig = `${REPO_ROOT}bench/sandbox-worker/wrangler.toml`;
  const botConfig = `${REPO_ROOT}wrangler.toml`;
  const benchState = join(dir, "bench-state");
  const botState = join(dir, "bot-state");

  progress("bundling both Workers (wrangler deploy --dry-run) and applying D1 migrations (local)…");
  const build = (name: string, config: string, outdir: string) => runToEnd({
    name: `wrangler deploy --dry-run (${name})`, logPath: join(dir, `build-${name}.log`), env: { CI: "1" },
    args: [WRANGLER_BIN, "deploy", "--dry-run", "--config", config, "--outdir", outdir],
  }, BUILD_TIMEOUT_MS);
  const migrate = (name: string, config: string, persistTo: string) => runToEnd({
    name: `D1 migrations (${name})`, logPath: join(dir, `migrations-${name}.log`), env: { CI: "1" }, args: migrationArgs(config, persistTo),
  }, BUILD_TIMEOUT_MS);
  await Promise.all([
    build("bench", benchConfig, join(dir, "bench-dist")),
    build("bot", botConfig, join(dir, "bot-dist")),
    migrate("bench", benchConfig, benchState),
    migrate("bot", botConfig, botState),
  ]);

  progress(`starting wrangler dev: bench sandbox Worker on :${benchPort}, bot on :${botPort}…`);
  const devEnv = {
    CLOUDFLARE_INCLUDE_PROCESS_ENV: "false", WRANGLER_CI_DISABLE_CONFIG_WATCHING: "true", WRANGLER_LOG_PATH: join(dir, "wrangler-logs"),
  };
  const common = { local: true, envFiles: [emptyEnv], env: devEnv, readyTimeoutMs: READY_TIMEOUT_MS };
  const [bench, bot] = await Promise.all([
    startWorkerGroup("wrangler dev (bench sandbox Worker)", {
      ...common, config: benchConfig, bundle: bundleEntry(join(dir, "bench-dist")), port: benchPort, inspectorPort: inspectorPorts[0],
      persistTo: benchState, logPath: join(dir, "bench.log"),
    }),
    startWorkerGroup("wrangler dev (bot Worker)", {
      ...common, config: botConfig, bundle: bundleEntry(join(dir, "bot-dist")), port: botPort, inspectorPort: inspectorPorts[1],
      persistTo: botState, logPath: join(dir, "bot.log"),
      vars: {
        TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET: SECRET, ALLOWED_USER_IDS: String(USER_ID), TELEGRAM_API_ROOT: fake.url,
        CLOUDFLARE_API_TOKEN: DEMO_API_TOKEN, CLOUDFLARE_API_BASE: emulator.apiBase,
      },
    }),
  ]);
  const benchGroup = bench.group;
  const botGroup = bot.group;
  progress(`process groups: bench ${benchGroup.pid}, bot ${botGroup.pid}`);
  const benchUrl = bench.url;
  progress(`ready: bench Worker in ${(bench.readyMs / 1000).toFixed(1)} s, bot in ${(bot.readyMs / 1000).toFixed(1)} s`);
  const loadBefore = loadavg()[0] ?? 0;
  const cpus = availableParallelism();
  if (loadBefore > cpus) progress(`warning: load average ${loadBefore.toFixed(1)} on ${cpus} CPUs; other work on this machine will make the timings noisy`);

  const sandbox = await measureSandbox(benchUrl, benchGroup, emulator.apiBase, options, deadline);
  const approvals = await measureApprovals(`${bot.url}/telegram`, fake, botGroup, options.approveRuns, deadline);

  const o = stats(sandbox.ours);
  const b = stats(sandbox.baseline);
  const g = stats(sandbox.guardOnly);
  const r = stats(sandbox.runtimeOnly);
  const a = stats(approvals.samples);
  const c = stats(approvals.cardSamples);
  const result = {
    runs: options.runs,
    d1LatencyMs: options.d1LatencyMs,
    p50Ms: round(o.p50),
    p99Ms: round(o.p99),
    baselineP50Ms: round(b.p50),
    baselineP99Ms: round(b.p99),
    ratioP50: round(o.p50 / b.p50),
    approveToResultP50Ms: round(a.p50),
    approveToResultP99Ms: round(a.p99),
    approveRuns: options.approveRuns,
    runToCardP50Ms: round(c.p50),
    ratioP99: round(o.p99 / b.p99),
    meanMs: round(o.mean),
    baselineMeanMs: round(b.mean),
    ratioMean: round(o.mean / b.mean),
    guardOnlyP50Ms: round(g.p50),
    guardOnlyP99Ms: round(g.p99),
    guardOnlyMeanMs: round(g.mean),
    runtimeOnlyP50Ms: round(r.p50),
    runtimeOnlyP99Ms: round(r.p99),
    runtimeOnlyMeanMs: round(r.mean),
    runtimeOnlyRatioP50: round(r.p50 / b.p50),
    minMs: round(o.min),
    maxMs: round(o.max),
    baselineMinMs: round(b.min),
    baselineMaxMs: round(b.max),
    timedRuns: sandbox.ours.length,
    baselineTimedRuns: sandbox.baseline.length,
    warmupRuns: Math.max(1, options.warmup),
    approveWarmupRuns: APPROVE_WARMUP,
    failedRuns: sandbox.failures,
    errors: sandbox.errors,
    result: sandbox.oursResult,
    baselineResult: sandbox.baselineResult,
    clock: "(a)/(b) timed inside workerd, where performance.now() advances only across I/O, in whole ms: every timed run ends in I/O, so a timing covers the run up to its last I/O; (c) timed in Node",
    workerdClockWholeMs: sandbox.wholeMilliseconds,
    cpus,
    loadAvgBefore: round(loadBefore),
    loadAvgAfter: round(loadavg()[0] ?? 0),
  };
  if (sandbox.failures > 0) progress(`${sandbox.failures} runs failed, e.g. ${sandbox.errors.join("; ")}`);

  progress("stopping wrangler dev…");
  await stopAll();
  await Promise.all([fake.close(), emulator.close()]);

  process.stdout.write(options.json ? `${JSON.stringify(result)}\n` : table(result));
  if (options.keepLogs) progress(`kept logs and state in ${dir}`);
}

function table(r: {
  runs: number; d1LatencyMs: number; p50Ms: number; p99Ms: number; baselineP50Ms: number; baselineP99Ms: number; ratioP50: number; ratioP99: number;
  minMs: number; maxMs: number; baselineMinMs: number; baselineMaxMs: number; approveToResultP50Ms: number; approveToResultP99Ms: number;
  approveRuns: number; runToCardP50Ms: number; failedRuns: number; warmupRuns: number; workerdClockWholeMs: boolean; result: unknown; baselineResult: unknown;
  meanMs: number; baselineMeanMs: number; ratioMean: number; guardOnlyP50Ms: number; guardOnlyP99Ms: number; guardOnlyMeanMs: number;
  runtimeOnlyP50Ms: number; runtimeOnlyP99Ms: number; runtimeOnlyMeanMs: number; runtimeOnlyRatioP50: number;
  cpus: number; loadAvgBefore: number; loadAvgAfter: number;
}): string {
  const rows: string[][] = [
    ["", "p50 ms", "p99 ms", "mean ms", "min ms", "max ms"],
    ["(b) baseline: bare DynamicWorkerExecutor + fetch", r.baselineP50Ms.toFixed(2), r.baselineP99Ms.toFixed(2), r.baselineMeanMs.toFixed(2), r.baselineMinMs.toFixed(2), r.baselineMaxMs.toFixed(2)],
    ["(a) ours: run owner + runtime + log + guard + connector", r.p50Ms.toFixed(2), r.p99Ms.toFixed(2), r.meanMs.toFixed(2), r.minMs.toFixed(2), r.maxMs.toFixed(2)],
    ["(for attribution) GuardedExecutor + same fetch", r.guardOnlyP50Ms.toFixed(2), r.guardOnlyP99Ms.toFixed(2), r.guardOnlyMeanMs.toFixed(2), "", ""],
    ["(for attribution) runtime + connector, no run owner", r.runtimeOnlyP50Ms.toFixed(2), r.runtimeOnlyP99Ms.toFixed(2), r.runtimeOnlyMeanMs.toFixed(2), "", ""],
    ["ratio (ours / baseline)", `${r.ratioP50.toFixed(2)}×`, `${r.ratioP99.toFixed(2)}×`, `${r.ratioMean.toFixed(2)}×`, "", ""],
    ["ratio (runtime + connector / baseline)", `${r.runtimeOnlyRatioP50.toFixed(2)}×`, "", "", "", ""],
  ];
  const widths = [0, 1, 2, 3, 4, 5].map((col) => Math.max(...rows.map((row) => row[col]?.length ?? 0)));
  const line = (row: readonly string[]): string => row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col] ?? 0) : cell.padStart(widths[col] ?? 0))).join("   ");
  return [
    `Sandbox: one read snippet, ${r.runs} timed runs of each path (after ${r.warmupRuns} warm-up), rotating order, Cloudflare API emulator on loopback${r.d1LatencyMs > 0 ? `, D1 round trip ${r.d1LatencyMs} ms` : ""}`,
    `  ${READ_SNIPPET}  →  ours ${JSON.stringify(r.result)}, baseline ${JSON.stringify(r.baselineResult)}; failed runs: ${r.failedRuns}`,
    "",
    ...rows.map(line),
    "",
    `(c) Approve tap → "✅ Done" at the fake Telegram (bot Worker, kv.namespaces.create): p50 ${r.approveToResultP50Ms.toFixed(1)} ms, p99 ${r.approveToResultP99Ms.toFixed(1)} ms over ${r.approveRuns} rounds (after ${APPROVE_WARMUP} warm-up); /cloudflare run → card p50 ${r.runToCardP50Ms.toFixed(1)} ms`,
    `Clock: (a)/(b) are timed inside workerd, where performance.now() advances only across I/O; every run ends in I/O, so each`,
    `  timing covers the run up to its last I/O.${r.workerdClockWholeMs ? " workerd's clock steps in whole milliseconds, so p50/p99 are whole ms; the mean is finer." : ""} (c) is timed in Node.`,
    `Machine: ${r.cpus} CPUs, load average ${r.loadAvgBefore.toFixed(1)} before / ${r.loadAvgAfter.toFixed(1)} after (timings are noisy when it exceeds the CPUs)`,
    "",
  ].join("\n");
}

runMain(main, progress);
