/**
 * Starts the outside world's fakes on loopback before the Workers pool boots:
 * the fake Telegram Bot API (and, as later features need them, the Cloudflare API emulator).
 * Their URLs are handed to the Worker's bindings through `provide`/`inject`.
 */
import type { TestProject } from "vitest/node";
import { startCloudflareEmulator } from "../dev/cloudflare-emulator/server.ts";
import { startFakeTelegram } from "../dev/fake-telegram/server.ts";
import { TEST_ENV } from "./support/test-env.ts";

declare module "vitest" {
  export interface ProvidedContext {
    telegramApiRoot: string;
    /** The Cloudflare API emulator's origin; its API is under `/client/v4`, its controls under `/__emulator/`. */
    cloudflareEmulatorUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const telegram = await startFakeTelegram({ token: TEST_ENV.TELEGRAM_BOT_TOKEN });
  project.provide("telegramApiRoot", telegram.url);
  const cloudflare = await startCloudflareEmulator();
  project.provide("cloudflareEmulatorUrl", cloudflare.url);
  return async () => {
    await telegram.close();
    await cloudflare.close();
  };
}
