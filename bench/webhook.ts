/**
 * `npm run bench -- webhook [--json] [--updates N] [--concurrency C] [--chats K] [--rounds R]`
 *
 * Compares the webhook's time-to-200 with a bare grammY webhook Worker, and checks that every
 * accepted update gets exactly one reply. Everything runs on 127.0.0.1:
 * - the fake Telegram Bot API (in this process), which records every reply;
 * - our Worker under `wrangler dev` (local mode, fresh `--persist-to`, D1 migrations applied);
 * - the baseline (bench/baseline-worker/) under its own `wrangler dev`: grammY's "cloudflare-mod"
 *   adapter, answering /start with `ctx.reply` inside the request.
 * Both are bundled first (`wrangler deploy --dry-run --outdir`) and served with `--no-bundle`, so
 * the run measures one snapshot of the code: `wrangler dev` would otherwise rebuild and reload
 * (answering 503 meanwhile) whenever someone saves a source file during the run.
 *
 * Both get the same `/start` updates from private chats at the same concurrency, warmed up first,
 * measured in alternating rounds (baseline/ours, then ours/baseline…), and after each of our
 * rounds the bench waits for our inbox to reply before going on, so our background work does not
 * slow the baseline's next round. A sample of our updates is then delivered again (same update_id)
 * twice: once at once (originals possibly still queued) and once after they were answered.
 *
 * Attribution: `/start` makes exactly one sendMessage in its chat, so per chat the replies must
 * equal the distinct update_ids delivered there. lost = Σ max(0, expected − replies),
 * duplicated = Σ max(0, replies − expected). Progress goes to stderr; stdout gets the table, or
 * with `--json` exactly one JSON object.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startFakeTelegram } from "../dev/fake-telegram/server.ts";
import type { RecordedCall } from "../dev/fake-telegram/fake-bot-api.ts";
import {
  REPO_ROOT, WRANGLER_BIN, assertPortFree, bundleEntry, freePort, installCleanup, logTail, migrationArgs, removeOnExit,
  runToEnd, sleep, startWorkerGroup, stopAll, type Group, runMain,
} from "./support/processes.ts";
import {
  UpdateFactory, deliverAll, percentile, round, type Delivery, type DeliveryResult, type Target,
} from "./support/load.ts";
import { intOption } from "./support/cli.ts";

const OURS_TOKEN = "111111:bench-ours-token";
const BASELINE_TOKEN = "222222:bench-baseline-token";
const SECRET = "bench-webhook-secret";
/** Private chats (= user ids) of our Worker's updates; all allowed. The baseline's are disjoint. */
const OURS_FIRST_CHAT = 710_001;
const BASELINE_FIRST_CHAT = 820_001;
const READY_TIMEOUT_MS = 120_000;
const BUILD_TIMEOUT_MS = 90_000;
const REQUEST_TIMEOUT_MS = 15_000;
/** After the last expected reply, how long to keep watching for late duplicates. */
const SETTLE_MS = 2_000;

interface Options {
  json: boolean;
  updates: number;
  concurrency: number;
  chats: number;
  rounds: number;
  port: number | undefined;
  baselinePort: number | undefined;
  drainTimeoutMs: number;
  timeLimitMs: number;
  keepLogs: boolean;
}

function progress(line: string): void {
  process.stderr.write(`[bench webhook] ${line}\n`);
}

