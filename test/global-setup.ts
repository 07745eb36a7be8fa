/**
 * Starts the outside world's fakes on loopback before the Workers pool boots:
 * the fake Telegram Bot API (and, as later features need them, the Cloudflare API emulator).
 * Their URLs are handed to the Worker's bindings through `provide`/`inject`.
 */
import type { TestProject } from "vitest/node";
import { startCloudflareEmulator } from "../dev/cloudflare-emulator/server.ts";
import { startFakeTelegram } from "../dev/fake-telegram/server.ts";
import { startNotesServer } from "../dev/fake-mcp/server.ts";
import { NOTES_MCP_TOKEN, TEST_ENV } from "./support/test-env.ts";

declare module "vitest" {
  export interface ProvidedContext {
    telegramApiRoot: string;
    /** The Cloudflare API emulator's origin; its API is under `/client/v4`, its controls under `/__emulator/`. */
    cloudflareEmulatorUrl: string;
    /** The fake "notes" MCP server's origin; its MCP endpoint is `/mcp`, its controls under `/__fake/`. */
    notesMcpUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const telegram = await startFakeTelegram({ token: TEST_ENV.TELEGRAM_BOT_TOKEN });
  project.provide("telegramApiRoot", telegram.url);
  const cloudflare = await startCloudflareEmulator();
  project.provide("cloudflareEmulatorUrl", cloudflare.url);
  const notes = await startNotesServer({ token: NOTES_MCP_TOKEN });
  project.provide("notesMcpUrl", notes.url);
  return async () => {
    await telegram.close();
    await cloudflare.close();
    await notes.close();
  };
}
