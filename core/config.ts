/**
 * The Worker's configuration: every variable from DESIGN.md, validated once per isolate with zod.
 *
 * `readConfig(env)` never throws: it returns either a config or the list of problems, so
 * `/health` can report them and the webhook can fail closed with one clear log line.
 * `requireConfig(env)` is the throwing form for code that cannot run without it.
 */
import { z } from "zod";
import { ConfigError } from "./errors.ts";

const userIdList = z
  .string()
  .trim()
  .transform((value, ctx) => {
    if (value === "") return [] as number[];
    const ids: number[] = [];
    for (const part of value.split(/[\s,]+/).filter(Boolean)) {
      if (!/^-?\d{1,20}$/.test(part)) {
        ctx.addIssue({ code: "custom", message: `"${part.slice(0, 20)}" is not a Telegram user id (digits only)` });
        return z.NEVER;
      }
      ids.push(Number(part));
    }
    return ids;
  });

const optionalText = z.string().trim().optional().transform((v) => (v === "" ? undefined : v));
const optionalUrl = optionalText.pipe(z.url({ message: "must be a URL such as https://example.com" }).optional());

/** One MCP server whose tools snippets may use (`MCP_SERVERS`). */
const mcpServerSchema = z.object({
  /** The global snippets call it by: `name.tool(args)`. */
  name: z.string().regex(/^[a-z][a-z0-9_]{0,30}$/, "must be a lowercase identifier (a-z, 0-9, _)")
    .refine((name) => !["cloudflare", "codemode"].includes(name), "is reserved"),
  url: z.url({ message: "must be the server's Streamable HTTP URL, such as https://example.com/mcp" }),
  /** How to authenticate: the name of a secret holding the Authorization header's value, or "cloudflare" for the requester's Cloudflare token. */
  auth: z.string().regex(/^[A-Z][A-Z0-9_]*$|^cloudflare$/, "must name a secret (UPPER_CASE) or be \"cloudflare\"").optional(),
  /** Which calls need a tap: "hints" (the default: tools marked readOnlyHint run at once), "ask" (every call), "deny" (none may run). */
  policy: z.enum(["hints", "ask", "deny"]).default("hints"),
});

/** An MCP server snippets may use. */
export type McpServerConfig = z.infer<typeof mcpServerSchema>;

