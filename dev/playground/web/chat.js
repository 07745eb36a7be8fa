// The playground's web chat: plays the Telegram app for the local bot. It long-polls the
// playground's event log (/api/events), keeps a small model of every chat, and draws the chat
// shown. Everything the bot or a person wrote is put on the page as text nodes (never as HTML),
// so nothing needs escaping; formatting comes from the message entities.
"use strict";

const $ = (id) => document.getElementById(id);
const state = {
  users: [], me: null, chatId: null, since: 0,
  chats: new Map(),        // chatId -> { items: [] }
  pending: new Set(),      // "chat:message:data" of taps waiting for their answer
  typingUntil: new Map(),  // chatId -> time the typing indicator ends
};

const EXAMPLES = [
  ["whoami", "/cloudflare whoami"],
  ["read: R2 buckets", '/cloudflare run const buckets = await cloudflare.read({ op: "r2.buckets.list" });\nreturn buckets.map((b) => b.name);'],
  ["write: create a D1 database", '/cloudflare run return await cloudflare.write({ op: "d1.database.create", body: { name: "test-storia" } })'],
  ["/help", "/help"],
  ["/audit", "/audit"],
];

// ---- the model ------------------------------------------------------------------------------

function chat(chatId) {
  if (!state.chats.has(chatId)) state.chats.set(chatId, { items: [] });
  return state.chats.get(chatId);
}

function findMessage(chatId, messageId) {
  return chat(chatId).items.find((m) => m.messageId === messageId && m.kind !== "note");
}

/** Applies one event from the log; returns the chat id it touched (if any). */
function apply(ev) {
  if (ev.kind === "message") {
    chat(ev.chatId).items.push({ kind: "out", messageId: ev.messageId, from: ev.from, text: ev.text, at: ev.at });
    return ev.chatId;
  }
  if (ev.kind === "tap") {
    state.pending.add(`${ev.chatId}:${ev.messageId}:${ev.data}`);
    const who = ev.from.id === ev.chatId ? "" : `${ev.from.first_name} `;
    if (who) chat(ev.chatId).items.push({ kind: "note", text: `${who}tapped “${ev.label || ev.data}”` });
    return ev.chatId;
  }
  if (ev.chatId === undefined) return undefined;
  const items = chat(ev.chatId).items;
  if (!ev.ok) {
    items.push({ kind: "note", error: true, text: `⚠️ ${ev.method} failed: ${ev.error || "?"}` });
    return ev.chatId;
  }
  const existing = ev.messageId !== undefined ? findMessage(ev.chatId, ev.messageId) : undefined;
  switch (ev.method) {
    case "sendMessage":
    case "sendDocument":
      state.typingUntil.delete(ev.chatId);
      // As in Telegram, a draft disappears when the bot sends a message.
      for (const draft of items.filter((m) => m.draft)) items.splice(items.indexOf(draft), 1);
      items.push({ kind: "in", messageId: ev.messageId, text: ev.text || "", entities: ev.entities || [], keyboard: ev.keyboard || null,
        document: ev.document || null, at: ev.at, edited: false });
      break;
    case "editMessageText":
      if (existing) Object.assign(existing, { text: ev.text || "", entities: ev.entities || [], keyboard: ev.keyboard || null, edited: true });
      break;
    case "sendMessageDraft": {
      const draft = items.find((m) => m.draft && m.draftId === ev.draftId);
      if (draft) draft.text = ev.text || "";
      else items.push({ kind: "in", draft: true, draftId: ev.draftId, text: ev.text || "", entities: [], keyboard: null, document: null, at: ev.at, edited: false });
      break;
    }
    case "editMessageReplyMarkup":
      if (existing) existing.keyboard = ev.keyboard || null;
      break;
    case "deleteMessage":
      if (existing) items.splice(items.indexOf(existing), 1);
      break;
    case "sendChatAction":
      state.typingUntil.set(ev.chatId, Date.now() + 5000);
      setTimeout(drawTyping, 5100);
      break;
    case "answerCallbackQuery":
      for (const key of [...state.pending]) if (key.startsWith(`${ev.chatId}:`)) state.pending.delete(key);
      if (ev.text && ev.chatId === state.chatId) (ev.showAlert ? showAlert : showToast)(ev.text);
      break;
    default:
      return undefined;
  }
  return ev.chatId;
}

// ---- drawing ----------------------------------------------------------------------------------

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const TAGS = { bold: "strong", italic: "em", underline: "u", strikethrough: "s", code: "code", blockquote: "blockquote", expandable_blockquote: "blockquote" };

