/** `/cloudflare <subcommand>`: the account commands. */
import { FormattedString as F, fmt } from "@grammyjs/parse-mode";
import { Composer, type Context } from "grammy";
import { sendLong } from "../format/send.ts";

/** The /cloudflare feature. */
export const cloudflareFeature = new Composer<Context>();

cloudflareFeature.command("cloudflare", async (ctx) => {
  const sub = ctx.match.trim().split(/\s+/)[0] ?? "";
  const usage = fmt`${F.bold("/cloudflare")} — your Cloudflare account
${F.code("/cloudflare whoami")} — who the API token belongs to and what it reaches
${F.code("/cloudflare run <js>")} — run JavaScript against the Cloudflare API (writes ask first)`;
  const text = sub === "" || sub === "help"
    ? usage
    : fmt`${F.code(sub)} is not available yet: the Cloudflare API connector is still being built.

${usage}`;
  await sendLong(ctx.api, ctx.chat.id, text);
});