const mcpServers = optionalText.transform((text, ctx) => {
  if (text === undefined) return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    ctx.addIssue({ code: "custom", message: "must be JSON: [{ \"name\": \"docs\", \"url\": \"https://…/mcp\" }]" });
    return z.NEVER;
  }
  const parsed = z.array(mcpServerSchema).max(10).safeParse(value);
  if (!parsed.success) {
    ctx.addIssue({ code: "custom", message: parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ") });
    return z.NEVER;
  }
  const names = parsed.data.map((s) => s.name);
  if (new Set(names).size !== names.length) {
    ctx.addIssue({ code: "custom", message: "names each server once" });
    return z.NEVER;
  }
  return parsed.data;
});

/** The schema of the Worker's environment variables and secrets. */
export const configSchema = z.object({
  TELEGRAM_BOT_TOKEN: z
    .string({ message: "is missing" })
    .trim()
    .regex(/^\d+:[A-Za-z0-9_-]{5,}$/, "does not look like a bot token from @BotFather (digits:letters)"),
  TELEGRAM_WEBHOOK_SECRET: z
    .string({ message: "is missing" })
    .regex(/^[A-Za-z0-9_-]{1,256}$/, "must be 1-256 characters of A-Z, a-z, 0-9, _ and -"),
  /** The bot's @username without the @ (from getMe); needed for `/cmd@name` in groups. */
  TELEGRAM_BOT_USERNAME: optionalText.transform((v) => v?.replace(/^@/, "")),
  TELEGRAM_API_ROOT: optionalUrl.transform((v) => (v ?? "https://api.telegram.org").replace(/\/+$/, "")),
  ALLOWED_USER_IDS: z.string({ message: "is missing (comma-separated Telegram user ids)" }).pipe(userIdList)
    .refine((ids) => ids.length > 0, "lists nobody; add at least your own Telegram user id"),
  APPROVER_IDS: z.string().optional().default("").pipe(userIdList),
  CLOUDFLARE_API_TOKEN: optionalText,
  CLOUDFLARE_API_BASE: optionalUrl.transform((v) => (v ?? "https://api.cloudflare.com/client/v4").replace(/\/+$/, "")),
  LLM_PROVIDER: optionalText,
  LLM_MODEL: optionalText,
  LLM_API_KEY: optionalText,
  LLM_BASE_URL: optionalUrl,
  /** Deep Mode's strong model (`/deep`, and `/model auto` when the chat's model fails), set like LLM_*. */
  LLM_STRONG_PROVIDER: optionalText,
  LLM_STRONG_MODEL: optionalText,
  LLM_STRONG_API_KEY: optionalText,
  LLM_STRONG_BASE_URL: optionalUrl,
  ENCRYPTION_KEY: optionalText,
  APPROVAL_TTL_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  /** Per-user model requests per minute (0 = no limit). */
  LLM_REQUESTS_PER_MINUTE: z.coerce.number().int().min(0).default(10),
  /** Per-user model tokens (input + output) per UTC day (0 = no limit). */
  LLM_TOKENS_PER_DAY: z.coerce.number().int().min(0).default(200_000),
  /** Model steps (tool calls and answers) allowed per request. */
  LLM_MAX_STEPS: z.coerce.number().int().min(1).max(30).default(8),
  /** The least time between two edits of a status message (Telegram allows about one edit a second per message). */
  CHAT_EDIT_INTERVAL_MS: z.coerce.number().int().min(0).max(10_000).default(1000),
  /** Base delay of the inbox's retry backoff (doubles per attempt). */
  INBOX_RETRY_BASE_MS: z.coerce.number().int().min(1).max(60_000).default(1000),
  /** Attempts before an update is given up on and the person is told. */
  INBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  /** Days audit and model-usage rows are kept before the retention cron (bot/ops/) deletes them. */
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** Other MCP servers whose tools snippets may use, as JSON (README: MCP). */
  MCP_SERVERS: mcpServers,
  /** Requests per minute one MCP token may make to /mcp. */
  MCP_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(60),
  /** The Worker's public URL (e.g. https://bot.example.workers.dev), shown by /mcp so a person can paste it into a client. */
  PUBLIC_URL: optionalUrl.transform((v) => v?.replace(/\/+$/, "")),
  /** Ended runs a chat keeps (with their execution logs and cards, for Undo and /save); older ones are pruned. */
  RUN_RETENTION_RUNS: z.coerce.number().int().min(10).max(10_000).default(200),
  /** Days a chat keeps an ended run, at most (Undo and /save work within this window). */
  RUN_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
});

/** The validated configuration. */
export type Config = z.infer<typeof configSchema>;

/** The outcome of reading the configuration. */
export type ConfigResult = { ok: true; config: Config } | { ok: false; error: ConfigError };

const cache = new WeakMap<object, ConfigResult>();

/** Validates `env` once per isolate (cached by the env object) and never throws. */
export function readConfig(env: object): ConfigResult {
  const cached = cache.get(env);
  if (cached) return cached;
  const parsed = configSchema.safeParse(blankToUndefined(env));
  const result: ConfigResult = parsed.success
    ? { ok: true, config: parsed.data }
    : { ok: false, error: toConfigError(parsed.error) };
  cache.set(env, result);
  if (!result.ok) console.error(JSON.stringify({ level: "error", event: "config_invalid", variables: result.error.variables, message: result.error.message }));
  return result;
}

/** Validates `env` and throws a `ConfigError` naming every bad variable. */
export function requireConfig(env: object): Config {
  const result = readConfig(env);
  if (!result.ok) throw result.error;
  return result.config;
}

/** Whether a user may use the bot at all (listed users and approvers). */
export function isAllowedUser(config: Config, userId: number | undefined): boolean {
  return userId !== undefined && (config.ALLOWED_USER_IDS.includes(userId) || config.APPROVER_IDS.includes(userId));
}

/** Empty strings (from `KEY=` lines) count as unset, so defaults apply and "missing" is reported. */
function blankToUndefined(env: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = (env as Record<string, unknown>)[key];
    out[key] = typeof value === "string" && value.trim() === "" ? undefined : value;
  }
  return out;
}

function toConfigError(error: z.ZodError): ConfigError {
  const variables = [...new Set(error.issues.map((issue) => String(issue.path[0] ?? "config")))];
  const problems = error.issues.map((issue) => `${String(issue.path[0] ?? "config")} ${issue.message}`);
  return new ConfigError(variables, problems);
}
