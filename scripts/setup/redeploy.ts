/**
 * `npm run deploy`: regenerate wrangler.deploy.toml from wrangler.toml and the remembered
 * settings, apply remote migrations first, then deploy. No questions, no secrets, no Telegram
 * calls (the webhook and secrets do not change on a redeploy).
 */
import type { CommandRunner } from "./command-runner.ts";
import { checkLogin, checkNode, fetchHealth } from "./checks.ts";
import { BASE_CONFIG, writeDeployConfig } from "./deploy-config.ts";
import { SetupError } from "./errors.ts";
import type { Output } from "./output.ts";
import { deployVars } from "./run-setup.ts";
import { readSettings, writeSettings } from "./settings.ts";
import type { FetchLike } from "./telegram-client.ts";
import { Wrangler } from "./wrangler.ts";

/** What redeploy needs, injected. */
export interface RedeployDeps {
  root: string;
  run: CommandRunner;
  fetch: FetchLike;
  output: Output;
  nodeVersion: string;
  env: Record<string, string | undefined>;
  sleep?: (ms: number) => Promise<void>;
}

/** Redeploys; returns the Worker URL. */
export async function runRedeploy(deps: RedeployDeps): Promise<string> {
  const { output } = deps;
  const settings = readSettings(deps.root);
  if (!settings.databaseId) throw new SetupError("deploy", "this checkout was never set up: run `npm run setup` first");
  checkNode(deps.nodeVersion);
  const wrangler = new Wrangler(deps.run);
  await checkLogin(wrangler, deps.env);
  const secrets = new Set(await wrangler.listSecrets(BASE_CONFIG));
  const config = writeDeployConfig(deps.root, { databaseId: settings.databaseId, vars: deployVars(settings, secrets, output) });
  output.line("Applying migrations (remote)…");
  await wrangler.applyMigrations(config);
  output.line("Deploying…");
  const url = (await wrangler.deploy(config)) ?? settings.workerUrl;
  if (!url) throw new SetupError("deploy", "deployed, but wrangler printed no URL and none is remembered: run `npm run setup -- --url https://…`");
  if (url !== settings.workerUrl) {
    settings.workerUrl = url;
    writeSettings(deps.root, settings);
  }
  const health = await fetchHealth(deps.fetch, url, { attempts: 3, ...(deps.sleep ? { sleep: deps.sleep } : {}) });
  output.line(`Deployed ${url}: health ${health.reachable ? (health.ok ? `ok${health.version ? ` (version ${health.version})` : ""}` : `not ok, missing ${health.missing.join(", ")}`) : `unreachable (${health.error})`}`);
  return url;
}
