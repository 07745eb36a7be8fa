/**
 * `npm run setup`: from a bot token and a Cloudflare login to a live bot, idempotently.
 *
 * Order, and why:
 * 1. checks (Node, wrangler login, bot token via getMe) before anything changes;
 * 2. D1 database found by name or created; its id goes into wrangler.deploy.toml (see deploy-config.ts);
 * 3. migrations, then deploy, so the schema is there before the new code runs;
 * 4. secrets after deploy (the Worker exists, so `secret put` never prompts to create it);
 * 5. the webhook last, after its secret is on the Worker, so Telegram's next delivery is accepted.
 * A rerun with the same inputs changes nothing: no new database, no secret put again (fingerprints
 * in deploy.settings.json), no setWebhook/setMyCommands when Telegram already has them.
 * `--rotate` makes a new webhook secret (and sets the webhook with it).
 */
import type { CommandRunner } from "./command-runner.ts";
import { checkLogin, checkNode, fetchHealth } from "./checks.ts";
import { BASE_CONFIG, databaseName, writeDeployConfig } from "./deploy-config.ts";
import { resolveInputs, type SetupValues } from "./inputs.ts";
import type { Output } from "./output.ts";
import type { Prompter } from "./prompter.ts";
import { SecretWriter, newEncryptionKey, newWebhookSecret } from "./secrets.ts";
import { readSettings, writeSettings, type DeploySettings } from "./settings.ts";
import { TelegramClient, type FetchLike } from "./telegram-client.ts";
import { ALLOWED_UPDATES, ensureCommands, webhookMatches, webhookUrl } from "./telegram-setup.ts";
import { Wrangler } from "./wrangler.ts";
import { SetupError } from "./errors.ts";

/** What setup is told to do. */
export interface SetupOptions {
  values: SetupValues;
  /** Make a new TELEGRAM_WEBHOOK_SECRET and set the webhook with it. */
  rotate?: boolean;
  /** Make a new ENCRYPTION_KEY (connected per-user tokens can then no longer be read: people /connect again). */
  rotateEncryptionKey?: boolean;
  /** The Worker's public URL, when it is not the workers.dev one wrangler prints (custom domain). */
  workerUrl?: string | undefined;
  /** Bot API base (default https://api.telegram.org). */
  telegramApiRoot?: string | undefined;
}

/** Everything setup touches, injected. */
export interface SetupDeps {
  root: string;
  run: CommandRunner;
  fetch: FetchLike;
  prompter: Prompter;
  output: Output;
  nodeVersion: string;
  env: Record<string, string | undefined>;
  sleep?: (ms: number) => Promise<void>;
}

/** What setup did (for tests and the summary). */
export interface SetupReport {
  botUsername: string;
  workerUrl: string;
  databaseId: string;
  createdDatabase: boolean;
  secretsPut: string[];
  webhookSet: boolean;
  commandsSet: boolean;
  healthy: boolean;
}

