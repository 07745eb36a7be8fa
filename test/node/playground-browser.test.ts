import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorControl } from "../../dev/cloudflare-emulator/control.ts";
import { DEMO_ACCOUNT_ID } from "../../dev/cloudflare-emulator/seed.ts";
import { startPlayground, type Playground } from "../../dev/playground/playground.ts";

// The web playground in a real browser: Debian's Chromium driven by playwright-core (no browser
// download). .ci/run installs Chromium when it is missing, so in CI this always runs; elsewhere
// it is skipped, with the reason printed, when /usr/bin/chromium is absent.
const CHROMIUM = "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
const inCi = Boolean(process.env.CI);
if (!available && !inCi) {
  console.warn(`playground browser test skipped: ${CHROMIUM} not found (install it with: apt-get install -y chromium)`);
}

/** A playground of its own (emulated account, fresh state) shown in a fresh Chromium profile. */
interface BrowserSession {
  playground: Playground;
  page: Page;
  close(): Promise<void>;
}

async function openBrowser(statePrefix: string, viewport: { width: number; height: number }): Promise<BrowserSession> {
  const playground = await startPlayground({
    port: 0, stateDir: mkdtempSync(join(tmpdir(), statePrefix)), removeStateDir: true, devVars: false, cloudflare: "emulator",
  });
  const profile = mkdtempSync(join(tmpdir(), "codemode-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    playground, page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      await playground.stop();
    },
  };
}

const root = new URL("../../", import.meta.url).pathname;
const SCREENSHOT = join(root, "test-results/playground.png");
// The phone-width screenshots the README shows: written to docs/ when UPDATE_SCREENSHOTS=1 (so a
// plain test run leaves the tree clean), else next to the other test output.
const SHOTS = join(root, process.env.UPDATE_SCREENSHOTS === "1" ? "docs" : "test-results");

