/**
 * Child processes for benchmarks: `wrangler` runs in their own process groups, killed as a group
 * on every way out (normal end, error, Ctrl-C, SIGTERM), plus loopback port helpers.
 *
 * `wrangler dev` starts `workerd` children; they share the group of the wrangler process we
 * spawn with `detached: true`, so `kill(-pgid)` reaches all of them. A terminal's Ctrl-C does
 * not (they are outside our foreground group), which is why the signal handlers below exist.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (bench/support/ is two levels down). */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** wrangler's CLI entry, run with the current Node (22, via npm scripts). */
export const WRANGLER_BIN = `${REPO_ROOT}node_modules/wrangler/bin/wrangler.js`;

/** One spawned process group. */
export interface Group {
  name: string;
  pid: number;
  logPath: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the group leader has exited. */
  exited: Promise<string>;
  hasExited(): boolean;
}

const live = new Set<Group>();
const tempDirs = new Set<string>();
let cleanupInstalled = false;
let stopping = false;

/** True once a signal asked us to stop (the signal handler then owns the exit). */
export function isStopping(): boolean {
  return stopping;
}

/** Sends `signal` to a whole process group; false when the group is gone. */
function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Kills every live group at once with SIGKILL and removes temp dirs (safe inside an `exit` handler). */
export function killAllNow(): void {
  for (const group of live) signalGroup(group.pid, "SIGKILL");
  live.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** Stops one group: SIGTERM, up to `graceMs` for everyone in it to leave, then SIGKILL. */
export async function stopGroup(group: Group, graceMs = 4000): Promise<void> {
  signalGroup(group.pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && signalGroup(group.pid, 0)) await sleep(100);
  signalGroup(group.pid, "SIGKILL");
  const gone = Date.now() + 2000;
  while (Date.now() < gone && signalGroup(group.pid, 0)) await sleep(50);
  live.delete(group);
}

/** Stops every live group (in parallel). */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((group) => stopGroup(group)));
}

/** Registers a temp dir to delete on exit (after the processes using it are gone). */
export function removeOnExit(dir: string): void {
  tempDirs.add(dir);
}

/** Makes sure no child outlives us: on exit, uncaught errors and SIGINT/SIGTERM/SIGHUP. */
export function installCleanup(log: (line: string) => void): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on("exit", killAllNow);
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      killAllNow();
      process.exit(130);
    }
    stopping = true;
    log(`${signal}: stopping wrangler/workerd…`);
    const hardStop = setTimeout(() => {
      killAllNow();
      process.exit(130);
    }, 5000);
    void stopAll().finally(() => {
      clearTimeout(hardStop);
      killAllNow();
      process.exit(130);
    });
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("SIGHUP", onSignal);
}

/** Options for `spawnGroup`. */
export interface SpawnOptions {
  name: string;
  args: string[];
  logPath: string;
  cwd?: string;
  env?: Record<string, string>;
}

/** Starts `node <args>` in a new process group, output appended to `logPath`. */
export function spawnGroup(options: SpawnOptions): Group {
  const fd = openSync(options.logPath, "a");
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, options.args, {
      cwd: options.cwd ?? REPO_ROOT,
      detached: true,
      stdio: ["ignore", fd, fd],
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", ...options.env },
    });
  } finally {
    closeSync(fd);
  }
  if (child.pid === undefined) throw new Error(`could not start ${options.name}`);
  let done = false;
  const exited = new Promise<string>((resolve) => {
    child.once("exit", (code, signal) => {
      done = true;
      resolve(signal ?? String(code));
    });
    child.once("error", (error) => {
      done = true;
      resolve(`error: ${error.message}`);
    });
  });
  const group: Group = { name: options.name, pid: child.pid, logPath: options.logPath, child, exited, hasExited: () => done };
  live.add(group);
  return group;
}

/** Runs a process group to completion within `timeoutMs`; throws with its log tail if it fails. */
export async function runToEnd(options: SpawnOptions, timeoutMs: number): Promise<void> {
  const group = spawnGroup(options);
  const timer = sleep(timeoutMs).then(() => "timeout");
  const outcome = await Promise.race([group.exited, timer]);
  if (outcome === "timeout") {
    await stopGroup(group);
    throw new Error(`${options.name} did not finish within ${timeoutMs / 1000} s\n${logTail(options.logPath)}`);
  }
  await stopGroup(group, 500); // reaps anything it left behind in its group
  if (outcome !== "0") throw new Error(`${options.name} failed (exit ${outcome})\n${logTail(options.logPath)}`);
}

