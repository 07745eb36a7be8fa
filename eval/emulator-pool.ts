/**
 * One Cloudflare demo account per eval task, behind one port: each task gets a fresh
 * `CloudflareEmulator` and a token minted in it, and a request goes to the emulator whose token it
 * carries. Tasks can then run in parallel against one Worker (each person `/connect`s their task's
 * token), and each checker reads its own account's final state and recorded requests.
 * Requests with no task's token go to a shared account (the deployment's token).
 */
import { API_BASE_PATH, CloudflareEmulator } from "../dev/cloudflare-emulator/emulator.ts";
import { serveHandler, type LocalServer } from "../dev/shared/node-server.ts";

/** A running pool. */
export interface EmulatorPool extends LocalServer {
  /** CLOUDFLARE_API_BASE for the Worker. */
  apiBase: string;
  /** A fresh demo account and the token that reaches it. */
  account(): { emulator: CloudflareEmulator; token: string };
}

/** Starts the pool on 127.0.0.1. */
export async function startEmulatorPool(): Promise<EmulatorPool> {
  const shared = new CloudflareEmulator();
  const byToken = new Map<string, CloudflareEmulator>();
  const server = await serveHandler(async (request) => {
    const token = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1];
    return (byToken.get(token ?? "") ?? shared).handle(request);
  }, 0);
  return {
    ...server,
    apiBase: `${server.url}${API_BASE_PATH}`,
    account() {
      const emulator = new CloudflareEmulator();
      const token = emulator.mintToken().value;
      byToken.set(token, emulator);
      return { emulator, token };
    },
  };
}