describe.skipIf(!available && !inCi)("the web playground, in Chromium", () => {
  let playground: Playground;
  let page: Page;
  let session: BrowserSession | undefined;

  beforeAll(async () => {
    session = await openBrowser("codemode-browser-", { width: 900, height: 1200 });
    ({ playground, page } = session);
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  }, 30_000);

  async function send(text: string): Promise<void> {
    await page.locator("#input").fill(text);
    await page.locator("#input").press("Enter");
  }

  /** The bot's message bubble (row) containing `text`, the newest one if several. */
  const botMessage = (text: string) => page.locator(".row.in", { hasText: text }).last();

  it("runs whoami, a write with Approve and Undo, and a long result as a file, like a Telegram chat; refuses a stranger's tap with an alert", async () => {
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(playground.urls.chat);
    await expect.poll(() => page.locator("#bot-name").textContent()).toContain("Code Mode");

    await send("/cloudflare whoami");
    await botMessage("Belongs to:").waitFor();
    await expect.poll(() => botMessage("Belongs to:").locator("strong").first().textContent()).toBe("Cloudflare API token");
    expect(await page.locator(".row.out", { hasText: "/cloudflare whoami" }).count()).toBe(1);

    const name = `browser-${Math.random().toString(36).slice(2, 8)}`;
    await send(`/cloudflare run return await cloudflare.write({ op: "d1.database.create", body: { name: "${name}" } })`);
    const card = botMessage("Approval needed");
    await card.getByRole("button", { name: "✅ Approve", exact: true }).click();
    // The card is edited in place: the decision is written on it and its buttons are gone.
    await card.filter({ hasText: "✅ Approved by Olivia" }).waitFor();
    expect(await card.locator("button").count()).toBe(0);
    expect(await card.locator(".meta").textContent()).toContain("edited");
    const done = botMessage("✅ Done");
    await done.waitFor();
    expect(await done.textContent()).toContain(name);
    expect(await done.locator("pre, code").count()).toBeGreaterThan(0);

    const emulator = emulatorControl(playground.emulator!.url);
    const creates = async () => (await emulator.requests({ path: `/accounts/${DEMO_ACCOUNT_ID}/d1/database`, method: "POST" })).filter((r) => r.body.includes(`"${name}"`)).length;
    expect(await creates()).toBe(1);

    await done.getByRole("button", { name: /^↩️ Undo: delete D1 database/ }).click();
    const confirm = botMessage("Undo this run: delete D1 database");
    await confirm.getByRole("button", { name: "↩️ Yes, delete it" }).click();
    await botMessage("↩️ Undone by Olivia").waitFor();
    await expect.poll(() => confirm.locator("button").count()).toBe(0);
    const deletes = await emulator.requests({ method: "DELETE" });
    expect(deletes.some((r) => r.path.startsWith(`/accounts/${DEMO_ACCOUNT_ID}/d1/database/`))).toBe(true);

    mkdirSync(join(root, "test-results"), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });

    // Text is text: markup in a result is shown, never interpreted.
    await send('/cloudflare run return "<img src=x onerror=window.pwned=1><b>not bold</b>"');
    await botMessage("<img src=x").waitFor();
    expect(await page.locator(".bubble img, .bubble b").count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();

    // A long result comes as a document: shown as an attachment that downloads the file.
    await send('/cloudflare run return Array.from({ length: 300 }, (_, i) => "item-" + i)');
    const attachment = page.locator(".row.in a.doc", { hasText: "result.json" }).last();
    await attachment.waitFor();
    expect(await attachment.getAttribute("download")).toBe("result.json");
    const file = await page.request.get(new URL(String(await attachment.getAttribute("href")), playground.urls.chat).href);
    expect(file.headers()["content-disposition"]).toBe('attachment; filename="result.json"');
    expect(JSON.parse(await file.text())).toHaveLength(300);

    // Sam, a stranger, taps Approve on Olivia's next card: the bot answers with an alert and nothing runs.
    const other = `${name}-x`;
    await send(`/cloudflare run return await cloudflare.write({ op: "d1.database.create", body: { name: "${other}" } })`);
    const second = botMessage(other);
    await second.getByRole("button", { name: "✅ Approve", exact: true }).waitFor();
    await page.locator("#me").selectOption("6666");
    expect(await page.locator("#input").isDisabled()).toBe(false);
    await page.locator("#chat").selectOption("1001");
    expect(await page.locator("#input").isDisabled()).toBe(true);
    await second.getByRole("button", { name: "✅ Approve", exact: true }).click();
    await page.locator("#alert[open]").waitFor();
    expect(await page.locator("#alert-text").textContent()).toMatch(/^Sorry, this bot is private/);
    expect(await page.locator(".note", { hasText: "Sam tapped “✅ Approve”" }).count()).toBe(1);
    await page.locator("#alert button").click();
    expect(await creates()).toBe(1);
    expect((await emulator.requests({ path: `/accounts/${DEMO_ACCOUNT_ID}/d1/database`, method: "POST" })).some((r) => r.body.includes(`"${other}"`))).toBe(false);

    expect(errors).toEqual([]);
  }, 120_000);
});

