/**
 * Runs the Worker under `wrangler dev` on loopback for the playground and benchmarks:
 * applies the local D1 migrations first, waits until /health answers, and stops the whole
 * process group (wrangler and its workerd) on `stop()`, so no stray workerd survives.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createConnection } from "node:net";

/** Options for `startWranglerDev`. */
export interface WranglerDevOptions {
  port: number;
  /** Where local D1 / Durable Object state lives. */
  persistTo: string;
  /** .env files, later ones overriding earlier ones. */
  envFiles: string[];
  /** Extra `wrangler dev` arguments. */
  args?: string[];
  /** Called with each line wrangler prints (for logs). */
  onLine?: (line: string) => void;
  /** How long to wait for /health (ms). */
  readyTimeoutMs?: number;
}

/** A running `wrangler dev`. */
export interface WranglerDev {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

const quietEnv = { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", FORCE_COLOR: "0" };

/** Whether something already listens on 127.0.0.1:`port`. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => { socket.destroy(); resolve(true); });
    socket.once("error", () => resolve(false));
  });
}

/** Applies the D1 migrations to the local database in `persistTo` (idempotent). */
export function applyLocalMigrations(persistTo: string): void {
  const result = spawnSync("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo],
    { env: { ...quietEnv, CI: "true" }, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`applying D1 migrations failed:\n${(result.stderr || result.stdout).slice(-2000)}`);
  }
}

/** Starts `wrangler dev` and resolves once GET /health answers. */
export async function startWranglerDev(options: WranglerDevOptions): Promise<WranglerDev> {
  const args = ["wrangler", "dev", "--ip", "127.0.0.1", "--port", String(options.port), "--persist-to", options.persistTo,
    "--show-interactive-dev-session=false", "--inspector-port", "0",
    ...options.envFiles.flatMap((file) => ["--env-file", file]), ...(options.args ?? [])];
  const child = spawn("npx", args, { env: quietEnv, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (line.trim() === "") continue;
      lines.push(line);
      if (lines.length > 200) lines.shift();
      options.onLine?.(line);
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const url = `http://127.0.0.1:${options.port}`;
  const stop = () => stopGroup(child);
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${lines.slice(-30).join("\n")}`);
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      if (response.status === 200 || response.status === 503) return { url, child, stop };
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`wrangler dev did not answer /health within ${options.readyTimeoutMs ?? 60_000} ms:\n${lines.slice(-30).join("\n")}`);
}

/** Ends a detached child and everything it started (SIGTERM, then SIGKILL). */
export async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try { process.kill(-child.pid, "SIGTERM"); } catch { return; }
  const timer = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 5000));
  if ((await Promise.race([exited, timer])) === "timeout") {
    try { process.kill(-child.pid, "SIGKILL"); } catch { /* already gone */ }
  }
}
