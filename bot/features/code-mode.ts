/**
 * Running code against the Cloudflare API from the chat: `/cloudflare run <js>` and a message that
 * is a ```js code block. The run itself belongs to the chat's run owner (`ctx.services.runs`);
 * its outcome comes back through the chat's presenter.
 */
import { FormattedString as F, fmt } from "@grammyjs/parse-mode";
import { Composer } from "grammy";
import { stripFences } from "../../skills/cloudflare/sandbox/loop-guard.ts";
import type { BotContext } from "../context.ts";

const CODE_BLOCK = /^```(?:js|javascript|ts|typescript)?[ \t]*\n[\s\S]*?\n?```\s*$/;
const EXAMPLE = 'const zones = await cloudflare.read({ op: "zones.list" });\nreturn zones.map((z) => z.name);';

/** The Code Mode feature. */
export const codeModeFeature = new Composer<BotContext>();

codeModeFeature.command("cloudflare", async (ctx, next) => {
  const match = /^\s*run\b([\s\S]*)$/.exec(ctx.match);
  if (!match) return next();
  const code = stripFences(match[1]!.trim());
  if (code === "") {
    await ctx.say(fmt`Send the code after ${F.code("/cloudflare run")}, for example:\n${F.pre(EXAMPLE, "js")}`);
    return;
  }
  await run(ctx, code);
});

codeModeFeature.on("message:text").filter((ctx) => CODE_BLOCK.test(ctx.message.text.trim()), async (ctx) => {
  await run(ctx, stripFences(ctx.message.text.trim()));
});

async function run(ctx: BotContext, code: string): Promise<void> {
  ctx.chatAction = "typing";
  await ctx.services.runs.start({ code, requester: ctx.requester, origin: { kind: "chat" }, answerTo: ctx.answerTo, source: "run" });
}
