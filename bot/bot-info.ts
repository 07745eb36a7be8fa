/**
 * A static `botInfo` so grammY never calls getMe per request or per Durable Object start.
 * grammY matches group commands addressed as `/cmd@name` against `username`, so the real
 * username comes from `TELEGRAM_BOT_USERNAME` (written by `npm run setup` from getMe).
 */
import type { UserFromGetMe } from "grammy/types";

/** Builds the bot's own user from its token (the id is the token's prefix) and username. */
export function botInfoFor(token: string, username = "codemode_bot"): UserFromGetMe {
  return {
    id: Number(token.split(":")[0]),
    is_bot: true,
    first_name: "Cloudflare Code Mode",
    username,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };
}