// The same flows on a phone-sized screen (390 px), in a playground of its own, with the
// screenshots the README shows. Someone looks at them before they are committed.
describe.skipIf(!available && !inCi)("the web playground on a phone, in Chromium", () => {
  let playground: Playground;
  let page: Page;
  let session: BrowserSession | undefined;

  beforeAll(async () => {
    session = await openBrowser("codemode-phone-", { width: 390, height: 844 });
    ({ playground, page } = session);
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  }, 30_000);

  it("on a phone-width screen: a read, a write with Approve and Undo, /skills → Run, /audit → details, /key; saves screenshots", async () => {
    const phone = page;
    const errors: string[] = [];
    phone.on("pageerror", (error) => errors.push(error.message));
    await phone.goto(playground.urls.chat);
    await expect.poll(() => phone.locator("#bot-name").textContent()).toContain("Code Mode");
    const say = async (text: string) => {
      await phone.locator("#input").fill(text);
      await phone.locator("#input").press("Enter");
    };
    const bot = (text: string | RegExp) => phone.locator(".row.in", { hasText: text }).last();
    const shoot = async (file: string, top?: ReturnType<typeof bot>) => {
      await phone.locator("#messages").evaluate((box: { scrollTop: number; scrollHeight: number }) => { box.scrollTop = box.scrollHeight; });
      if (top) await top.evaluate((row: { scrollIntoView: (options: { block: string }) => void }) => row.scrollIntoView({ block: "start" }));
      await phone.locator("#toast").waitFor({ state: "hidden" });
      mkdirSync(SHOTS, { recursive: true });
      await phone.screenshot({ path: join(SHOTS, file) });
    };
    // Nothing on the page is wider than the phone (no sideways scrolling).
    const fitsWidth = () => phone.evaluate(() => {
      const page = globalThis as unknown as { document: { documentElement: { scrollWidth: number } }; innerWidth: number };
      return page.document.documentElement.scrollWidth <= page.innerWidth;
    });
    const doneCount = () => phone.locator(".row.in", { hasText: "✅ Done" }).count();

    // /start: its commands are tappable, as in Telegram.
    await say("/start");
    await bot("I operate your Cloudflare account").waitFor();
    await bot("I operate your Cloudflare account").locator(".cmd", { hasText: "/help" }).waitFor();

    // A read, saved as a snippet.
    const before = await doneCount();
    await say('/cloudflare run return await cloudflare.read({ op: "accounts.list" });');
    await expect.poll(doneCount, { timeout: 30_000 }).toBe(before + 1);
    expect(await bot("✅ Done").textContent()).toMatch(/⚡ Code Mode · 1 API call · [\d.]+ m?s/);
    await say("/save accounts Lists the accounts this token reaches");
    await bot("💾 Saved accounts").waitFor();

    // A write: Approve, then Undo, which names what it deletes.
    const name = `phone-${Math.random().toString(36).slice(2, 8)}`;
    await say(`/cloudflare run return await cloudflare.write({ op: "d1.database.create", body: { name: "${name}" } })`);
    await bot(name).getByRole("button", { name: "✅ Approve", exact: true }).click();
    const done = bot(/✅ Done[\s\S]*/).filter({ hasText: name });
    await done.waitFor();
    await done.getByRole("button", { name: `↩️ Undo: delete D1 database ${name}` }).click();
    await bot(`Undo this run: delete D1 database ${name}?`).getByRole("button", { name: "↩️ Yes, delete it" }).click();
    await bot(`↩️ Undone by Olivia (@owner): deleted D1 database ${name}.`).waitFor();
    await shoot("phone-write-undo.png");
    expect(await fitsWidth()).toBe(true);

    // /skills: the browser, and its Run button.
    await say("/skills");
    const skills = bot("Saved snippets");
    await skills.waitFor();
    expect(await skills.textContent()).toContain("accounts — Lists the accounts this token reaches");
    const runs = await doneCount();
    await skills.getByRole("button", { name: "▶️ Run accounts" }).click();
    await expect.poll(doneCount, { timeout: 30_000 }).toBe(runs + 1);
    await shoot("phone-skills.png", skills);
    expect(await fitsWidth()).toBe(true);

    // /audit: the list by number, and a run's details from its button.
    await say("/audit");
    const list = bot("Last runs in this chat");
    await list.waitFor();
    // Newest first: the snippet's run, then the write (its details show the decision), then the read.
    const write = list.locator(".keyrow button").nth(1);
    const label = String(await write.textContent());
    expect(label).toMatch(/^#\d+ details$/);
    await write.click();
    const detail = bot(`Run ${label.replace(" details", "")}`);
    await detail.waitFor();
    expect(await detail.textContent()).toContain("d1.database.create");
    expect(await detail.textContent()).toMatch(/approved by Olivia \(@owner\) at \d\d:\d\d UTC → ok 200/);
    expect(await detail.textContent()).toMatch(/undo d1\.database\.create[\s\S]*sent by Undo, after its confirmation → ok 200/);
    await shoot("phone-audit.png", list);
    expect(await fitsWidth()).toBe(true);

    // /key works offline: the playground made an ENCRYPTION_KEY for its state folder.
    await say("/key openai");
    await bot("openai").waitFor();
    await say("sk-playground-test-key-1234");
    await bot("✅ Stored your openai key").waitFor();

    expect(errors).toEqual([]);
  }, 180_000);
});
