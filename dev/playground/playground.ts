/**
 * The local playground as one call: the fake Telegram Bot API, the Cloudflare demo account
 * emulator (unless a real token is configured and wanted), the Worker under `wrangler dev` with
 * its D1 migrations applied, and the web chat. Used by `npm start`, `npm run demo` and the
 * browser test, so there is one way to bring the stack up and one `stop()` to bring it down.
 *
 * Ports: the Worker on `port`, Telegram on +1, the emulator on +2, the web chat on +3; `port: 0`
 * picks free ports for all of them (tests and the demo, which may run beside an `npm start`).
 * Everything listens on 127.0.0.1 only.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { DEMO_API_TOKEN, startCloudflareEmulator, type RunningEmulator } from "../cloudflare-emulator/server.ts";
import type { FakeBotApi } from "../fake-telegram/fake-bot-api.ts";
import { startFakeTelegram } from "../fake-telegram/server.ts";
import type { LocalServer } from "../shared/node-server.ts";
import { applyLocalMigrations, freePort, portInUse, startWranglerDev, type WranglerDev } from "../shared/wrangler-dev.ts";
import { ChatLog, ObservedWebhookClient } from "./chat-log.ts";
import { PLAYGROUND_USERS } from "./users.ts";
import { startWebChat, type PlaygroundInfo } from "./web-server.ts";

/** Options for `startPlayground`. */
export interface PlaygroundOptions {
  /** The Worker's port; the others follow it. 0 picks free ports. Default 8787. */
  port?: number;
  /** Where local D1 / Durable Object state lives. Default `.playground`. */
  stateDir?: string;
  /** Delete `stateDir` on stop (for throwaway runs). */
  removeStateDir?: boolean;
  /** Read `.dev.vars` (CLOUDFLARE_API_TOKEN, LLM_*). Default true. */
  devVars?: boolean;
  /** `auto`: the real API when .dev.vars has CLOUDFLARE_API_TOKEN, else the emulator. `emulator`: always the emulator. */
  cloudflare?: "auto" | "emulator";
  /** Progress lines ("Starting the Worker…"). */
  onProgress?: (line: string) => void;
  /** Each line wrangler prints. */
  onWranglerLine?: (line: string) => void;
}

/** A running playground. */
export interface Playground {
  urls: { chat: string; worker: string; webhook: string; telegram: string; telegramCalls: string; emulator?: string };
  version: string;
  stateDir: string;
  /** True when the Worker talks to the real Cloudflare API. */
  realCloudflare: boolean;
  /** True when .dev.vars configures a model (LLM_PROVIDER). */
  llmConfigured: boolean;
  /** Where ENCRYPTION_KEY comes from: your .dev.vars, or the key the playground keeps in its state folder. */
  encryptionKey: "dev.vars" | "generated";
  api: FakeBotApi;
  client: ObservedWebhookClient;
  log: ChatLog;
  emulator?: RunningEmulator;
  /** Stops everything this playground started (idempotent). */
  stop(): Promise<void>;
}

/** A port the playground needs is taken: most likely another `npm start`. */
export class PortInUseError extends Error {
  override name = "PortInUseError";
  readonly port: number;
  constructor(port: number) {
    super(`Port ${port} on 127.0.0.1 is already in use — is \`npm start\` already running in another terminal?\n`
      + `Stop it (Ctrl-C there), or start on other ports: PORT=${port + 10} npm start`);
    this.port = port;
  }
}

const TOKEN = "7000000001:playground-token";

