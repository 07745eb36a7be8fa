/**
 * `npm start`: the whole bot on this machine, offline.
 *
 * Brings up the local playground (dev/playground/playground.ts): the fake Telegram Bot API, the
 * Cloudflare demo account emulator, the Worker under `wrangler dev` and the web chat; prints
 * where everything is, and opens a chat in the terminal too when there is one. Your .dev.vars
 * still supplies CLOUDFLARE_API_TOKEN and LLM_* when you set them; the Telegram settings are
 * always the playground's own, so no real bot is needed. Ctrl-C stops everything.
 */
import { PortInUseError, startPlayground, type Playground } from "../dev/playground/playground.ts";
import { runTerminalChat } from "../dev/playground/terminal-chat.ts";
import { PLAYGROUND_USERS } from "../dev/playground/users.ts";

const port = Number(process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port < 1 || port > 65_532) {
  console.error(`PORT must be a port number from 1 to 65532 (the playground uses PORT to PORT+3); got ${process.env.PORT}`);
  process.exit(2);
}

// A signal during start-up (wrangler takes a few seconds) is honoured as soon as there is
// something to stop: exiting at once would leave the half-started workerd behind.
let playground: Playground | undefined;
let stopping = false;
async function stop(code = 0): Promise<never> {
  if (!stopping) {
    stopping = true;
    console.log("\nStopping…");
    await playground?.stop();
  }
  process.exit(code);
}
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (playground) void stop(0);
    else if (!interrupted) { interrupted = true; console.log("\nStopping as soon as the Worker is up…"); }
  });
}

try {
  playground = await startPlayground({
    port,
    onProgress: (line) => console.log(line),
    onWranglerLine: (line) => { if (process.env.VERBOSE) console.log(`[wrangler] ${line}`); },
  });
} catch (error) {
  console.error(error instanceof PortInUseError ? error.message : `Could not start the playground:\n${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

if (interrupted) await stop(0);

const { urls } = playground;
const tty = Boolean(process.stdin.isTTY);
console.log(`
Cloudflare Code Mode bot — local playground (v${playground.version})
  ▶ Open the chat: ${urls.chat}
  Worker (real, under wrangler dev) ${urls.worker}   webhook: POST ${urls.webhook}
  Telegram Bot API (local stand-in)  ${urls.telegram}   recorded calls: ${urls.telegramCalls}
  Local D1 and Durable Objects       ${playground.stateDir}/
  Cloudflare API                     ${urls.emulator ? `local demo account emulator (a stand-in) ${urls.emulator}` : "the real API, with CLOUDFLARE_API_TOKEN from .dev.vars"}
  Model                              ${playground.llmConfigured ? "LLM_* from .dev.vars" : "none configured (commands and code only)"}
  ENCRYPTION_KEY (/connect, /key)    ${playground.encryptionKey === "dev.vars" ? "from .dev.vars" : `made for the playground, kept in ${playground.stateDir}/encryption-key`}
You are ${PLAYGROUND_USERS.owner.first_name} (user ${PLAYGROUND_USERS.owner.id}, the owner). Try /cloudflare whoami, then:
  /cloudflare run return (await cloudflare.read({ op: "r2.buckets.list" })).map((b) => b.name)
  /cloudflare run return await cloudflare.write({ op: "d1.database.create", body: { name: "test-storia" } })
${tty ? `In this terminal:
  /as approver · /as stranger · /as owner   switch who you are
  /tap N                                    press button N of the last card
` : ""}  Ctrl-C                                    stop everything (nothing keeps running)
`);

if (tty) {
  await runTerminalChat(playground.api, playground.client);
  await stop(0);
} else {
  console.log("(no terminal attached: use the web chat; the services keep running until stopped)");
}
