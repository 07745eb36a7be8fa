/** Command-line flags and environment of `npm run setup` (secrets only from the environment). */
import { parseArgs } from "node:util";
import type { SetupOptions } from "./run-setup.ts";

/** The usage text of `npm run setup`. */
export const SETUP_USAGE = `npm run setup [-- options]

Deploys the bot to your Cloudflare account and connects it to Telegram. Safe to run again.

Options (non-secret values; secrets come from the environment or a hidden prompt):
  --yes, -y                 never ask; a missing value is an error naming its variable (CI)
  --allowed-users IDS       ALLOWED_USER_IDS (comma-separated Telegram user ids)
  --approvers IDS           APPROVER_IDS
  --llm-provider NAME       LLM_PROVIDER      --llm-model NAME   LLM_MODEL
  --llm-base-url URL        LLM_BASE_URL      --retention-days N AUDIT_RETENTION_DAYS
  --url URL                 the Worker's public URL, if not the workers.dev one (custom domain)
  --rotate                  make a new TELEGRAM_WEBHOOK_SECRET and set the webhook with it
  --rotate-encryption-key   make a new ENCRYPTION_KEY (connected tokens must be connected again)

Environment: TELEGRAM_BOT_TOKEN, BOT_CLOUDFLARE_API_TOKEN (the token the bot acts with),
LLM_API_KEY, and any of the values above by their variable name. CLOUDFLARE_API_TOKEN and
CLOUDFLARE_ACCOUNT_ID are wrangler's (deploy) credentials, not the bot's.`;

/** Parses argv and env into setup options (`help` when --help was given). */
export function parseSetupArgs(argv: string[], env: Record<string, string | undefined>): { help: boolean; yes: boolean; options: SetupOptions } {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: "boolean", short: "h", default: false },
      yes: { type: "boolean", short: "y", default: false },
      rotate: { type: "boolean", default: false },
      "rotate-encryption-key": { type: "boolean", default: false },
      "allowed-users": { type: "string" },
      approvers: { type: "string" },
      "llm-provider": { type: "string" },
      "llm-model": { type: "string" },
      "llm-base-url": { type: "string" },
      "retention-days": { type: "string" },
      url: { type: "string" },
    },
    strict: true,
  });
  return {
    help: values.help,
    yes: values.yes || env.CI === "true",
    options: {
      rotate: values.rotate,
      rotateEncryptionKey: values["rotate-encryption-key"],
      workerUrl: values.url ?? env.WORKER_URL,
      telegramApiRoot: env.TELEGRAM_API_ROOT || undefined,
      values: {
        TELEGRAM_BOT_TOKEN: env.TELEGRAM_BOT_TOKEN,
        ALLOWED_USER_IDS: values["allowed-users"] ?? env.ALLOWED_USER_IDS,
        APPROVER_IDS: values.approvers ?? env.APPROVER_IDS,
        CLOUDFLARE_API_TOKEN: env.BOT_CLOUDFLARE_API_TOKEN,
        LLM_PROVIDER: values["llm-provider"] ?? env.LLM_PROVIDER,
        LLM_MODEL: values["llm-model"] ?? env.LLM_MODEL,
        LLM_API_KEY: env.LLM_API_KEY,
        LLM_BASE_URL: values["llm-base-url"] ?? env.LLM_BASE_URL,
        AUDIT_RETENTION_DAYS: values["retention-days"] ?? env.AUDIT_RETENTION_DAYS,
      },
    },
  };
}