/** Polls `url` with GET until it answers `expectStatus`, the group dies, or `timeoutMs` passes. */
export async function waitForHttp(url: string, group: Group, timeoutMs: number, expectStatus = 200): Promise<number> {
  const started = Date.now();
  let last = "no answer yet";
  while (Date.now() - started < timeoutMs) {
    if (group.hasExited()) {
      throw new Error(`${group.name} exited before it was ready\n${logTail(group.logPath)}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      const body = await response.text();
      if (response.status === expectStatus) return Date.now() - started;
      last = `HTTP ${response.status}: ${body.slice(0, 200)}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(200);
  }
  throw new Error(`${group.name} was not ready at ${url} within ${timeoutMs / 1000} s (last: ${last})\n${logTail(group.logPath)}`);
}

/** The last lines of a log file, for error messages. */
export function logTail(path: string, lines = 25): string {
  try {
    const text = readFileSync(path, "utf8").trimEnd().split("\n");
    return `--- last lines of ${path} ---\n${text.slice(-lines).join("\n")}`;
  } catch {
    return `(no log at ${path})`;
  }
}

/** A free TCP port on 127.0.0.1, chosen by the OS. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("could not pick a free port");
  return address.port;
}

/** Throws a clear error when `port` on 127.0.0.1 is taken. */
export async function assertPortFree(port: number, what: string): Promise<void> {
  const server = createServer();
  const problem = await new Promise<string | undefined>((resolve) => {
    server.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    server.listen(port, "127.0.0.1", () => resolve(undefined));
  });
  if (problem === undefined) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return;
  }
  throw new Error(problem === "EADDRINUSE"
    ? `port ${port} on 127.0.0.1 (${what}) is busy; stop what uses it or choose another port`
    : `cannot listen on 127.0.0.1:${port} (${what}): ${problem}`);
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The one JavaScript file `wrangler deploy --dry-run --outdir` wrote into `outdir`. */
export function bundleEntry(outdir: string): string {
  const files = readdirSync(outdir).filter((f) => f.endsWith(".js"));
  if (files.length !== 1) throw new Error(`expected one .js bundle in ${outdir}, found ${files.length ? files.join(", ") : "none"}`);
  return join(outdir, files[0] as string);
}

/** Options for `wranglerDevArgs`. */
export interface WranglerDevOptions {
  config: string;
  /** A pre-built bundle (from `bundleEntry`), served with `--no-bundle`. */
  bundle: string;
  port: number;
  inspectorPort: number;
  persistTo: string;
  /** An env file (an empty one keeps any local .dev.vars out of the run). */
  envFile: string;
  vars?: Record<string, string>;
}

/**
 * `wrangler dev` arguments for a pre-built bundle on 127.0.0.1 (`--no-bundle`): edits to the
 * sources during a run change nothing, and nothing listens beyond loopback.
 */
export function wranglerDevArgs(options: WranglerDevOptions): string[] {
  return [
    WRANGLER_BIN, "dev", options.bundle, "--no-bundle", "--config", options.config, "--local",
    "--port", String(options.port), "--ip", "127.0.0.1",
    "--inspector-port", String(options.inspectorPort), "--inspector-ip", "127.0.0.1",
    "--persist-to", options.persistTo, "--env-file", options.envFile, "--show-interactive-dev-session=false",
    ...Object.entries(options.vars ?? {}).flatMap(([key, value]) => ["--var", `${key}:${value}`]),
  ];
}

/**
 * Runs a benchmark's `main` and exits: 0 on success; on failure it reports, stops every process
 * group it started (killing them outright if that takes over 8 s) and exits 1.
 */
export function runMain(main: () => Promise<void>, progress: (line: string) => void): void {
  main().then(() => process.exit(0), async (error: unknown) => {
    if (isStopping()) return; // a signal handler is already stopping everything and will exit
    progress(`failed: ${error instanceof Error ? error.message : String(error)}`);
    const hardStop = setTimeout(() => {
      killAllNow();
      process.exit(1);
    }, 8000);
    await stopAll().catch(() => undefined);
    clearTimeout(hardStop);
    process.exit(1);
  });
}
