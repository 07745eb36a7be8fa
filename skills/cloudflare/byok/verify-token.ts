/** Checks a token with Cloudflare before it is stored: `GET /user/tokens/verify`. */
import { z } from "zod";
import type { CloudflareClient } from "../api/index.ts";

const verifySchema = z.object({
  id: z.string(),
  status: z.string(),
  expires_on: z.string().nullish(),
});

/** What Cloudflare says about a token. */
export interface VerifiedToken {
  id: string;
  /** `active`, `expired` or `disabled`. */
  status: string;
  expiresOn?: string;
}

/** Asks Cloudflare about the client's token; throws `CloudflareApiError` when it is refused or unreachable. */
export async function verifyToken(client: CloudflareClient): Promise<VerifiedToken> {
  const verified = await client.result({ path: "/user/tokens/verify", operation: "user.tokens.verify" }, verifySchema);
  return { id: verified.id, status: verified.status, ...(verified.expires_on ? { expiresOn: verified.expires_on } : {}) };
}
