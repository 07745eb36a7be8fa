/**
 * Plain-language requests, answered by the model through Code Mode (skills/cloudflare/agent),
 * plus `/new` (forget the conversation), `/model` (show or pick the chat's model; the list is the
 * requester's: it includes models built with their own API keys from `/key`; `/model auto` starts
 * each request on it and escalates to the strong model when it fails) and `/deep <request>` (the
 * strong model at once).
 * In groups the bot only answers text addressed to it (a reply to it, or an @mention).
 */
import { FormattedString as F, fmt } from "@grammyjs/parse-mode";
import { Composer } from "grammy";
import type { Config } from "../../core/config.ts";
import { noModelText } from "../../skills/cloudflare/agent/no-model.ts";
import { availableModels, strongModel } from "../../skills/cloudflare/agent/providers.ts";
import type { BotContext } from "../context.ts";

/** The assistant feature. */
export function createAssistantFeature(config: Config, env: Env): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.command("new", async (ctx) => {
    ctx.services.turns.memory.clear();
    await ctx.say("🧹 Started a new conversation: I forgot what we talked about in this chat.");
  });

  feature.command("model", async (ctx) => {
    const turns = ctx.services.turns;
    const keys = await turns.keysOf(ctx.requester.id);
    const models = availableModels(config, env, keys);
    const wanted = ctx.match.trim();
    const strong = strongModel(config, env, keys);
    if (wanted === "auto") {
      const cheap = turns.model(keys);
      if (!strong || !cheap) {
        await ctx.say(fmt`Auto mode needs two models: the chat's and a strong one (${F.code("LLM_STRONG_PROVIDER")}, ${F.code("LLM_STRONG_MODEL")}; README: Models).`);
        return;
      }
      turns.memory.setSetting("mode", "auto");
      await ctx.say(fmt`This chat now uses auto: each request starts on ${F.code(cheap.id)} and moves to ${F.code(strong.id)} when it fails. ${F.code("/model " + cheap.id)} turns it off.`);
      return;
    }
    if (wanted !== "") {
      const choice = models.find((m) => m.id === wanted || m.model === wanted);
      if (!choice) {
        await ctx.say(fmt`No model ${F.code(wanted)} here. ${"/model"} lists them.`);
        return;
      }
      turns.memory.setSetting("model", choice.id);
      turns.memory.setSetting("mode", "single");
      await ctx.say(fmt`This chat now uses ${F.code(choice.id)}.`);
      return;
    }
    if (models.length === 0) {
      await ctx.say(noModelText(config));
      return;
    }
    const current = turns.model(keys);
    const own = models.filter((m) => m.ownKey);
    const yours = own.length > 0 ? fmt`\nWith your own key (${"/key"}): ${F.join(own.map((m) => F.code(m.id)), ", ")}` : "";
    const auto = turns.auto && strong ? fmt` (auto: ${F.code(strong.id)} when it fails)` : "";
    const deep = strong ? fmt`\nStrong model: ${F.code(strong.id)} (${F.code("/deep <request>")}, ${F.code("/model auto")})` : "";
    await ctx.say(fmt`${F.bold("Model")}: ${F.code(current?.id ?? "none")}${auto}\nAvailable: ${F.join(models.map((m) => F.code(m.id)), ", ")}${yours}${deep}`, {
      replyMarkup: { inline_keyboard: models.slice(0, 8).map((m, i) => [{ text: `${m.id === current?.id ? "✓ " : ""}${m.id}`.slice(0, 60), callback_data: `mdl:${i}` }]) },
    });
  });

  feature.callbackQuery(/^mdl:(\d+)$/, async (ctx) => {
    // Shared models come first, so an index means the same model to everyone; own-key ones are the tapper's.
    const choice = availableModels(config, env, await ctx.services.turns.keysOf(ctx.requester.id))[Number(ctx.match[1])];
    if (!choice) {
      await ctx.answerCallbackQuery({ text: "That model is no longer available." });
      return;
    }
    ctx.services.turns.memory.setSetting("model", choice.id);
    ctx.services.turns.memory.setSetting("mode", "single");
    await ctx.answerCallbackQuery({ text: `Now using ${choice.id}` });
  });

  feature.command("deep", async (ctx) => {
    const request = ctx.match.trim();
    if (request === "") {
      await ctx.say(fmt`${F.code("/deep <request>")} asks the strong model directly, e.g. ${F.code("/deep why does my Worker return 500s?")}`);
      return;
    }
    ctx.chatAction = "typing";
    await ctx.services.turns.ask(request, ctx.requester, ctx.answerTo, { deep: true });
  });

  feature.chatType("private").on("message:text").filter((ctx) => !ctx.message.text.startsWith("/"), ask);
  feature.chatType(["group", "supergroup"]).on("message:text").filter((ctx) => !ctx.message.text.startsWith("/") && addressedToBot(ctx), ask);

  return feature;
}

async function ask(ctx: BotContext & { message: { text: string } }): Promise<void> {
  ctx.chatAction = "typing";
  await ctx.services.turns.ask(ctx.message.text, ctx.requester, ctx.answerTo);
}

function addressedToBot(ctx: BotContext): boolean {
  return ctx.message?.reply_to_message?.from?.id === ctx.me.id || (ctx.message?.text ?? "").includes(`@${ctx.me.username}`);
}
