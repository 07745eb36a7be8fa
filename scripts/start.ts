/**
 * `npm start`: the whole bot on this machine, offline.
 *
 * Starts the fake Telegram Bot API (a local stand-in for Telegram), applies the D1 migrations,
 * runs the Worker under `wrangler dev` with its webhook pointed at by the fake, and opens a chat
 * in the terminal. Your .dev.vars still supplies CLOUDFLARE_API_TOKEN and LLM_* when you set
 * them; the Telegram settings are always the playground's own, so no real bot is needed.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { DEMO_API_TOKEN, startCloudflareEmulator } from "../dev/cloudflare-emulator/server.ts";
import { startFakeTelegram } from "../dev/fake-telegram/server.ts";
import { WebhookClient } from "../dev/fake-telegram/webhook-client.ts";
import { PLAYGROUND_USERS, runTerminalChat } from "../dev/playground/terminal-chat.ts";
import { applyLocalMigrations, portInUse, startWranglerDev } from "../dev/shared/wrangler-dev.ts";

const port = Number(process.env.PORT ?? 8787);
const telegramPort = port + 1;
const emulatorPort = port + 2;
const stateDir = ".playground";
const token = "7000000001:playground-token";
const secret = randomBytes(18).toString("base64url");

for (const p of [port, telegramPort, emulatorPort]) {
  if (await portInUse(p)) {
    console.error(`Port ${p} on 127.0.0.1 is already in use — is \`npm start\` already running in another terminal?\nStop it (Ctrl-C there), or start on other ports: PORT=${port + 10} npm start`);
    process.exit(1);
  }
}

mkdirSync(stateDir, { recursive: true });
const telegram = await startFakeTelegram({ token, port: telegramPort });
// A real Cloudflare token in .dev.vars means the real API; otherwise the demo account emulator.
const realToken = existsSync(".dev.vars") && /^CLOUDFLARE_API_TOKEN=\S+/m.test(readFileSync(".dev.vars", "utf8"));
const emulator = realToken ? undefined : await startCloudflareEmulator({ port: emulatorPort });
const overrides = `${stateDir}/playground.env`;
writeFileSync(overrides, [
  `TELEGRAM_BOT_TOKEN=${token}`,
  `TELEGRAM_WEBHOOK_SECRET=${secret}`,
  `TELEGRAM_API_ROOT=${telegram.url}`,
  `ALLOWED_USER_IDS=${PLAYGROUND_USERS.owner.id}`,
  `APPROVER_IDS=${PLAYGROUND_USERS.approver.id}`,
  ...(emulator ? [`CLOUDFLARE_API_TOKEN=${DEMO_API_TOKEN}`, `CLOUDFLARE_API_BASE=${emulator.apiBase}`] : []),
].join("\n") + "\n", { mode: 0o600 });

console.log("Applying D1 migrations to the local database…");
applyLocalMigrations(stateDir);
console.log("Starting the Worker (wrangler dev)…");
const worker = await startWranglerDev({
  port,
  persistTo: stateDir,
  envFiles: [...(existsSync(".dev.vars") ? [".dev.vars"] : []), overrides],
  onLine: (line) => { if (process.env.VERBOSE) console.log(`[wrangler] ${line}`); },
});

let stopping = false;
async function stop(code = 0): Promise<never> {
  if (!stopping) {
    stopping = true;
    console.log("\nStopping…");
    await worker.stop();
    await telegram.close();
    await emulator?.close();
  }
  process.exit(code);
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stop(0));
// Last resort if the process is ending some other way: never leave a workerd behind.
process.on("exit", () => {
  if (worker.child.pid !== undefined && worker.child.exitCode === null) {
    try { process.kill(-worker.child.pid, "SIGKILL"); } catch { /* already gone */ }
  }
});

const health = (await (await fetch(`${worker.url}/health`)).json()) as { ok: boolean; version: string };
console.log(`
Cloudflare Code Mode bot — local playground (v${health.version})
  Worker (real, under wrangler dev) ${worker.url}   webhook: POST ${worker.url}/telegram
  Telegram Bot API (local stand-in)  ${telegram.url}   recorded calls: ${telegram.url}/__fake/calls
  Local D1 and Durable Objects       ${stateDir}/
  Cloudflare API                     ${emulator ? `local demo account emulator (a test double) ${emulator.url}` : "the real API, with CLOUDFLARE_API_TOKEN from .dev.vars"}
You are ${PLAYGROUND_USERS.owner.first_name} (user ${PLAYGROUND_USERS.owner.id}, the owner). Try /cloudflare whoami, then:
  /cloudflare run return (await cloudflare.read({ op: "r2.buckets.list" })).result.buckets
  /cloudflare run return await cloudflare.write({ op: "d1.database.create", body: { name: "test-storia" } })
  /as approver · /as stranger · /as owner   switch who you are
  /tap N                                    press button N of the last card
  Ctrl-C                                    stop everything (nothing keeps running)
`);

const client = new WebhookClient({ api: telegram.api, webhookUrl: `${worker.url}/telegram`, secret, token });
if (process.stdin.isTTY) {
  await runTerminalChat(telegram.api, client);
  await stop(0);
} else {
  console.log("(no terminal attached: the chat prompt is off; the services keep running until stopped)");
}
