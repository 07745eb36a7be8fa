/**
 * Who a token is and what it reaches: its id, status and expiry, the user (when the token may
 * read /user), its accounts and its zones. A permission the token lacks is reported as absent,
 * not as a failure: a narrowly scoped token is a good token.
 */
import { z } from "zod";
import type { CloudflareClient } from "./client.ts";
import { CloudflareApiError } from "./errors.ts";
import { listAll } from "./paginate.ts";

const verifySchema = z.object({
  id: z.string(),
  status: z.string(),
  expires_on: z.string().nullish(),
  not_before: z.string().nullish(),
});
const userSchema = z.object({ id: z.string(), email: z.string() });
const accountSchema = z.object({ id: z.string(), name: z.string() });
const zoneSchema = z.object({ name: z.string() });

/** What `/cloudflare whoami` shows. */
export interface WhoAmI {
  token: { id: string; status: string; expiresOn?: string; notBefore?: string };
  /** Absent when the token may not read /user. */
  user?: { id: string; email: string };
  /** Absent when the token is not active; empty when it can list none. */
  accounts?: { id: string; name: string }[];
  /** Absent when the token is not active or may not list zones; `names` holds the first few. */
  zones?: { total: number; names: string[] };
}

/** Asks Cloudflare who the client's token is; throws `CloudflareApiError` when the token is refused. */
export async function whoami(client: CloudflareClient): Promise<WhoAmI> {
  const verified = await client.result({ path: "/user/tokens/verify", operation: "user.tokens.verify" }, verifySchema);
  const token = { id: verified.id, status: verified.status,
    ...(verified.expires_on ? { expiresOn: verified.expires_on } : {}), ...(verified.not_before ? { notBefore: verified.not_before } : {}) };
  if (verified.status !== "active") return { token };
  const [user, accounts, zones] = await Promise.all([
    unlessForbidden(client.result({ path: "/user", operation: "user.get" }, userSchema)),
    unlessForbidden(listAll(client, { path: "/accounts", operation: "accounts.list" }, { perPage: 50, maxPages: 4, schema: accountSchema })),
    unlessForbidden(countZones(client)),
  ]);
  return { token, accounts: accounts ?? [], ...(user ? { user: { id: user.id, email: user.email } } : {}), ...(zones ? { zones } : {}) };
}

async function countZones(client: CloudflareClient): Promise<{ total: number; names: string[] }> {
  const response = await client.request({ path: "/zones", query: { per_page: 50 }, operation: "zones.list" });
  if (response.kind !== "json" || !Array.isArray(response.result)) {
    throw new CloudflareApiError({ reason: "invalid_response", operation: "zones.list", status: response.status, detail: "the result is not a list" });
  }
  const names = response.result.flatMap((z) => { const parsed = zoneSchema.safeParse(z); return parsed.success ? [parsed.data.name] : []; });
  return { total: response.resultInfo?.total_count ?? names.length, names };
}

/** A permission the token lacks (403) becomes `undefined`; every other failure still throws. */
async function unlessForbidden<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof CloudflareApiError && error.reason === "api" && error.status === 403) return undefined;
    throw error;
  }
}