/** The element for one entity, and the element its inner text goes into. */
function entityElement(e, inner) {
  if (TAGS[e.type]) { const node = el(TAGS[e.type]); return [node, node]; }
  if (e.type === "pre") {
    const pre = el("pre"), code = el("code");
    if (e.language) pre.dataset.lang = e.language;
    pre.append(code);
    return [pre, code];
  }
  if (e.type === "text_link" || e.type === "url" || e.type === "email") {
    const href = e.type === "text_link" ? e.url : e.type === "email" ? `mailto:${inner}` : /^https?:\/\//i.test(inner) ? inner : `https://${inner}`;
    if (typeof href === "string" && /^(https?:|mailto:|tg:)/i.test(href)) {
      const a = el("a");
      a.href = href; a.target = "_blank"; a.rel = "noopener noreferrer";
      return [a, a];
    }
  }
  if (e.type === "bot_command") {
    const span = el("span", "cmd");
    span.title = "Send this command";
    span.addEventListener("click", () => send(inner));
    return [span, span];
  }
  if (e.type === "spoiler") {
    const span = el("span", "spoiler");
    span.addEventListener("click", () => span.classList.add("shown"));
    return [span, span];
  }
  const span = el("span");
  return [span, span];
}

/** Appends `text[start, end)` to `parent`, formatted by the (sorted, nested) entities. */
function build(parent, text, start, end, ents) {
  let pos = start;
  for (let i = 0; i < ents.length;) {
    const e = ents[i];
    let j = i + 1;
    while (j < ents.length && ents[j].offset < e.end) j++;
    const s = Math.max(e.offset, pos), t = Math.min(e.end, end);
    if (s < t) {
      parent.append(text.slice(pos, s));
      const [outer, inner] = entityElement(e, text.slice(e.offset, e.end));
      build(inner, text, s, t, ents.slice(i + 1, j));
      parent.append(outer);
      pos = t;
      // A block (code block, quote) already ends its line: drop one newline after it, as Telegram does.
      if ((e.type === "pre" || e.type.endsWith("blockquote")) && text[pos] === "\n" && pos < end) pos += 1;
    }
    i = j;
  }
  parent.append(text.slice(pos, end));
}

/**
 * Telegram finds /commands in a message's plain text itself and makes them tappable; text inside
 * an entity (monospace, a link…) stays as it is. The same here, for the parts no entity covers.
 */
function withCommands(text, ents) {
  const found = [];
  for (const match of text.matchAll(/(^|[\s(])(\/[a-z][a-z0-9_]{0,31})(?![\w/])/gi)) {
    const offset = match.index + match[1].length, end = offset + match[2].length;
    if (!ents.some((e) => e.offset < end && offset < e.end)) found.push({ type: "bot_command", offset, length: end - offset, end });
  }
  return ents.concat(found);
}

function formatted(text, entities) {
  const box = el("div", "text");
  const given = (entities || [])
    .filter((e) => Number.isInteger(e.offset) && Number.isInteger(e.length) && e.length > 0)
    .map((e) => ({ ...e, end: e.offset + e.length }));
  const ents = withCommands(text, given).sort((a, b) => a.offset - b.offset || b.end - a.end);
  build(box, text, 0, text.length, ents);
  return box;
}

const clock = (at) => new Date(at).toTimeString().slice(0, 5);
const kb = (n) => (n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KB`);

function drawMessage(m) {
  const row = el("div", `row ${m.kind}`);
  row.dataset.messageId = String(m.messageId);
  const bubble = el("div", "bubble");
  if (m.kind === "out" && m.from.id !== state.chatId) bubble.append(el("div", "sender", m.from.first_name));
  if (m.document) {
    const link = el("a", "doc");
    link.href = `/api/file/${state.chatId}/${m.messageId}`;
    link.download = m.document.file_name;
    link.append(el("span", "file", "📄"));
    const names = el("span");
    names.append(el("div", "fname", m.document.file_name), el("div", "fsize", kb(m.document.size)));
    link.append(names);
    bubble.append(link);
  }
  if (m.text) bubble.append(m.kind === "in" ? formatted(m.text, m.entities) : el("div", "text", m.text));
  bubble.append(el("span", "meta", `${m.draft ? "writing… " : m.edited ? "edited " : ""}${clock(m.at)}${m.kind === "out" ? " ✓✓" : ""}`));
  row.append(bubble);
  if (m.keyboard && m.keyboard.length) row.append(drawKeyboard(m));
  return row;
}

function drawKeyboard(m) {
  const box = el("div", "keyboard");
  for (const line of m.keyboard) {
    const row = el("div", "keyrow");
    for (const b of line) {
      const button = el("button", "", b.text);
      button.type = "button";
      if (b.url) button.addEventListener("click", () => window.open(b.url, "_blank", "noopener"));
      else if (b.callback_data) {
        const key = `${state.chatId}:${m.messageId}:${b.callback_data}`;
        if (state.pending.has(key)) button.classList.add("pending");
        button.addEventListener("click", () => tap(m.messageId, b.callback_data, button));
      }
      row.append(button);
    }
    box.append(row);
  }
  return box;
}

function draw() {
  const list = $("messages");
  const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  const items = chat(state.chatId).items;
  const nodes = items.map((m) => (m.kind === "note" ? el("div", `note${m.error ? " error" : ""}`, m.text) : drawMessage(m)));
  if (nodes.length === 0) nodes.push(el("div", "empty", "No messages here yet. Send /start, or pick an example below."));
  list.replaceChildren(...nodes);
  if (nearBottom) list.scrollTop = list.scrollHeight;
  drawTyping();
  drawComposer();
}

function drawTyping() {
  const typing = (state.typingUntil.get(state.chatId) || 0) > Date.now();
  $("typing").hidden = !typing;
  $("status").textContent = typing ? "typing…" : "bot";
  $("status").classList.toggle("typing", typing);
}

function drawComposer() {
  const own = state.me && state.me.id === state.chatId;
  const owner = state.users.find((u) => u.id === state.chatId);
  $("input").disabled = !own;
  $("send").disabled = !own;
  const narrow = window.matchMedia("(max-width: 520px)").matches;
  $("input").placeholder = own ? (narrow ? "Message" : "Message (Enter sends, Shift+Enter for a new line)")
    : `${owner ? owner.first_name : "This"}'s private chat: you can tap its buttons as ${state.me.first_name}, not write here`;
}

let toastTimer;
function showToast(text) {
  const toast = $("toast");
  toast.textContent = text;
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { toast.hidden = true; }, 3500);
}