/** Starts the whole local stack; resolves once the Worker answers /health. */
export async function startPlayground(options: PlaygroundOptions = {}): Promise<Playground> {
  const progress = options.onProgress ?? (() => undefined);
  const base = options.port ?? 8787;
  const workerPort = base === 0 ? await freePort() : base;
  const wanted = base === 0 ? { telegram: 0, emulator: 0, web: 0 } : { telegram: base + 1, emulator: base + 2, web: base + 3 };
  for (const p of base === 0 ? [workerPort] : [workerPort, wanted.telegram, wanted.emulator, wanted.web]) {
    if (await portInUse(p)) throw new PortInUseError(p);
  }

  const stateDir = options.stateDir ?? ".playground";
  const devVars = options.devVars !== false && existsSync(".dev.vars") ? readFileSync(".dev.vars", "utf8") : "";
  const realCloudflare = options.cloudflare !== "emulator" && /^CLOUDFLARE_API_TOKEN=\S+/m.test(devVars);
  const llmConfigured = /^LLM_PROVIDER=\S+/m.test(devVars);
  const ownEncryptionKey = /^ENCRYPTION_KEY=\S+/m.test(devVars);
  const secret = randomBytes(18).toString("base64url");

  const started: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of started.splice(0).reverse()) await stop().catch(() => undefined);
    if (options.removeStateDir) rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    mkdirSync(stateDir, { recursive: true });
    const telegram = await startFakeTelegram({ token: TOKEN, port: wanted.telegram });
    started.push(() => telegram.close());
    const emulator = realCloudflare ? undefined : await startCloudflareEmulator({ port: wanted.emulator });
    if (emulator) started.push(() => emulator.close());

    const overrides = `${stateDir}/playground.env`;
    writeFileSync(overrides, [
      `TELEGRAM_BOT_TOKEN=${TOKEN}`,
      `TELEGRAM_WEBHOOK_SECRET=${secret}`,
      `TELEGRAM_API_ROOT=${telegram.url}`,
      `ALLOWED_USER_IDS=${PLAYGROUND_USERS.owner.id}`,
      `APPROVER_IDS=${PLAYGROUND_USERS.approver.id}`,
      // So /mcp shows the local endpoint an MCP client can use.
      `PUBLIC_URL=http://127.0.0.1:${workerPort}`,
      ...(emulator ? [`CLOUDFLARE_API_TOKEN=${DEMO_API_TOKEN}`, `CLOUDFLARE_API_BASE=${emulator.apiBase}`] : []),
      // /connect and /key store secrets encrypted: without a key of your own, one kept with the local state.
      ...(ownEncryptionKey ? [] : [`ENCRYPTION_KEY=${playgroundEncryptionKey(stateDir)}`]),
    ].join("\n") + "\n", { mode: 0o600 });

    progress("Applying D1 migrations to the local database…");
    applyLocalMigrations(stateDir);
    progress("Starting the Worker (wrangler dev)…");
    const worker = await startWranglerDev({
      port: workerPort, persistTo: stateDir, envFiles: [...(devVars !== "" ? [".dev.vars"] : []), overrides],
      ...(options.onWranglerLine ? { onLine: options.onWranglerLine } : {}),
    });
    started.push(worker.stop);
    const lastResort = () => killGroup(worker);
    process.on("exit", lastResort);
    started.push(async () => { process.off("exit", lastResort); });

    const health = (await (await fetch(`${worker.url}/health`)).json()) as { version?: string };
    const version = String(health.version ?? "?");
    const client = new ObservedWebhookClient({ api: telegram.api, webhookUrl: `${worker.url}/telegram`, secret, token: TOKEN });
    const log = new ChatLog(telegram.api, client);
    started.push(async () => log.stop());
    const info = (): PlaygroundInfo => ({
      botName: telegram.api.botUser.first_name,
      version,
      parts: [
        { name: "Worker", kind: "real", detail: `the bot's own code under wrangler dev, ${worker.url}` },
        { name: "Telegram", kind: "stand-in", detail: "a local fake Bot API; this page plays the Telegram app" },
        emulator
          ? { name: "Cloudflare API", kind: "stand-in", detail: "a local demo account emulator (nothing real changes)" }
          : { name: "Cloudflare API", kind: "real", detail: "your account, with CLOUDFLARE_API_TOKEN from .dev.vars" },
        llmConfigured
          ? { name: "Model", kind: "real", detail: "LLM_* from .dev.vars" }
          : { name: "Model", kind: "stand-in", detail: "none configured: commands and code only" },
      ],
    });
    const web: LocalServer = await startWebChat({ port: wanted.web, api: telegram.api, client, log, info });
    started.push(() => web.close());

    let stopped: Promise<void> | undefined;
    return {
      urls: {
        chat: `${web.url}/`, worker: worker.url, webhook: `${worker.url}/telegram`, telegram: telegram.url,
        telegramCalls: `${telegram.url}/__fake/calls`, ...(emulator ? { emulator: emulator.url } : {}),
      },
      version, stateDir, realCloudflare, llmConfigured, encryptionKey: ownEncryptionKey ? "dev.vars" : "generated", api: telegram.api, client, log,
      ...(emulator ? { emulator } : {}),
      stop: () => (stopped ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Synchronous last resort on process exit: never leave a workerd behind. */
function killGroup(worker: WranglerDev): void {
  if (worker.child.pid !== undefined && worker.child.exitCode === null) {
    try { process.kill(-worker.child.pid, "SIGKILL"); } catch { /* already gone */ }
  }
}

/**
 * The playground's ENCRYPTION_KEY: 32 random bytes made on first start and kept in the state
 * folder (`encryption-key`, readable only by you), so tokens and keys stored with /connect and
 * /key stay readable across restarts. Deleting the state folder forgets them together.
 */
export function playgroundEncryptionKey(stateDir: string): string {
  const file = `${stateDir}/encryption-key`;
  if (existsSync(file)) {
    const kept = readFileSync(file, "utf8").trim();
    if (Buffer.from(kept, "base64").length === 32) return kept;
  }
  const key = randomBytes(32).toString("base64");
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}
