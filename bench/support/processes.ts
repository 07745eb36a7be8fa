/**
 * Child processes for benchmarks: `wrangler` runs in their own process groups, killed as a group
 * on every way out (normal end, error, Ctrl-C, SIGTERM), plus loopback port helpers.
 *
 * `wrangler dev` starts `workerd` children; they share the group of the wrangler process we
 * spawn with `detached: true`, so `kill(-pgid)` reaches all of them. A terminal's Ctrl-C does
 * not (they are outside our foreground group), which is why the signal handlers below exist.
 * Workers are started with the repository's one `wrangler dev` launcher (dev/shared/wrangler-dev.ts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { D1_MIGRATIONS_SCRIPT } from "../../dev/shared/d1-migrations.ts";
import { signalGroup, sleep, stopProcessGroup } from "../../dev/shared/process-group.ts";
import { startWranglerDev, WRANGLER_BIN, type WranglerDevOptions } from "../../dev/shared/wrangler-dev.ts";

export { sleep, WRANGLER_BIN };

/** The repository root (bench/support/ is two levels down). */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

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

/** Kills every live group at once with SIGKILL and removes temp dirs (safe inside an `exit` handler). */
export function killAllNow(): void {
  for (const group of live) signalGroup(group.pid, "SIGKILL");
  live.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** Stops one group: SIGTERM, up to `graceMs` for everyone in it to leave, then SIGKILL. */
export async function stopGroup(group: Group, graceMs = 4000): Promise<void> {
  await stopProcessGroup(group.pid, graceMs);
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
  return track(options.name, child, options.logPath);
}

/** Tracks a spawned group leader so every way out stops it. */
function track(name: string, child: ChildProcess, logPath: string): Group {
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
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
  const group: Group = { name, pid: child.pid, logPath, child, exited, hasExited: () => done };
  live.add(group);
  return group;
}

/**
 * Starts a Worker under `wrangler dev` (the shared launcher) as one of this run's groups, output
 * appended to `logPath`; resolves once /health answers 200.
 */
export async function startWorkerGroup(name: string, options: WranglerDevOptions & { logPath: string }): Promise<{ url: string; group: Group; readyMs: number }> {
  let group: Group | undefined;
  const dev = await startWranglerDev({ readyStatuses: [200], ...options, onStart: (child) => { group = track(name, child, options.logPath); } })
    .catch((error: unknown) => {
      throw new Error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    });
  if (!group) throw new Error(`${name} started without a process group`);
  return { url: dev.url, group, readyMs: dev.readyMs };
}

/** Arguments for a process that applies the D1 migrations of `config` to the local state in `persistTo`. */
export function migrationArgs(config: string, persistTo: string): string[] {
  return [D1_MIGRATIONS_SCRIPT, "--persist-to", persistTo, "--config", config];
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

/** The one JavaScript file `wrangler deploy --dry-run --outdir` wrote into `outdir`. */
export function bundleEntry(outdir: string): string {
  const files = readdirSync(outdir).filter((f) => f.endsWith(".js"));
  if (files.length !== 1) throw new Error(`expected one .js bundle in ${outdir}, found ${files.length ? files.join(", ") : "none"}`);
  return join(outdir, files[0] as string);
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