function usage(problem: string): never {
  process.stderr.write(`${problem}
usage: npm run bench -- webhook [--json] [--updates N=2000] [--concurrency C=20] [--chats K=30]
         [--rounds R=2] [--port P] [--baseline-port P] [--drain-timeout SECONDS=60]
         [--time-limit SECONDS=600] [--keep-logs]
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
        updates: { type: "string" }, concurrency: { type: "string" }, chats: { type: "string" },
        rounds: { type: "string" }, port: { type: "string" }, "baseline-port": { type: "string" },
        "drain-timeout": { type: "string" }, "time-limit": { type: "string" },
      },
      strict: true,
    }).values;
  } catch (error) {
    usage(error instanceof Error ? error.message : String(error));
  }
  const updates = intOption(values, "updates", 2000, 1, 1_000_000, usage);
  return {
    json: values.json === true,
    updates,
    concurrency: intOption(values, "concurrency", 20, 1, 1000, usage),
    chats: intOption(values, "chats", 30, 1, 10_000, usage),
    rounds: Math.min(updates, intOption(values, "rounds", 2, 1, 100, usage)),
    port: values.port === undefined ? undefined : intOption(values, "port", 0, 1, 65535, usage),
    baselinePort: values["baseline-port"] === undefined ? undefined : intOption(values, "baseline-port", 0, 1, 65535, usage),
    drainTimeoutMs: intOption(values, "drain-timeout", 60, 1, 3600, usage) * 1000,
    timeLimitMs: intOption(values, "time-limit", 600, 1, 24 * 3600, usage) * 1000,
    keepLogs: values["keep-logs"] === true,
  };
}

/** One Worker under test: its process, target and what it was sent. */
interface Subject {
  label: string;
  group: Group;
  target: Target;
  token: string;
  chatIds: number[];
  /** Every update_id delivered (warm-up, measured, re-delivered), by chat. */
  sent: Map<number, Set<number>>;
  timed: DeliveryResult[];
  wallMs: number;
  errors: DeliveryResult[];
}

function record(subject: Subject, deliveries: readonly Delivery[], results: readonly DeliveryResult[], timed: boolean): void {
  for (const d of deliveries) {
    let set = subject.sent.get(d.chatId);
    if (!set) subject.sent.set(d.chatId, (set = new Set()));
    set.add(d.updateId);
  }
  for (const r of results) {
    if (r.status !== 200) subject.errors.push(r);
    if (timed) subject.timed.push(r);
  }
}

/** Replies (successful sendMessage calls) per chat recorded by the fake for `token`. */
function repliesByChat(calls: readonly RecordedCall[], token: string): { byChat: Map<number, number>; other: number } {
  const byChat = new Map<number, number>();
  let other = 0;
  for (const call of calls) {
    if (call.token !== token) continue;
    if (call.method !== "sendMessage" || !call.ok) {
      other++;
      continue;
    }
    const chat = Number(call.params.chat_id);
    byChat.set(chat, (byChat.get(chat) ?? 0) + 1);
  }
  return { byChat, other };
}

interface Tally {
  expected: number;
  replies: number;
  lost: number;
  duplicated: number;
  /** Bot API calls other than successful sendMessage (failed calls, other methods). */
  otherCalls: number;
}

function tally(subject: Subject, calls: readonly RecordedCall[]): Tally {
  const { byChat, other } = repliesByChat(calls, subject.token);
  let expected = 0, replies = 0, lost = 0, duplicated = 0;
  const chats = new Set([...subject.sent.keys(), ...byChat.keys()]);
  for (const chat of chats) {
    const want = subject.sent.get(chat)?.size ?? 0;
    const got = byChat.get(chat) ?? 0;
    expected += want;
    replies += got;
    lost += Math.max(0, want - got);
    duplicated += Math.max(0, got - want);
  }
  return { expected, replies, lost, duplicated, otherCalls: other };
}

/** Waits until the fake has at least the expected replies for `subject`, or `timeoutMs` passes. */
async function waitForReplies(subject: Subject, calls: readonly RecordedCall[], timeoutMs: number): Promise<{ ms: number; complete: boolean }> {
  const started = Date.now();
  for (;;) {
    const t = tally(subject, calls);
    if (t.lost === 0) return { ms: Date.now() - started, complete: true };
    if (Date.now() - started > timeoutMs) return { ms: Date.now() - started, complete: false };
    if (subject.group.hasExited()) throw new Error(`${subject.label} exited while replies were pending\n${logTail(subject.group.logPath)}`);
    await sleep(50);
  }
}

function summary(results: readonly DeliveryResult[]): { p50: number; p99: number } {
  const ok = results.filter((r) => r.status === 200).map((r) => r.ms).sort((a, b) => a - b);
  return { p50: percentile(ok, 50), p99: percentile(ok, 99) };
}

async function main(): Promise<void> {
  const options = readOptions();
  installCleanup(progress);
  const dir = mkdtempSync(join(tmpdir(), "bench-webhook-"));
  if (!options.keepLogs) removeOnExit(dir);
  const emptyEnv = join(dir, "empty.env"); // keeps any local .dev.vars out of the run
  writeFileSync(emptyEnv, "");

  const fake = await startFakeTelegram();
  progress(`fake Telegram on ${fake.url}; logs and state in ${dir}`);

  const oursPort = options.port ?? await freePort();
  const baselinePort = options.baselinePort ?? await freePort();
  if (oursPort === baselinePort) usage("--port and --baseline-port must differ");
  await assertPortFree(oursPort, options.port === undefined ? "our Worker" : "our Worker, --port");
  await assertPortFree(baselinePort, options.baselinePort === undefined ? "baseline Worker" : "baseline Worker, --baseline-port");
  const inspectorPorts = [await freePort(), await freePort()] as const;

  const oursChats = Array.from({ length: options.chats }, (_, i) => OURS_FIRST_CHAT + i);
  const baselineChats = Array.from({ length: options.chats }, (_, i) => BASELINE_FIRST_CHAT + i);
  const oursState = join(dir, "ours-state");
  const oursConfig = `${REPO_ROOT}wrangler.toml`;
  const baselineConfig = `${REPO_ROOT}bench/baseline-worker/wrangler.toml`;
  progress("bundling both Workers (wrangler deploy --dry-run) and applying D1 migrations (local)…");
  const build = (name: string, config: string, outdir: string) => runToEnd({
    name: `wrangler deploy --dry-run (${name})`, logPath: join(dir, `build-${name}.log`), env: { CI: "1" },
    args: [WRANGLER_BIN, "deploy", "--dry-run", "--config", config, "--outdir", outdir],
  }, BUILD_TIMEOUT_MS);
  await Promise.all([
    build("ours", oursConfig, join(dir, "ours-dist")),
    build("baseline", baselineConfig, join(dir, "baseline-dist")),
    runToEnd({ name: "D1 migrations", logPath: join(dir, "migrations.log"), env: { CI: "1" }, args: migrationArgs(oursConfig, oursState) }, BUILD_TIMEOUT_MS),
  ]);

  progress(`starting wrangler dev: ours on :${oursPort}, baseline on :${baselinePort}…`);
  const devEnv = {
    CLOUDFLARE_INCLUDE_PROCESS_ENV: "false", WRANGLER_CI_DISABLE_CONFIG_WATCHING: "true", WRANGLER_LOG_PATH: join(dir, "wrangler-logs"),
  };
  const common = { local: true, envFiles: [emptyEnv], env: devEnv, readyTimeoutMs: READY_TIMEOUT_MS };
  const [oursDev, baselineDev] = await Promise.all([
    startWorkerGroup("wrangler dev (our Worker)", {
      ...common, config: oursConfig, bundle: bundleEntry(join(dir, "ours-dist")), port: oursPort, inspectorPort: inspectorPorts[0],
      persistTo: oursState, logPath: join(dir, "ours.log"),
      vars: { TELEGRAM_BOT_TOKEN: OURS_TOKEN, TELEGRAM_WEBHOOK_SECRET: SECRET, ALLOWED_USER_IDS: oursChats.join(","), TELEGRAM_API_ROOT: fake.url },
    }),
    startWorkerGroup("wrangler dev (baseline Worker)", {
      ...common, config: baselineConfig, bundle: bundleEntry(join(dir, "baseline-dist")), port: baselinePort, inspectorPort: inspectorPorts[1],
      persistTo: join(dir, "baseline-state"), logPath: join(dir, "baseline.log"),
      vars: { BOT_TOKEN: BASELINE_TOKEN, WEBHOOK_SECRET: SECRET, API_ROOT: fake.url },
    }),
  ]);
  const oursGroup = oursDev.group;
  const baselineGroup = baselineDev.group;
  progress(`process groups: ours ${oursGroup.pid}, baseline ${baselineGroup.pid}`);
  progress(`ready: ours in ${(oursDev.readyMs / 1000).toFixed(1)} s, baseline in ${(baselineDev.readyMs / 1000).toFixed(1)} s`);

  const ours: Subject = {
    label: "our Worker", group: oursGroup, token: OURS_TOKEN, chatIds: oursChats, sent: new Map(), timed: [], wallMs: 0, errors: [],
    target: { url: `http://127.0.0.1:${oursPort}/telegram`, secret: SECRET },
  };
  const baseline: Subject = {
    label: "baseline Worker", group: baselineGroup, token: BASELINE_TOKEN, chatIds: baselineChats, sent: new Map(), timed: [], wallMs: 0, errors: [],
    target: { url: `http://127.0.0.1:${baselinePort}/telegram`, secret: SECRET },
  };
  const loadBefore = loadavg()[0] ?? 0;
  const cpus = availableParallelism();
  if (loadBefore > cpus) progress(`warning: load average ${loadBefore.toFixed(1)} on ${cpus} CPUs; other work on this machine will make the timings noisy`);
  const factory = new UpdateFactory(100_000);
  const deadline = Date.now() + options.timeLimitMs;
  const limits = { concurrency: options.concurrency, requestTimeoutMs: REQUEST_TIMEOUT_MS, deadline };

  // Warm-up (untimed): one update per chat (creates every chat's Durable Object) and a few more.
  const warmCount = options.chats + Math.min(2 * options.concurrency, 50);
  for (const subject of [baseline, ours]) {
    const deliveries = factory.batch(warmCount, subject.chatIds);
    const { results } = await deliverAll(subject.target, deliveries, limits);
    record(subject, deliveries, results, false);
  }
  const warmDrain = await waitForReplies(ours, fake.api.calls, options.drainTimeoutMs);
  progress(`warmed up with ${warmCount} updates each; our replies ${warmDrain.complete ? "arrived" : "did NOT all arrive"} in ${warmDrain.ms} ms`);
  if (ours.errors.length > 0 || baseline.errors.length > 0) {
    const first = ours.errors[0] ?? baseline.errors[0];
    progress(`warm-up had ${ours.errors.length + baseline.errors.length} failed requests, e.g. ${first?.error ?? "?"}`);
  }

  // Measured rounds, alternating which Worker goes first.
  let drainMs = 0;
  let drainComplete = true;
  const perRound = Math.ceil(options.updates / options.rounds);
  let lastOurs: Delivery[] = [];
  for (let roundIndex = 0, remaining = options.updates; remaining > 0; roundIndex++) {
    const count = Math.min(perRound, remaining);
    remaining -= count;
    const order = roundIndex % 2 === 0 ? [baseline, ours] : [ours, baseline];
    for (const subject of order) {
      const deliveries = factory.batch(count, subject.chatIds);
      const { results, wallMs } = await deliverAll(subject.target, deliveries, limits);
      record(subject, deliveries, results, true);
      subject.wallMs += wallMs;
      const s = summary(results);
      progress(`round ${roundIndex + 1}: ${subject.label}: ${count} updates in ${(wallMs / 1000).toFixed(2)} s, p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms${results.some((r) => r.status !== 200) ? `, ${results.filter((r) => r.status !== 200).length} failed` : ""}`);
      if (subject === ours) {
        lastOurs = deliveries;
        if (remaining > 0 || order[1] === baseline) {
          const drain = await waitForReplies(ours, fake.api.calls, options.drainTimeoutMs);
          drainMs = Math.max(drainMs, drain.ms);
          drainComplete &&= drain.complete;
        }
      }
    }
  }

  // Re-deliveries of our updates (same update_id, same body): must be acknowledged, never answered again.
  const sampleSize = Math.min(lastOurs.length, Math.max(5, Math.min(50, Math.round(options.updates * 0.05))));
  const step = lastOurs.length / Math.max(1, sampleSize);
  const sample = Array.from({ length: sampleSize }, (_, i) => lastOurs[Math.floor(i * step)] as Delivery);
  const redeliveryFailures: DeliveryResult[] = [];
  const early = await deliverAll(ours.target, sample, limits);
  redeliveryFailures.push(...early.results.filter((r) => r.status !== 200));
  const drain = await waitForReplies(ours, fake.api.calls, options.drainTimeoutMs);
  drainMs = Math.max(drainMs, drain.ms);
  drainComplete &&= drain.complete;
  const late = await deliverAll(ours.target, sample, limits);
  redeliveryFailures.push(...late.results.filter((r) => r.status !== 200));
  progress(`re-delivered ${sample.length} updates twice; waiting ${SETTLE_MS} ms for any late or duplicate replies…`);
  await sleep(SETTLE_MS);

  const oursTally = tally(ours, fake.api.calls);
  const baselineTally = tally(baseline, fake.api.calls);
  const o = summary(ours.timed);
  const b = summary(baseline.timed);
  const oursOk = ours.timed.filter((r) => r.status === 200).length;
  const baselineOk = baseline.timed.filter((r) => r.status === 200).length;
  const result = {
    updates: options.updates,
    concurrency: options.concurrency,
    p50Ms: round(o.p50),
    p99Ms: round(o.p99),
    baselineP50Ms: round(b.p50),
    baselineP99Ms: round(b.p99),
    ratioP99: round(o.p99 / b.p99),
    lost: oursTally.lost,
    duplicated: oursTally.duplicated,
    ratioP50: round(o.p50 / b.p50),
    updatesPerSec: round(oursOk / (ours.wallMs / 1000), 1),
    baselineUpdatesPerSec: round(baselineOk / (baseline.wallMs / 1000), 1),
    chats: options.chats,
    rounds: options.rounds,
    warmupUpdates: warmCount,
    failedRequests: ours.errors.length,
    baselineFailedRequests: baseline.errors.length,
    redelivered: sample.length * 2,
    redeliveryFailures: redeliveryFailures.length,
    expectedReplies: oursTally.expected,
    replies: oursTally.replies,
    otherBotApiCalls: oursTally.otherCalls,
    maxDrainMs: drainMs,
    drainComplete,
    baselineLost: baselineTally.lost,
    baselineDuplicated: baselineTally.duplicated,
    cpus,
    loadAvgBefore: round(loadBefore),
    loadAvgAfter: round(loadavg()[0] ?? 0),
  };

  const failures = [...ours.errors, ...baseline.errors, ...redeliveryFailures];
  if (failures.length > 0) progress(`${failures.length} requests did not get a 200, e.g. ${failures.slice(0, 3).map((f) => `#${f.updateId}: ${f.error ?? f.status}`).join("; ")}`);
  if (!drainComplete) progress(`our replies were still missing after ${options.drainTimeoutMs / 1000} s; see ${options.keepLogs ? join(dir, "ours.log") : "--keep-logs"}`);

  progress("stopping wrangler dev…");
  await stopAll();
  await fake.close();

  if (options.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    process.stdout.write(table(result));
  }
  if (options.keepLogs) progress(`kept logs and state in ${dir}`);
}

function table(r: {
  updates: number; concurrency: number; chats: number; rounds: number; p50Ms: number; p99Ms: number; baselineP50Ms: number; baselineP99Ms: number;
  ratioP50: number; ratioP99: number; updatesPerSec: number; baselineUpdatesPerSec: number; failedRequests: number; baselineFailedRequests: number;
  lost: number; duplicated: number; expectedReplies: number; replies: number; redelivered: number; redeliveryFailures: number; maxDrainMs: number;
  otherBotApiCalls: number; baselineLost: number; cpus: number; loadAvgBefore: number; loadAvgAfter: number;
}): string {
  const rows: string[][] = [
    ["", "p50 ms", "p99 ms", "updates/s", "non-200"],
    ["baseline (bare grammY)", r.baselineP50Ms.toFixed(2), r.baselineP99Ms.toFixed(2), r.baselineUpdatesPerSec.toFixed(1), String(r.baselineFailedRequests)],
    ["our Worker", r.p50Ms.toFixed(2), r.p99Ms.toFixed(2), r.updatesPerSec.toFixed(1), String(r.failedRequests)],
    ["ratio (ours / baseline)", `${r.ratioP50.toFixed(2)}×`, `${r.ratioP99.toFixed(2)}×`, "", ""],
  ];
  const widths = [0, 1, 2, 3, 4].map((c) => Math.max(...rows.map((row) => row[c]?.length ?? 0)));
  const line = (row: readonly string[]): string => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join("   ");
  const yes = (ok: boolean): string => (ok ? "yes" : "NO");
  return [
    `Webhook: ${r.updates} /start updates per Worker, concurrency ${r.concurrency}, ${r.chats} chats, ${r.rounds} alternating rounds, time to HTTP 200`,
    "",
    ...rows.map(line),
    "",
    `Replies (our Worker): expected ${r.expectedReplies}, got ${r.replies}; lost ${r.lost}, duplicated ${r.duplicated}; other Bot API calls ${r.otherBotApiCalls}`,
    `Re-deliveries (same update_id): ${r.redelivered} sent, ${r.redeliveryFailures} not answered 200 (extra replies count as duplicated)`,
    `Slowest wait for our inbox to reply after a round: ${r.maxDrainMs} ms; baseline lost replies: ${r.baselineLost}`,
    `Machine: ${r.cpus} CPUs, load average ${r.loadAvgBefore.toFixed(1)} before / ${r.loadAvgAfter.toFixed(1)} after (timings are noisy when it exceeds the CPUs)`,
    `Goals: p99 ≤ 2× baseline: ${yes(r.ratioP99 <= 2)}; zero lost/duplicated: ${yes(r.lost === 0 && r.duplicated === 0)}`,
    "",
  ].join("\n");
}

runMain(main, progress);
