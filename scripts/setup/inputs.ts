/**
 * The values setup needs, from (in order) flags/environment, what a previous run remembered,
 * and, when interactive, a question. Secrets come only from the environment or a hidden prompt,
 * never from a flag (argv shows up in `ps` and shell history).
 */
import { SetupError } from "./errors.ts";
import type { Output } from "./output.ts";
import type { Prompter } from "./prompter.ts";
import type { DeploySettings } from "./settings.ts";

/** Values given up front (environment variables and flags). */
export interface SetupValues {
  TELEGRAM_BOT_TOKEN?: string | undefined;
  ALLOWED_USER_IDS?: string | undefined;
  APPROVER_IDS?: string | undefined;
  /** The bot's own Cloudflare API token (env `BOT_CLOUDFLARE_API_TOKEN`; CLOUDFLARE_API_TOKEN is wrangler's deploy token). */
  CLOUDFLARE_API_TOKEN?: string | undefined;
  LLM_PROVIDER?: string | undefined;
  LLM_MODEL?: string | undefined;
  LLM_API_KEY?: string | undefined;
  LLM_BASE_URL?: string | undefined;
  AUDIT_RETENTION_DAYS?: string | undefined;
}

/** Everything setup goes on with. */
export interface ResolvedInputs {
  botToken: string;
  /** Non-secret settings for the deploy config's [vars]. */
  vars: Record<string, string>;
  /** Optional secrets the person supplied this run. */
  optionalSecrets: Record<string, string>;
}

const BOT_TOKEN = /^\d+:[A-Za-z0-9_-]{5,}$/;
const ID_LIST = /^\s*-?\d{1,20}(\s*[, ]\s*-?\d{1,20})*\s*$/;
const NON_SECRET = ["ALLOWED_USER_IDS", "APPROVER_IDS", "LLM_PROVIDER", "LLM_MODEL", "LLM_BASE_URL", "AUDIT_RETENTION_DAYS"] as const;

/** Collects the inputs; throws a SetupError naming the variable when a required one is missing. */
export async function resolveInputs(values: SetupValues, settings: DeploySettings, prompter: Prompter, output: Output, existingSecrets: ReadonlySet<string>): Promise<ResolvedInputs> {
  const firstRun = settings.databaseId === undefined;
  const botToken = values.TELEGRAM_BOT_TOKEN?.trim()
    || await prompter.ask("Telegram bot token from @BotFather", { secret: true });
  output.secret(botToken);
  if (!botToken) throw new SetupError("inputs", "TELEGRAM_BOT_TOKEN is missing: create a bot with @BotFather, then run `TELEGRAM_BOT_TOKEN=… npm run setup`");
  if (!BOT_TOKEN.test(botToken)) throw new SetupError("inputs", "TELEGRAM_BOT_TOKEN does not look like a token from @BotFather (digits:letters)");

  const vars: Record<string, string> = {};
  for (const key of NON_SECRET) {
    const value = values[key]?.trim() ?? settings.vars[key];
    if (value !== undefined && value !== "") vars[key] = value;
  }
  if (!vars.ALLOWED_USER_IDS) {
    vars.ALLOWED_USER_IDS = await prompter.ask("Telegram user ids allowed to use the bot, comma-separated (yours: ask @userinfobot)");
  }
  if (!vars.ALLOWED_USER_IDS) throw new SetupError("inputs", "ALLOWED_USER_IDS is missing: set it to your Telegram user id (ask @userinfobot), e.g. `ALLOWED_USER_IDS=123456789 npm run setup`");
  for (const key of ["ALLOWED_USER_IDS", "APPROVER_IDS"] as const) {
    if (vars[key] !== undefined && !ID_LIST.test(vars[key])) throw new SetupError("inputs", `${key} must be Telegram user ids (digits), comma-separated`);
  }

  const optionalSecrets: Record<string, string> = {};
  const ask = async (name: string, question: string, secret: boolean): Promise<string | undefined> => {
    const given = values[name as keyof SetupValues]?.trim();
    if (given) return given;
    if (!prompter.interactive || !firstRun || existingSecrets.has(name) || vars[name]) return undefined;
    return (await prompter.ask(question, { secret })) || undefined;
  };
  if (firstRun && prompter.interactive && vars.APPROVER_IDS === undefined) {
    const approvers = await prompter.ask("User ids who may approve anyone's changes (optional, Enter to skip)");
    if (approvers) vars.APPROVER_IDS = approvers;
  }
  const cfToken = await ask("CLOUDFLARE_API_TOKEN", "Cloudflare API token the bot acts with (optional, Enter to skip: people /connect their own)", true);
  if (cfToken) optionalSecrets.CLOUDFLARE_API_TOKEN = cfToken;
  const provider = values.LLM_PROVIDER?.trim() || vars.LLM_PROVIDER
    || await ask("LLM_PROVIDER", "Model provider for plain-language requests (optional: openai, anthropic, groq, openrouter, deepseek, openai-compatible, workers-ai; Enter to skip)", false);
  if (provider) {
    vars.LLM_PROVIDER = provider;
    const model = vars.LLM_MODEL ?? await ask("LLM_MODEL", "Model name", false);
    if (model) vars.LLM_MODEL = model;
    const key = await ask("LLM_API_KEY", "Model API key (hidden)", true);
    if (key) optionalSecrets.LLM_API_KEY = key;
  }
  for (const value of Object.values(optionalSecrets)) output.secret(value);
  return { botToken, vars, optionalSecrets };
}
