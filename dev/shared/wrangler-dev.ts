/**
 * The one way this repository runs a Worker under `wrangler dev` on loopback (the playground and
 * the benchmarks): start it in its own process group, wait until /health answers, and stop the
 * whole group (wrangler and its workerd) on `stop()`, so no stray workerd survives.
 *
 * The local D1 migrations are applied separately, before the start: `applyLocalMigrations`.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { createConnection, createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { D1_MIGRATIONS_SCRIPT } from "./d1-migrations.ts";
import { groupAlive, sleep, stopProcessGroup } from "./process-group.ts";

/** wrangler's CLI entry in this repository's node_modules. */
export const WRANGLER_BIN = fileURLToPath(new URL("../../node_modules/wrangler/bin/wrangler.js", import.meta.url));

/** Options for `startWranglerDev`. */
export interface WranglerDevOptions {
  port: number;
  /** Where local D1 / Durable Object state lives. */
  persistTo: string;
  /** .env files, later ones overriding earlier ones (an empty file keeps a local .dev.vars out). */
  envFiles: string[];
  /** The wrangler config. Default: wrangler's own lookup from the working directory. */
  config?: string;
  /** A pre-built bundle (`wrangler deploy --dry-run --outdir`), served as is with `--no-bundle`: edits to the sources during a run change nothing. */
  bundle?: string;
  /** `--local`: remote bindings disabled. */
  local?: boolean;
  /** Devtools port on 127.0.0.1. Default 0 (wrangler picks one). */
  inspectorPort?: number;
  /** `--var KEY:VALUE` pairs. */
  vars?: Record<string, string>;
  /** Extra environment for wrangler. */
  env?: Record<string, string>;
  /** Extra `wrangler dev` arguments. */
  args?: string[];
  /** Called with each line wrangler prints (for logs). */
  onLine?: (line: string) => void;
  /** Appends everything wrangler prints to this file. */
  logPath?: string;
  /** Called once the process group exists (so a caller can stop it on its own way out). */
  onStart?: (child: ChildProcess) => void;
  /** How long to wait for /health (ms). Default 60 s. */
  readyTimeoutMs?: number;
  /** /health statuses that count as started. Default 200 and 503 (started, configuration incomplete). */
  readyStatuses?: number[];
}

/** A running `wrangler dev`. */
export interface WranglerDev {
  url: string;
  child: ChildProcess;
  /** The process group's id (wrangler's pid). */
  pid: number;
  /** How long /health took to answer (ms). */
  readyMs: number;
  /** Whether wrangler has exited. */
  hasExited(): boolean;
  /** The last lines wrangler printed. */
  recentOutput(lines?: number): string;
  stop(): Promise<void>;
}

const quietEnv = { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", FORCE_COLOR: "0" };

/** A Node that runs wrangler (22.12 or later): this one under npm scripts, else the project's `node` devDependency via npx. */
export function nodeCommand(): string[] {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  return major > 22 || (major === 22 && minor >= 12) ? [process.execPath] : ["npx", "node"];
}

/** A port on 127.0.0.1 that was free a moment ago (wrangler dev needs a number, not 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether something already listens on 127.0.0.1:`port`. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => { socket.destroy(); resolve(true); });
    socket.once("error", () => resolve(false));
  });
}

/**
 * Applies the D1 migrations to the local database in `persistTo` (idempotent), in a child
 * process so the caller's own process stays free of wrangler's runtime (see d1-migrations.ts).
 */
export function applyLocalMigrations(persistTo: string, config?: string): void {
  const [command = "npx", ...args] = [...nodeCommand(), D1_MIGRATIONS_SCRIPT, "--persist-to", persistTo, ...(config ? ["--config", config] : [])];
  const result = spawnSync(command, args, { env: { ...quietEnv, CI: "true" }, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`applying D1 migrations failed:\n${(result.stderr || result.stdout || String(result.error)).slice(-2000)}`);
  }
}

/** The `wrangler dev` arguments for `options` (after the command itself). */
export function wranglerDevArgs(options: WranglerDevOptions): string[] {
  return [
    "dev", ...(options.bundle ? [options.bundle, "--no-bundle"] : []), ...(options.config ? ["--config", options.config] : []),
    ...(options.local ? ["--local"] : []),
    "--ip", "127.0.0.1", "--port", String(options.port),
    "--inspector-ip", "127.0.0.1", "--inspector-port", String(options.inspectorPort ?? 0),
    "--persist-to", options.persistTo, "--show-interactive-dev-session=false",
    ...options.envFiles.flatMap((file) => ["--env-file", file]),
    ...Object.entries(options.vars ?? {}).flatMap(([key, value]) => ["--var", `${key}:${value}`]),
    ...(options.args ?? []),
  ];
}

/** Starts `wrangler dev` and resolves once GET /health answers; on failure stops it and throws with its last lines. */
export async function startWranglerDev(options: WranglerDevOptions): Promise<WranglerDev> {
  const [command = "npx", ...prefix] = nodeCommand();
  const child = spawn(command, [...prefix, WRANGLER_BIN, ...wranglerDevArgs(options)], {
    env: { ...quietEnv, ...options.env }, detached: true, stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid === undefined) throw new Error(`could not start wrangler dev (${command})`);
  const pid = child.pid;
  options.onStart?.(child);
  let exited = false;
  child.once("exit", () => { exited = true; });
  child.once("error", () => { exited = true; });

  const lines: string[] = [];
  const log = options.logPath ? createWriteStream(options.logPath, { flags: "a" }) : undefined;
  const onData = (chunk: Buffer) => {
    log?.write(chunk);
    for (const line of chunk.toString("utf8").split("\n")) {
      if (line.trim() === "") continue;
      lines.push(line);
      if (lines.length > 200) lines.shift();
      options.onLine?.(line);
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const recentOutput = (count = 30) => lines.slice(-count).join("\n");
  const stop = async () => {
    await stopProcessGroup(pid);
    log?.end();
  };

  const url = `http://127.0.0.1:${options.port}`;
  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  const ready = options.readyStatuses ?? [200, 503];
  const started = Date.now();
  let last = "no answer yet";
  while (Date.now() - started < timeoutMs) {
    if (exited) {
      await stop();
      throw new Error(`wrangler dev exited before it was ready (${child.exitCode ?? child.signalCode}):\n${recentOutput()}`);
    }
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      const body = await response.text();
      if (ready.includes(response.status)) {
        return { url, child, pid, readyMs: Date.now() - started, hasExited: () => exited, recentOutput, stop };
      }
      last = `HTTP ${response.status}: ${body.slice(0, 200)}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(250);
  }
  await stop();
  throw new Error(`wrangler dev did not answer /health on ${url} within ${timeoutMs / 1000} s (last: ${last}):\n${recentOutput()}`);
}

/** Ends a detached child and everything it started (SIGTERM, then SIGKILL), waiting until all of it is gone. */
export async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || !groupAlive(child.pid)) return;
  await stopProcessGroup(child.pid, 5000);
}
