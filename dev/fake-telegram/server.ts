/** Runs the fake Telegram Bot API on a local port. */
import { serveHandler, type LocalServer } from "../shared/node-server.ts";
import { FakeBotApi, type FakeBotApiOptions } from "./fake-bot-api.ts";

/** Starts a fake Bot API on 127.0.0.1 and returns it with its URL (use it as TELEGRAM_API_ROOT). */
export async function startFakeTelegram(
  options: FakeBotApiOptions & { port?: number } = {},
): Promise<LocalServer & { api: FakeBotApi }> {
  const api = new FakeBotApi(options);
  const server = await serveHandler((request) => api.handle(request), options.port ?? 0);
  return { ...server, api };
}
