/**
 * What the bot says when no model is configured: exactly where the settings go for the way this
 * bot runs. Locally (`npm start`, `wrangler dev`: the Bot API it talks to is on this machine)
 * that is `.dev.vars`; deployed, `wrangler secret put`.
 */
import type { Config } from "../../../core/config.ts";

/** Whether the bot runs on this machine: its Bot API is on a loopback address (the playground, a local test). */
export function runsLocally(config: Pick<Config, "TELEGRAM_API_ROOT">): boolean {
  try {
    const host = new URL(config.TELEGRAM_API_ROOT).hostname;
    return host === "localhost" || host === "[::1]" || /^127\./.test(host);
  } catch {
    return false;
  }
}

/** The no-model reply, with where to set LLM_PROVIDER, LLM_MODEL and LLM_API_KEY. */
export function noModelText(config: Pick<Config, "TELEGRAM_API_ROOT">): string {
  const where = runsLocally(config)
    ? "This bot runs locally: add LLM_PROVIDER, LLM_MODEL and LLM_API_KEY to .dev.vars in the project folder (see .dev.vars.example), then restart npm start."
    : "This bot is deployed: in the project folder run npx wrangler secret put LLM_API_KEY, and set LLM_PROVIDER and LLM_MODEL the same way (or run npm run setup again).";
  return `No model is configured, so I can't turn plain requests into code yet. ${where} Providers: Workers AI, Groq, OpenAI, Anthropic, a local server… (README: Models). Meanwhile /cloudflare run <js> and the other commands work without a model (/help).`;
}
