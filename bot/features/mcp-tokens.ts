/**
 * `/mcp`: personal tokens for MCP clients (Claude Code, Cursor, Codex, any client) to use this bot
 * at `<PUBLIC_URL>/mcp`, in a private chat only.
 *
 * `/mcp new <name>` shows a new token once (with a button that deletes the message); only its hash
 * is stored. `/mcp` lists the person's tokens with their last use; `/mcp revoke <name>` stops one
 * at once. A token acts as the person who made it: every write it attempts comes to this chat as
 * the usual approval card, marked with the client and the token's name.
 */
import { FormattedString as F, fmt } from "@grammyjs/parse-mode";
import { Composer } from "grammy";
import { deleteKeyboard } from "../../approvals/approval-card.ts";
import type { Config } from "../../core/config.ts";
import { createMcpToken, mcpTokensOf, revokeMcpToken, TOKEN_NAME } from "../../mcp/tokens.ts";
import type { BotContext } from "../context.ts";
import { utcMinute } from "../format/dates.ts";

/** The /mcp feature. */
export function createMcpTokensFeature(config: Pick<Config, "PUBLIC_URL">, db: D1Database): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const endpoint = `${config.PUBLIC_URL ?? "https://<your-worker>.workers.dev"}/mcp`;

  feature.chatType(["group", "supergroup"]).command("mcp", async (ctx) => {
    await ctx.say(fmt`/mcp works only in a private chat with me, so nobody else sees your tokens.`);
  });

  feature.chatType("private").command("mcp", async (ctx) => {
    const [verb = "", name = ""] = ctx.match.trim().split(/\s+/);
    if (verb === "new") {
      if (!TOKEN_NAME.test(name)) {
        await ctx.say(fmt`Name the token after the client it is for: ${F.code("/mcp new laptop")} (letters, digits, . _ -; up to 32).`);
        return;
      }
      const { token } = await createMcpToken(db, { userId: ctx.requester.id, userName: ctx.requester.name, name });
      const text = fmt`${F.bold(`🔑 MCP token "${name}"`)} (shown once; copy it, then delete this message):
${F.code(token)}

Endpoint: ${F.code(endpoint)}
Claude Code: ${F.code(`claude mcp add --transport http cloudflare ${endpoint} --header "Authorization: Bearer ${token}"`)}
Any client: URL ${F.code(endpoint)}, header ${F.code("Authorization: Bearer <token>")}.
It acts as you: reads run at once, every write comes here as an approval card. ${F.code(`/mcp revoke ${name}`)} stops it.`;
      await ctx.reply(text.text, { entities: text.entities, reply_markup: deleteKeyboard("mcptoken") });
      return;
    }
    if (verb === "revoke") {
      const revoked = name === "" ? undefined : await revokeMcpToken(db, ctx.requester.id, name);
      await ctx.say(revoked ? fmt`Revoked MCP token ${F.code(revoked.name)}: it stopped working now.` : fmt`You have no active MCP token called ${F.code(name || "(none given)")}. /mcp lists them.`);
      return;
    }
    const tokens = await mcpTokensOf(db, ctx.requester.id);
    const lines = tokens.length === 0
      ? [fmt`${F.italic("None yet.")} ${F.code("/mcp new <name>")} makes one.`]
      : tokens.map((t) => fmt`• ${F.code(t.name)} · made ${utcMinute(t.createdAt)} · ${t.lastUsedAt ? `last used ${utcMinute(t.lastUsedAt)}` : "never used"}${t.revokedAt ? ` · revoked ${utcMinute(t.revokedAt)}` : ""}`);
    await ctx.say(fmt`${F.bold("MCP tokens")} (endpoint ${F.code(endpoint)})
${F.join(lines, "\n")}

${F.code("/mcp new <name>")} makes one · ${F.code("/mcp revoke <name>")} stops one. Writes from a client always wait for your tap here.`);
  });

  return feature;
}