/** Runs setup; throws SetupError with a message that says what to do. */
export async function runSetup(options: SetupOptions, deps: SetupDeps): Promise<SetupReport> {
  const { output } = deps;
  const wrangler = new Wrangler(deps.run);
  const settings = readSettings(deps.root);

  output.line("Checking…");
  checkNode(deps.nodeVersion);
  output.line(`  ✓ Node ${deps.nodeVersion}`);
  const who = await checkLogin(wrangler, deps.env);
  output.line(`  ✓ Cloudflare: ${who.email ?? "logged in"} (${who.authType}${who.accounts[0] ? `, account ${who.accounts.find((a) => a.id === deps.env.CLOUDFLARE_ACCOUNT_ID)?.name ?? who.accounts[0].name}` : ""})`);

  // Only the Worker's name matters here, and wrangler.toml has it (the deploy config may not exist yet).
  const existing = new Set(await wrangler.listSecrets(BASE_CONFIG));
  const inputs = await resolveInputs(options.values, settings, deps.prompter, output, existing);
  const telegram = new TelegramClient({ token: inputs.botToken, apiRoot: options.telegramApiRoot, fetch: deps.fetch });
  const me = await telegram.getMe();
  output.line(`  ✓ Telegram: @${me.username}`);

  output.line("Database…");
  const { databaseId, created } = await ensureDatabase(wrangler, databaseName(deps.root), output);
  settings.databaseId = databaseId;
  settings.botUsername = me.username;
  settings.vars = inputs.vars;

  output.line("Deploying…");
  const config = writeDeployConfig(deps.root, { databaseId, vars: deployVars(settings, existing, output) });
  await wrangler.applyMigrations(config);
  output.line("  ✓ migrations applied (remote)");
  const deployedUrl = await wrangler.deploy(config);
  const workerUrl = options.workerUrl ?? deployedUrl ?? settings.workerUrl;
  if (!workerUrl) throw new SetupError("deploy", "deployed, but wrangler printed no workers.dev URL: pass the Worker's URL with --url https://…");
  settings.workerUrl = workerUrl.replace(/\/+$/, "");
  writeSettings(deps.root, settings);
  output.line(`  ✓ deployed: ${settings.workerUrl}`);

  output.line("Secrets…");
  const secrets = new SecretWriter({ wrangler, config, existing, settings, output });
  await secrets.ensure("TELEGRAM_BOT_TOKEN", inputs.botToken);
  for (const [name, value] of Object.entries(inputs.optionalSecrets)) await secrets.ensure(name, value);
  if (options.rotateEncryptionKey && secrets.has("ENCRYPTION_KEY")) output.line("  ! rotating ENCRYPTION_KEY: tokens people connected with /connect can no longer be read; they must /connect again");
  await secrets.generate("ENCRYPTION_KEY", newEncryptionKey, options.rotateEncryptionKey);
  let webhookSecret = await secrets.generate("TELEGRAM_WEBHOOK_SECRET", newWebhookSecret, options.rotate);
  if (secrets.put.length === 0) output.line("  ✓ all secrets in place");

  output.line("Telegram…");
  const url = webhookUrl(settings.workerUrl);
  const info = await telegram.getWebhookInfo();
  let webhookSet = false;
  if (webhookSecret !== undefined || !webhookMatches(info, url)) {
    // The Worker's secret cannot be read back, so setting the webhook again means a new one.
    if (webhookSecret === undefined) {
      output.line("  the webhook must be set again and its secret cannot be read back, so it gets a new one");
      webhookSecret = await secrets.generate("TELEGRAM_WEBHOOK_SECRET", newWebhookSecret, true);
    }
    await telegram.setWebhook({ url, secretToken: webhookSecret ?? "", allowedUpdates: ALLOWED_UPDATES });
    webhookSet = true;
    output.line(`  + webhook set: ${url} (${ALLOWED_UPDATES.join(", ")})`);
  } else {
    output.line(`  ✓ webhook: ${url}`);
  }
  const commandsSet = await ensureCommands(telegram);
  output.line(commandsSet ? "  + command menu registered" : "  ✓ command menu");
  writeSettings(deps.root, settings);

  const health = await fetchHealth(deps.fetch, settings.workerUrl, { attempts: 5, ...(deps.sleep ? { sleep: deps.sleep } : {}) });
  const after = await telegram.getWebhookInfo();
  const report: SetupReport = {
    botUsername: me.username, workerUrl: settings.workerUrl, databaseId, createdDatabase: created,
    secretsPut: secrets.put, webhookSet, commandsSet, healthy: health.reachable && health.ok,
  };
  printSummary(output, report, health.reachable ? (health.ok ? `ok${health.version ? `, version ${health.version}` : ""}` : `not ok: missing ${health.missing.join(", ") || "?"}`) : `unreachable (${health.error})`,
    `${after.url === url ? "set" : `points elsewhere (${after.url || "none"})`}, ${after.pending_update_count} pending${after.last_error_message ? `, last error: ${after.last_error_message}` : ", no errors"}`);
  return report;
}

/** Finds the D1 database by name, or creates it. */
async function ensureDatabase(wrangler: Wrangler, name: string, output: Output): Promise<{ databaseId: string; created: boolean }> {
  const found = (await wrangler.listD1()).find((db) => db.name === name);
  if (found) {
    output.line(`  ✓ D1 database ${name} (${found.uuid})`);
    return { databaseId: found.uuid, created: false };
  }
  const databaseId = await wrangler.createD1(name);
  output.line(`  + D1 database ${name} created (${databaseId})`);
  return { databaseId, created: true };
}

/** The [vars] to deploy: the remembered settings and the bot's username, minus names that are secrets on the Worker. */
export function deployVars(settings: DeploySettings, secrets: ReadonlySet<string>, output: Output): Record<string, string> {
  const vars: Record<string, string> = { ...settings.vars, ...(settings.botUsername ? { TELEGRAM_BOT_USERNAME: settings.botUsername } : {}) };
  for (const name of Object.keys(vars)) {
    if (secrets.has(name)) {
      // A var and a secret may not share a name; the secret (set by hand) wins until it is deleted.
      output.line(`  ! ${name} is a secret on the Worker, so setup leaves it as is (to manage it here: npx wrangler secret delete ${name})`);
      delete vars[name];
    }
  }
  return vars;
}

function printSummary(output: Output, r: SetupReport, health: string, webhook: string): void {
  output.line();
  output.line(r.healthy ? "Done: your bot is live." : "Deployed, but the Worker is not healthy yet (see below; `npm run doctor` explains).");
  output.line(`  bot       @${r.botUsername}  https://t.me/${r.botUsername}`);
  output.line(`  worker    ${r.workerUrl}  (health: ${health})`);
  output.line(`  webhook   ${webhook}`);
  output.line(`  database  ${r.databaseId}${r.createdDatabase ? " (new)" : ""}`);
  output.line(`  changed   ${[r.createdDatabase && "created D1 database", r.secretsPut.length > 0 && `put ${r.secretsPut.join(", ")}`, r.webhookSet && "set webhook", r.commandsSet && "registered commands"].filter(Boolean).join("; ") || "nothing (already set up)"}`);
  output.line();
  output.line(`Try first: open https://t.me/${r.botUsername}, send /start, then /cloudflare whoami.`);
  output.line("Later: `npm run deploy` after changes, `npm run doctor` when something is off, `npx wrangler tail` for logs.");
}
