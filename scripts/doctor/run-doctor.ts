/**
 * `npm run doctor`: reads the live state of a deployment and prints one line per part, with the
 * fix for anything wrong. It changes nothing. Everything external is injected (wrangler runner,
 * fetch), so tests run it against the fake Bot API, the Cloudflare emulator and a fake wrangler.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { CommandRunner } from "../setup/command-runner.ts";
import { DEPLOY_CONFIG } from "../setup/deploy-config.ts";
import type { Output } from "../setup/output.ts";
import type { Prompter } from "../setup/prompter.ts";
import { readSettings } from "../setup/settings.ts";
import { TelegramClient, type FetchLike } from "../setup/telegram-client.ts";
import { Wrangler } from "../setup/wrangler.ts";
import { renderLine, type DoctorLine } from "./doctor-line.ts";
import { checkCloudflareToken, checkHealth, checkLlm, checkMigrations } from "./service-checks.ts";
import { checkWebhook } from "./telegram-checks.ts";

/** What doctor reads, injected. */
export interface DoctorDeps {
  root: string;
  run: CommandRunner;
  fetch: FetchLike;
  output: Output;
  prompter: Prompter;
  env: Record<string, string | undefined>;
  now?: () => number;
}

/** Runs every check, prints a line each, and returns them (exit 1 when any failed). */
export async function runDoctor(deps: DoctorDeps, options: { workerUrl?: string | undefined } = {}): Promise<DoctorLine[]> {
  const { env, output } = deps;
  const settings = readSettings(deps.root);
  const workerUrl = options.workerUrl ?? env.WORKER_URL ?? settings.workerUrl;
  const botToken = env.TELEGRAM_BOT_TOKEN?.trim() || (deps.prompter.interactive ? await deps.prompter.ask("Telegram bot token (to read the webhook; hidden, Enter to skip)", { secret: true }) : "");
  for (const secret of [botToken, env.CLOUDFLARE_API_TOKEN, env.BOT_CLOUDFLARE_API_TOKEN, env.LLM_API_KEY]) output.secret(secret);
  const telegram = botToken ? new TelegramClient({ token: botToken, apiRoot: env.TELEGRAM_API_ROOT || undefined, fetch: deps.fetch }) : undefined;
  const apiBase = (env.CLOUDFLARE_API_BASE || "https://api.cloudflare.com/client/v4").replace(/\/+$/, "");
  const wrangler = new Wrangler(deps.run);
  const config = existsSync(join(deps.root, DEPLOY_CONFIG)) ? DEPLOY_CONFIG : undefined;
  const nowS = Math.floor((deps.now ?? Date.now)() / 1000);

  output.line(`Doctor${workerUrl ? ` for ${workerUrl}` : ""} (reads only; changes nothing)`);
  const lines: DoctorLine[] = [];
  const report = (line: DoctorLine) => {
    lines.push(line);
    output.line(renderLine(line));
  };
  report(await checkWebhook(telegram, workerUrl, nowS));
  report(await checkHealth(deps.fetch, workerUrl));
  report(await checkLogin(wrangler));
  report(await checkCloudflareToken(deps.fetch, apiBase, "deploy token", env.CLOUDFLARE_API_TOKEN));
  report(await checkCloudflareToken(deps.fetch, apiBase, "bot token", env.BOT_CLOUDFLARE_API_TOKEN));
  report(await checkLlm(deps.fetch, {
    provider: env.LLM_PROVIDER || settings.vars.LLM_PROVIDER, baseUrl: env.LLM_BASE_URL || settings.vars.LLM_BASE_URL, apiKey: env.LLM_API_KEY,
  }));
  report(await checkMigrations(wrangler, config));
  const failed = lines.filter((l) => l.verdict === "fail").length;
  output.line(failed === 0 ? "All good." : `${failed} problem${failed === 1 ? "" : "s"}: the fix is on each ✗ line.`);
  if (!env.BOT_CLOUDFLARE_API_TOKEN) output.line("(The bot's own Cloudflare token is a Worker secret doctor cannot read: `/cloudflare whoami` in the chat checks it.)");
  return lines;
}

/** Who wrangler deploys as, with its OAuth scopes when it has them. */
async function checkLogin(wrangler: Wrangler): Promise<DoctorLine> {
  const who = await wrangler.whoami();
  if (!who) return { check: "wrangler", verdict: "fail", detail: "not logged in", fix: "npx wrangler login, or set CLOUDFLARE_API_TOKEN" };
  const scopes = who.tokenPermissions?.length ? ` · scopes: ${who.tokenPermissions.join(", ")}` : "";
  return { check: "wrangler", verdict: "ok", detail: `${who.email ?? "logged in"} (${who.authType}), ${who.accounts.length} account${who.accounts.length === 1 ? "" : "s"}${scopes}` };
}
