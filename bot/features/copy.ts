/** Fixed lines the bot says in more than one place. */

/** What a stranger (not in ALLOWED_USER_IDS) is told, once per message: with their id, so the owner can add them. */
export function strangerLine(userId: number | undefined): string {
  const id = userId === undefined ? "your Telegram user id" : `Your Telegram user id is ${userId}: ask the owner to add it`;
  return `Sorry, this bot is private: it operates its owner's Cloudflare account. ${userId === undefined ? `Ask the owner to add ${id}` : id} to ALLOWED_USER_IDS.`;
}

/** What a tap on a button the bot no longer knows is answered with. */
export const STALE_BUTTON_LINE = "This button is no longer active.";

/** Where a person creates and rolls Cloudflare API tokens. */
export const TOKENS_PAGE = "https://dash.cloudflare.com/profile/api-tokens";
