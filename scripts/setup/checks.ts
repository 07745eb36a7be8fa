/** Checks shared by setup, deploy and doctor: Node version, wrangler login, the Worker's /health. */
import { z } from "zod";
import { SetupError } from "./errors.ts";
import type { FetchLike } from "./telegram-client.ts";
import type { WhoAmI, Wrangler } from "./wrangler.ts";

/** The oldest Node wrangler runs on. */
export const MIN_NODE = "22.12.0";

/** Throws unless `version` (process.versions.node) is at least MIN_NODE. */
export function checkNode(version: string): void {
  const [a = 0, b = 0] = version.split(".").map(Number);
  const [x = 0, y = 0] = MIN_NODE.split(".").map(Number);
  if (a < x || (a === x && b < y)) {
    throw new SetupError("node", `Node ${version} is too old for wrangler (needs ${MIN_NODE}+). Run through npm (\`npm run setup\`): the node@22 dev dependency puts Node 22 on the PATH of npm scripts.`);
  }
}

/** Throws unless wrangler is logged in (OAuth or CLOUDFLARE_API_TOKEN) with one account chosen. */
export async function checkLogin(wrangler: Wrangler, env: Record<string, string | undefined>): Promise<WhoAmI> {
  const who = await wrangler.whoami();
  if (!who) {
    throw new SetupError("login", env.CLOUDFLARE_API_TOKEN
      ? "CLOUDFLARE_API_TOKEN is set but Cloudflare does not accept it: check it in the dashboard (My Profile → API Tokens), or unset it and run `npx wrangler login`."
      : "wrangler is not logged in: run `npx wrangler login` (opens a browser), or set CLOUDFLARE_API_TOKEN to a token that may edit Workers and D1 (see docs/deploy.md).");
  }
  if (who.accounts.length > 1 && !env.CLOUDFLARE_ACCOUNT_ID) {
    throw new SetupError("login", `your login reaches ${who.accounts.length} accounts; set CLOUDFLARE_ACCOUNT_ID to the one to deploy to:\n${who.accounts.map((a) => `  ${a.id}  ${a.name}`).join("\n")}`);
  }
  return who;
}

const healthSchema = z.object({ ok: z.boolean(), version: z.string().optional(), missing: z.array(z.string()).optional() });

/** What GET /health answered. */
export type Health = { reachable: true; status: number; ok: boolean; version?: string | undefined; missing: string[] } | { reachable: false; error: string };

/** GET <worker>/health, retried a few times (a new workers.dev name can take seconds to resolve). */
export async function fetchHealth(fetch: FetchLike, workerUrl: string, options: { attempts?: number; sleep?: (ms: number) => Promise<void> } = {}): Promise<Health> {
  const attempts = options.attempts ?? 1;
  let last: Health = { reachable: false, error: "not tried" };
  for (let i = 0; i < attempts; i += 1) {
    if (i > 0) await (options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))))(2000);
    try {
      const response = await fetch(`${workerUrl.replace(/\/+$/, "")}/health`, { signal: AbortSignal.timeout(10_000) });
      const body = healthSchema.safeParse(await response.json().catch(() => undefined));
      if (body.success) return { reachable: true, status: response.status, ok: body.data.ok && response.ok, version: body.data.version, missing: body.data.missing ?? [] };
      last = { reachable: false, error: `HTTP ${response.status}, not the bot's /health` };
    } catch (error) {
      last = { reachable: false, error: error instanceof Error ? error.message : String(error) };
    }
  }
  return last;
}
