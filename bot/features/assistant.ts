/**
 * Plain-language requests, answered by the model through Code Mode (skills/cloudflare/agent),
 * plus `/new` (forget the conversation) and `/model` (show or pick the chat's model; the list is the
 * requester's: it includes models built with their own API keys from `/key`).
 * In groups the bot only answers text addressed to it (a reply to it, or an @mention).
 */
import { FormattedString as F, fmt } from "@grammyjs/parse-mode";
import { Composer, type Context } from "grammy";
import type { Config } from "../config.ts";
import type { CodeModeService } from "../../skills/cloudflare/code-mode/code-mode-service.ts";
import { availableModels } from "../../skills/cloudflare/agent/providers.ts";
import { sendLong } from "../format/send.ts";
import { requesterOf } from "./code-mode.ts";

/** The assistant feature; `codeModeFor` gives the chat's service. */
export function createAssistantFeature(config: Config, env: Env, codeModeFor: (chatId: number) => CodeModeService): Composer<Context> {
  const feature = new Composer<Context>();

  feature.command("new", async (ctx) => {
    codeModeFor(ctx.chat.id).agent.memory.clear();
    await sendLong(ctx.api, ctx.chat.id, new F("🧹 Started a new conversation: I forgot what we talked about in this chat."));
  });

  feature.command("model", async (ctx) => {
    const agent = codeModeFor(ctx.chat.id).agent;
    const keys = ctx.from ? await agent.keysOf(ctx.from.id) : {};
    const models = availableModels(config, env, keys);
    const wanted = ctx.match.trim();
    if (wanted !== "") {
      const choice = models.find((m) => m.id === wanted || m.model === wanted);
      if (!choice) {
        await sendLong(ctx.api, ctx.chat.id, fmt`No model ${F.code(wanted)} here. ${F.code("/model")} lists them.`);
        return;
      }
      agent.memory.setSetting("model", choice.id);
      await sendLong(ctx.api, ctx.chat.id, fmt`This chat now uses ${F.code(choice.id)}.`);
      return;
    }
    const current = agent.model(keys);
    if (models.length === 0) {
      await sendLong(ctx.api, ctx.chat.id, fmt`No model is configured. Set ${F.code("LLM_PROVIDER")}, ${F.code("LLM_MODEL")} and ${F.code("LLM_API_KEY")} (README: Models).`);
      return;
    }
    const own = models.filter((m) => m.ownKey);
    const yours = own.length > 0 ? fmt`\nWith your own key (${F.code("/key")}): ${F.join(own.map((m) => F.code(m.id)), ", ")}` : "";
    await sendLong(ctx.api, ctx.chat.id, fmt`${F.bold("Model")}: ${F.code(current?.id ?? "none")}\nAvailable: ${F.join(models.map((m) => F.code(m.id)), ", ")}${yours}`, {
      replyMarkup: { inline_keyboard: models.slice(0, 8).map((m, i) => [{ text: `${m.id === current?.id ? "✓ " : ""}${m.id}`.slice(0, 60), callback_data: `mdl:${i}` }]) },
    });
  });

  feature.callbackQuery(/^mdl:(\d+)$/, async (ctx) => {
    // Shared models come first, so an index means the same model to everyone; own-key ones are the tapper's.
    const keys = ctx.chat ? await codeModeFor(ctx.chat.id).agent.keysOf(ctx.from.id) : {};
    const choice = availableModels(config, env, keys)[Number(ctx.match[1])];
    if (!choice || !ctx.chat) {
      await ctx.answerCallbackQuery({ text: "That model is no longer available." });
      return;
    }
    codeModeFor(ctx.chat.id).agent.memory.setSetting("model", choice.id);
    await ctx.answerCallbackQuery({ text: `Now using ${choice.id}` });
  });

  feature.on("message:text", async (ctx, next) => {
    const text = ctx.message.text;
    if (text.startsWith("/")) return next();
    if (ctx.chat.type !== "private" && !addressedToBot(ctx)) return next();
    await codeModeFor(ctx.chat.id).agent.ask(text, requesterOf(ctx));
  });

  return feature;
}

function addressedToBot(ctx: Context): boolean {
  const me = ctx.me.username;
  return ctx.message?.reply_to_message?.from?.id === ctx.me.id || (ctx.message?.text ?? "").includes(`@${me}`);
}