function showAlert(text) {
  $("alert-text").textContent = text;
  if (!$("alert").open) $("alert").showModal();
}

// ---- talking to the playground ------------------------------------------------------------------

async function post(path, body) {
  const response = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const answer = await response.json().catch(() => ({ ok: false, error: `HTTP ${response.status}` }));
  if (!answer.ok) showToast(answer.error || `The webhook answered ${answer.status}`);
  return answer;
}

function send(text) {
  if (!text.trim() || state.me.id !== state.chatId) return;
  return post("/api/send", { userId: state.me.id, text });
}

function tap(messageId, data, button) {
  button.classList.add("pending");
  post("/api/tap", { userId: state.me.id, chatId: state.chatId, messageId, data });
}

async function poll() {
  for (;;) {
    try {
      const response = await fetch(`/api/events?since=${state.since}&wait=20000`);
      const body = await response.json();
      let redraw = false;
      for (const ev of body.events) {
        state.since = Math.max(state.since, ev.seq);
        if (apply(ev) === state.chatId) redraw = true;
      }
      if (redraw) draw();
    } catch {
      $("status").textContent = "connection lost — is npm start still running?";
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

// ---- start ------------------------------------------------------------------------------------

function fillSelects() {
  const roleName = { owner: "owner", approver: "approver", stranger: "stranger" };
  $("me").replaceChildren(...state.users.map((u) => {
    const option = el("option", "", `${u.first_name} (${roleName[u.role] || u.role}, ${u.id})`);
    option.value = String(u.id);
    return option;
  }));
  $("chat").replaceChildren(...state.users.map((u) => {
    const option = el("option", "", `${u.first_name}'s chat`);
    option.value = String(u.id);
    return option;
  }));
}

function select(meId, chatId) {
  state.me = state.users.find((u) => u.id === meId) || state.users[0];
  state.chatId = chatId;
  $("me").value = String(state.me.id);
  $("chat").value = String(chatId);
  draw();
}

async function main() {
  const config = await (await fetch("/api/config")).json();
  state.users = config.users;
  $("bot-name").textContent = `${config.botName} · v${config.version}`;
  $("parts").replaceChildren(...config.parts.map((p) => {
    const li = el("li");
    li.append(el("span", `tag ${p.kind}`, p.kind), el("b", "", p.name), ` — ${p.detail}`);
    return li;
  }));
  fillSelects();
  select(state.users[0].id, state.users[0].id);

  $("me").addEventListener("change", () => { const id = Number($("me").value); select(id, id); });
  $("chat").addEventListener("change", () => select(state.me.id, Number($("chat").value)));
  $("about-toggle").addEventListener("click", () => {
    $("about").hidden = !$("about").hidden;
    $("about-toggle").setAttribute("aria-expanded", String(!$("about").hidden));
  });
  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("input").value;
    $("input").value = "";
    send(text);
  });
  $("input").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); $("composer").requestSubmit(); }
  });
  $("chips").replaceChildren(...EXAMPLES.map(([label, text]) => {
    const chip = el("button", "", label);
    chip.type = "button";
    chip.title = text;
    chip.addEventListener("click", () => { $("input").value = text; $("input").focus(); });
    return chip;
  }));
  poll();
}

main();
