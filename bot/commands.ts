/**
 * The one list of the bot's commands. `/help`, the command menus Telegram shows (per scope:
 * private chats and groups, set by `npm run setup`), the "did you mean" suggestion for an unknown
 * command, and a test are all made from it, so they cannot disagree.
 */
import { CommandGroup } from "@grammyjs/commands";
import type { BotCommand, BotCommandScope } from "grammy/types";
import type { BotContext } from "./context.ts";

/** Where a command is offered: everywhere, or only in a private chat with the bot (it handles secrets). */
export type CommandPlace = "anywhere" | "private";

/** One command: its name, one line for menus and /help, where it is offered. */
export interface CommandInfo {
  command: string;
  description: string;
  place: CommandPlace;
}

/** Every command the bot handles, in the order /help lists them. */
export const COMMANDS: readonly CommandInfo[] = [
  { command: "start", description: "What this bot is and how it keeps your account safe", place: "anywhere" },
  { command: "help", description: "Commands and skills", place: "anywhere" },
  { command: "cloudflare", description: "Cloudflare account: whoami, run <js>", place: "anywhere" },
  { command: "skills", description: "Built-in skills and your saved snippets", place: "anywhere" },
  { command: "save", description: "Save your last completed run as a snippet: /save <name>", place: "anywhere" },
  { command: "run", description: "Run a saved snippet: /run <name>", place: "anywhere" },
  { command: "forget", description: "Delete a saved snippet: /forget <name>", place: "anywhere" },
  { command: "audit", description: "The last runs in this chat; /audit <id> for one", place: "anywhere" },
  { command: "model", description: "Show or pick the model for plain-words requests; /model auto escalates", place: "anywhere" },
  { command: "deep", description: "Ask the strong model directly: /deep <request>", place: "anywhere" },
  { command: "new", description: "Start a fresh conversation with the model", place: "anywhere" },
  { command: "connect", description: "Use your own Cloudflare API token (stored encrypted)", place: "private" },
  { command: "disconnect", description: "Remove your connected token; the bot's token is used again", place: "private" },
  { command: "key", description: "Your own model API key: /key <provider> [remove] (stored encrypted)", place: "private" },
  { command: "mcp", description: "Tokens for MCP clients (Claude Code, Cursor…): /mcp new <name>, /mcp revoke <name>", place: "private" },
  { command: "cancel", description: "Stop waiting for a token or key", place: "private" },
];

const PRIVATE: BotCommandScope = { type: "all_private_chats" };
const GROUPS: BotCommandScope = { type: "all_group_chats" };

/** The commands as a @grammyjs/commands group (descriptions and scopes only; the features handle them). */
export function commandGroup(): CommandGroup<BotContext> {
  const group = new CommandGroup<BotContext>();
  for (const c of COMMANDS) {
    const command = group.command(c.command, c.description);
    command.addToScope(PRIVATE);
    if (c.place === "anywhere") command.addToScope(GROUPS);
  }
  return group;
}

/** The menu of each scope, as `setMyCommands` takes it. */
export function commandMenus(): Array<{ scope: BotCommandScope; commands: BotCommand[] }> {
  return commandGroup().toArgs().scopes.map((s) => ({ scope: s.scope ?? { type: "default" }, commands: s.commands.map(({ command, description }) => ({ command, description })) }));
}
