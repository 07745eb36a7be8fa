/**
 * The real bot, as `npm start` runs it, wired for the eval: the Worker under `wrangler dev` (local
 * D1, Durable Objects, the Worker Loader sandbox: the code that is deployed), the fake Telegram
 * Bot API, one demo account per task (emulator-pool.ts) and the model gateway (model-gateway.ts),
 * all on 127.0.0.1. The Worker's model settings point at the gateway: the cheap model as `LLM_*`,
 * the strong one as `LLM_STRONG_*`.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO_API_TOKEN } from "../dev/cloudflare-emulator/seed.ts";
import { startFakeTelegram } from "../dev/fake-telegram/server.ts";
import type { FakeBotApi } from "../dev/fake-telegram/fake-bot-api.ts";
import { ChatLog, ObservedWebhookClient } from "../dev/playground/chat-log.ts";
import { applyLocalMigrations, freePort, startWranglerDev } from "../dev/shared/wrangler-dev.ts";
import { startEmulatorPool, type EmulatorPool } from "./emulator-pool.ts";
import type { ModelGateway } from "./model-gateway.ts";

/** One model as the Worker is configured with it. */
export interface ModelSetting {
  provider: string;
  model: string;
  apiKey?: string;
  gateway: ModelGateway;
}

/** The running stack. */
export interface EvalStack {
  api: FakeBotApi;
  client: ObservedWebhookClient;
  log: ChatLog;
  pool: EmulatorPool;
  workerUrl: string;
  stop(): Promise<void>;
}

const TOKEN = "7000000002:eval-token";

/** Starts everything; `users` are the Telegram user ids the tasks will use. */
export async function startEvalStack(options: { cheap: ModelSetting; strong?: ModelSetting; users: number[]; maxSteps?: number; onProgress?: (line: string) => void }): Promise<EvalStack> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch(() => undefined);
  };
  const progress = options.onProgress ?? (() => undefined);
  try {
    const stateDir = mkdtempSync(join(tmpdir(), "codemode-eval-"));
    stops.push(async () => rmSync(stateDir, { recursive: true, force: true }));
    const telegram = await startFakeTelegram({ token: TOKEN });
    stops.push(() => telegram.close());
    const pool = await startEmulatorPool();
    stops.push(() => pool.close());
    const secret = randomBytes(18).toString("base64url");
    const model = (prefix: string, m: ModelSetting) => [
      `${prefix}_PROVIDER=${m.provider}`, `${prefix}_MODEL=${m.model}`, `${prefix}_BASE_URL=${m.gateway.baseUrl}`,
      ...(m.apiKey ? [`${prefix}_API_KEY=${m.apiKey}`] : []),
    ];
    const envFile = join(stateDir, "eval.env");
    writeFileSync(envFile, [
      `TELEGRAM_BOT_TOKEN=${TOKEN}`, `TELEGRAM_WEBHOOK_SECRET=${secret}`, `TELEGRAM_API_ROOT=${telegram.url}`,
      `ALLOWED_USER_IDS=${options.users.join(",")}`,
      `CLOUDFLARE_API_TOKEN=${DEMO_API_TOKEN}`, `CLOUDFLARE_API_BASE=${pool.apiBase}`,
      `ENCRYPTION_KEY=${randomBytes(32).toString("base64")}`,
      "LLM_REQUESTS_PER_MINUTE=0", "LLM_TOKENS_PER_DAY=0", `LLM_MAX_STEPS=${options.maxSteps ?? 8}`,
      ...model("LLM", options.cheap), ...(options.strong ? model("LLM_STRONG", options.strong) : []),
    ].join("\n") + "\n", { mode: 0o600 });
    progress("Applying D1 migrations…");
    applyLocalMigrations(stateDir);
    progress("Starting the Worker (wrangler dev)…");
    const worker = await startWranglerDev({
      port: await freePort(), persistTo: stateDir, envFiles: [envFile], local: true,
      // Cards left to expire should not hold the eval for 15 minutes.
      vars: { APPROVAL_TTL_MINUTES: "1" }, readyStatuses: [200], readyTimeoutMs: 120_000,
    });
    stops.push(worker.stop);
    const client = new ObservedWebhookClient({ api: telegram.api, webhookUrl: `${worker.url}/telegram`, secret, token: TOKEN });
    const log = new ChatLog(telegram.api, client);
    stops.push(async () => log.stop());
    return { api: telegram.api, client, log, pool, workerUrl: worker.url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
