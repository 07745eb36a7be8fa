/**
 * Saved snippets as skills: `/save <name> [description]` keeps the requester's last completed run,
 * `/run <name>` runs it again (its writes still wait for a tap), `/skills` lists the built-in
 * skill and the saved snippets, `/forget <name>` removes one. Snippets live in codemode's runtime
 * (the chat's facet), so the model can find them with `codemode.search` too.
 */
import { FormattedString as F, fmt } from "@grammyjs/parse-mode";
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";

const NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/i;

/** The built-in skills, shown by /skills and /help. */
export const BUILT_IN_SKILLS = [
  { name: "cloudflare_code_mode", description: "Turns a request into a short JavaScript snippet against the whole Cloudflare API and runs it in a sandbox; reads answer at once, writes wait for your Approve tap." },
] as const;

/** The snippets feature. */
export const snippetsFeature = new Composer<BotContext>();

snippetsFeature.command("save", async (ctx) => {
  const [name, ...rest] = ctx.match.trim().split(/\s+/);
  if (!name || !NAME.test(name)) {
    await ctx.say(fmt`Name the snippet: ${F.code("/save list-buckets [what it does]")} (letters, digits, - and _, up to 40).`);
    return;
  }
  const saved = await ctx.services.runs.save(name, rest.join(" ") || undefined, ctx.requester.id);
  if (!saved) {
    await ctx.say(fmt`You have no completed run in this chat to save (or it is too old to keep). Run something first, e.g. ${F.code("/cloudflare run …")}.`);
    return;
  }
  await ctx.say(fmt`💾 Saved ${F.code(name)}: ${saved.description}\nRun it with ${F.code(`/run ${name}`)}.\n${F.pre(saved.code.slice(0, 1500), "js")}`);
});

snippetsFeature.command("run", async (ctx) => {
  const name = ctx.match.trim();
  const snippet = (await ctx.services.runs.snippets()).find((s) => s.name === name);
  if (!snippet) {
    await ctx.say(name === "" ? fmt`Which snippet? ${F.code("/skills")} lists them.` : fmt`No snippet called ${F.code(name)}. ${F.code("/skills")} lists them.`);
    return;
  }
  ctx.chatAction = "typing";
  // The snippet's own code runs (not a call to it), so the run is the snippet, and /save of it saves the code.
  await ctx.services.runs.start({ code: snippet.code, requester: ctx.requester, origin: { kind: "chat" }, threadId: ctx.threadId, source: "snippet" });
});

snippetsFeature.command("skills", async (ctx) => {
  const snippets = await ctx.services.runs.snippets();
  const builtIn = BUILT_IN_SKILLS.map((s) => fmt`${F.code(s.name)} — ${s.description}`);
  const saved = snippets.length === 0
    ? [fmt`${F.italic("None yet: after a run you like, send")} ${F.code("/save <name>")}.`]
    : snippets.map((s) => fmt`${F.code(s.name)} — ${s.description} (${F.code(`/run ${s.name}`)})`);
  await ctx.say(fmt`${F.bold("Built-in skills")}\n${F.join(builtIn, "\n")}\n\n${F.bold("Saved snippets")}\n${F.join(saved, "\n")}`);
});

snippetsFeature.command("forget", async (ctx) => {
  const name = ctx.match.trim();
  const deleted = name !== "" && (await ctx.services.runs.forget(name));
  await ctx.say(deleted ? fmt`🗑 Forgot ${F.code(name)}.` : fmt`No snippet called ${F.code(name || "(none given)")}.`);
});
