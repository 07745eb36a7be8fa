/**
 * Saved snippets as skills: `/save <name> [description]` keeps the chat's last completed run,
 * `/run <name>` runs it again (its writes still wait for a tap), `/skills` lists the built-in
 * skill and the saved snippets, `/forget <name>` removes one. Snippets live in codemode's runtime
 * (the chat's facet), so the model can find them with `codemode.search` too.
 */
import { FormattedString as F, fmt } from "@grammyjs/parse-mode";
import { Composer, type Context } from "grammy";
import type { CodeModeService } from "../../skills/cloudflare/code-mode/code-mode-service.ts";
import { sendLong } from "../format/send.ts";
import { requesterOf } from "./code-mode.ts";

const NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/i;

/** The built-in skills, shown by /skills and /help. */
export const BUILT_IN_SKILLS = [
  { name: "cloudflare_code_mode", description: "Turns a request into a short JavaScript snippet against the whole Cloudflare API and runs it in a sandbox; reads answer at once, writes wait for your Approve tap." },
] as const;

/** The snippets feature; `codeModeFor` gives the chat's service. */
export function createSnippetsFeature(codeModeFor: (chatId: number) => CodeModeService): Composer<Context> {
  const feature = new Composer<Context>();

  feature.command("save", async (ctx) => {
    const [name, ...rest] = ctx.match.trim().split(/\s+/);
    if (!name || !NAME.test(name)) {
      await sendLong(ctx.api, ctx.chat.id, fmt`Name the snippet: ${F.code("/save list-buckets [what it does]")} (letters, digits, - and _, up to 40).`);
      return;
    }
    const runtime = codeModeFor(ctx.chat.id).runtimeFor(ctx.from!.id);
    const last = (await runtime.executions(50)).find((e) => e.status === "completed");
    if (!last) {
      await sendLong(ctx.api, ctx.chat.id, fmt`Nothing has completed in this chat yet. Run something first, e.g. ${F.code("/cloudflare run …")}.`);
      return;
    }
    const description = rest.join(" ") || `Saved from run ${last.id}`;
    await runtime.saveSnippet(name, { executionId: last.id, description });
    await sendLong(ctx.api, ctx.chat.id, fmt`💾 Saved ${F.code(name)}: ${description}\nRun it with ${F.code(`/run ${name}`)}.\n${F.pre(last.code.slice(0, 1500), "js")}`);
  });

  feature.command("run", async (ctx) => {
    const name = ctx.match.trim();
    const service = codeModeFor(ctx.chat.id);
    const snippets = await service.runtimeFor(ctx.from!.id).snippets();
    if (!snippets.some((s) => s.name === name)) {
      await sendLong(ctx.api, ctx.chat.id, name === "" ? fmt`Which snippet? ${F.code("/skills")} lists them.` : fmt`No snippet called ${F.code(name)}. ${F.code("/skills")} lists them.`);
      return;
    }
    await ctx.api.sendChatAction(ctx.chat.id, "typing").catch(() => undefined);
    await service.run(`async () => await codemode.run(${JSON.stringify(name)})`, requesterOf(ctx), "snippet");
  });

  feature.command("skills", async (ctx) => {
    const snippets = await codeModeFor(ctx.chat.id).runtimeFor(ctx.from!.id).snippets();
    const builtIn = BUILT_IN_SKILLS.map((s) => fmt`${F.code(s.name)} — ${s.description}`);
    const saved = snippets.length === 0
      ? [fmt`${F.italic("None yet: after a run you like, send")} ${F.code("/save <name>")}.`]
      : snippets.map((s) => fmt`${F.code(s.name)} — ${s.description} (${F.code(`/run ${s.name}`)})`);
    await sendLong(ctx.api, ctx.chat.id, fmt`${F.bold("Built-in skills")}\n${F.join(builtIn, "\n")}\n\n${F.bold("Saved snippets")}\n${F.join(saved, "\n")}`);
  });

  feature.command("forget", async (ctx) => {
    const name = ctx.match.trim();
    const deleted = name !== "" && (await codeModeFor(ctx.chat.id).runtimeFor(ctx.from!.id).deleteSnippet(name));
    await sendLong(ctx.api, ctx.chat.id, deleted ? fmt`🗑 Forgot ${F.code(name)}.` : fmt`No snippet called ${F.code(name || "(none given)")}.`);
  });

  return feature;
}
