/**
 * Which Cloudflare credential a requester's calls go out with, and the path parameters filled in
 * for them (the account, when their token reaches exactly one).
 *
 * A requester's own token (`/connect`) wins over the deployment's. It is looked up per call (one
 * D1 read by primary key), so `/connect` and `/disconnect` in any chat apply at once; its id
 * changes whenever the token does, which voids cards shown for the old one. The token itself
 * stays here, on the host: the sandbox never sees it.
 */
import { UserFacingError } from "../../../core/errors.ts";
import type { CredentialRef } from "../../../approvals/stored-request.ts";
import { createCloudflareClient, type CloudflareClient } from "../api/index.ts";
import { TokenVaultError, userTokenFor, type UserToken } from "../byok/index.ts";

/** A requester's credential: which token (for cards) and a client bound to it. */
export interface Credential {
  ref: CredentialRef;
  client: CloudflareClient;
}

/** What the credentials need from the deployment. */
export interface CredentialSettings {
  db: D1Database;
  /** The key that opens tokens stored with /connect (absent: nobody can have one). */
  encryptionKey: string | undefined;
  /** The deployment's own token (absent: only /connect-ed tokens work). */
  deploymentToken: string | undefined;
  apiBase: string;
}

/** Credentials and default parameters per requester, cached for the life of the chat's object. */
export class RequesterCredentials {
  private readonly s: CredentialSettings;
  private readonly defaults = new Map<number, { credential: string; values: Promise<Record<string, string>> }>();

  constructor(settings: CredentialSettings) {
    this.s = settings;
  }

  /** The credential `requesterId`'s calls go out with now; a `UserFacingError` says why there is none. */
  async credentialFor(requesterId: number): Promise<Credential> {
    const { ref, token } = await this.tokenAndRef(requesterId);
    return { ref, client: createCloudflareClient({ token, baseUrl: this.s.apiBase }) };
  }

  /**
   * The token itself, for a host-side call that must carry it elsewhere (an MCP server configured
   * with `auth: "cloudflare"`, such as Cloudflare's own). Never for the sandbox, a message or a log.
   */
  async tokenFor(requesterId: number): Promise<string> {
    return (await this.tokenAndRef(requesterId)).token;
  }

  private async tokenAndRef(requesterId: number): Promise<{ ref: CredentialRef; token: string }> {
    let own: UserToken | undefined;
    try {
      own = await userTokenFor(this.s.db, this.s.encryptionKey, requesterId);
    } catch (error) {
      if (error instanceof TokenVaultError) throw new UserFacingError(`Your connected Cloudflare token cannot be used. ${error.message}`);
      throw error;
    }
    const token = own?.token ?? this.s.deploymentToken;
    if (!token) throw new UserFacingError("No Cloudflare API token is configured: set CLOUDFLARE_API_TOKEN (wrangler secret put CLOUDFLARE_API_TOKEN), or connect your own with /connect in a private chat.");
    const ref: CredentialRef = own
      ? { id: `user:${own.tokenId ?? ""}:${own.updatedAt}`, label: `connected token …${own.last4}` }
      : { id: "deployment", label: "the bot's token" };
    return { ref, token };
  }

  /** Path parameters filled in when a snippet leaves them out: the account, when the token reaches exactly one. */
  async defaultsFor(requesterId: number, credential?: Credential): Promise<Record<string, string>> {
    const { ref, client } = credential ?? await this.credentialFor(requesterId);
    const cached = this.defaults.get(requesterId);
    // A different token may reach a different account: its defaults are looked up again.
    if (cached && cached.credential === ref.id) return cached.values;
    const values = (async (): Promise<Record<string, string>> => {
      const accounts = await client.result({ path: "/accounts", query: { per_page: 5 }, operation: "accounts.list" });
      const only = Array.isArray(accounts) && accounts.length === 1 ? (accounts[0] as { id?: unknown }).id : undefined;
      return typeof only === "string" ? { account_id: only } : {};
    })();
    values.catch(() => this.defaults.delete(requesterId));
    this.defaults.set(requesterId, { credential: ref.id, values });
    return values;
  }
}
