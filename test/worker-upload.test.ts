// One pass of "build a Worker with an R2 bucket and a binding": the snippet creates the bucket and
// uploads an ES module Worker bound to it (two writes, each approved on its card), then reads the
// Worker's settings back. Everything goes through the real connector, gate and client to the
// emulator, which keeps the uploaded modules, metadata and bindings.
import { describe, expect, it } from "vitest";
import { DEMO_ACCOUNT_ID } from "../dev/cloudflare-emulator/seed.ts";
import { CLOUDFLARE_TEST_TOKEN, USERS } from "./support/test-env.ts";
import { deliver, freshChatId, sentTexts, textUpdate, waitForCalls } from "./support/telegram.ts";
import { cards, dataOf, emulator, tap } from "./support/code-mode.ts";

const suffix = () => Math.random().toString(36).slice(2, 8);
const MODULE = "export default { async fetch(request, env) { const o = await env.ASSETS.get('hello.txt'); return new Response(o ? o.body : 'empty'); } };";

describe("a Worker upload through the connector", () => {
  it("creates a bucket and uploads an ES module bound to it, each after its own tap, and reads the binding back", async () => {
    const chatId = freshChatId();
    const [bucket, script] = [`assets-${suffix()}`, `hello-${suffix()}`];
    const code = `const made = await cloudflare.write({ op: "r2.buckets.create", body: { name: "${bucket}" } });
await cloudflare.write({ op: "workers.scripts.update", params: { script_name: "${script}" }, body: {
  metadata: { main_module: "index.js", compatibility_date: "2025-11-17", bindings: [{ type: "r2_bucket", name: "ASSETS", bucket_name: made.name }] },
  files: { "index.js": ${JSON.stringify(MODULE)} } } });
const settings = await cloudflare.read({ op: "workers.scripts.scriptAndVersionSettings.get", params: { script_name: "${script}" } });
return { bindings: settings.bindings, compatibility_date: settings.compatibility_date };`;
    await deliver(textUpdate(`/cloudflare run ${code}`, { userId: USERS.owner, chatId }));

    const [bucketCard] = cards(await waitForCalls(chatId, (c) => cards(c).length === 1));
    expect(bucketCard!.text).toContain(`POST /accounts/${DEMO_ACCOUNT_ID}/r2/buckets`);
    await tap(chatId, bucketCard!.messageId, dataOf(bucketCard!, "ap"));

    const uploadCard = cards(await waitForCalls(chatId, (c) => cards(c).length === 2))[1]!;
    expect(uploadCard.text).toContain(`PUT /accounts/${DEMO_ACCOUNT_ID}/workers/scripts/${script}`);
    expect(uploadCard.text).toContain('"index.js"');
    expect(uploadCard.text).toContain('"bucket_name": "' + bucket + '"');
    // Nothing was uploaded before the tap.
    expect(await emulator.requests({ path: `/accounts/${DEMO_ACCOUNT_ID}/workers/scripts/${script}`, method: "PUT" })).toHaveLength(0);
    await tap(chatId, uploadCard.messageId, dataOf(uploadCard, "ap"));

    const calls = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("✅ Done")));
    const done = sentTexts(calls).find((t) => t.startsWith("✅ Done"))!;
    expect(done).toContain('"ASSETS"');
    expect(done).toContain(`"bucket_name": "${bucket}"`);
    expect(done).toContain('"compatibility_date": "2025-11-17"');

    // One multipart upload with a part named after the module and the metadata part.
    const uploads = await emulator.requests({ path: `/accounts/${DEMO_ACCOUNT_ID}/workers/scripts/${script}`, method: "PUT" });
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(uploads[0]!.body).toMatch(/name="index\.js"; filename="index\.js"\r\nContent-Type: application\/javascript\+module/);
    expect(uploads[0]!.body).toMatch(/name="metadata"; filename="metadata\.json"/);

    // The emulator kept the module as uploaded: the script download holds it.
    const download = await fetch(`${emulator.apiBase}/accounts/${DEMO_ACCOUNT_ID}/workers/scripts/${script}`, { headers: { authorization: `Bearer ${CLOUDFLARE_TEST_TOKEN}` } });
    expect(download.status).toBe(200);
    const form = await download.formData();
    expect(await (form.get("index.js") as File).text()).toBe(MODULE);
  });

  it("refuses files given as an array, before any card, with the shape to use", async () => {
    const chatId = freshChatId();
    const script = `hello-${suffix()}`;
    await deliver(textUpdate(`/cloudflare run return await cloudflare.write({ op: "workers.scripts.update", params: { script_name: "${script}" }, body: { metadata: { main_module: "index.js" }, files: ["export default {}"] } })`, { userId: USERS.owner, chatId }));
    const calls = await waitForCalls(chatId, (c) => sentTexts(c).some((t) => t.startsWith("⛔ Refused, nothing ran")));
    expect(sentTexts(calls).find((t) => t.startsWith("⛔ Refused, nothing ran"))).toContain("body.files must be an object of file name to content, not an array");
    expect(cards(calls)).toEqual([]);
  });

  it("the emulator refuses a binding to a bucket that does not exist", async () => {
    const form = new FormData();
    form.set("metadata", new Blob([JSON.stringify({ main_module: "index.js", bindings: [{ type: "r2_bucket", name: "ASSETS", bucket_name: `missing-${suffix()}` }] })], { type: "application/json" }), "metadata.json");
    form.set("index.js", new Blob([MODULE], { type: "application/javascript+module" }), "index.js");
    const response = await fetch(`${emulator.apiBase}/accounts/${DEMO_ACCOUNT_ID}/workers/scripts/hello-${suffix()}`, { method: "PUT", body: form, headers: { authorization: `Bearer ${CLOUDFLARE_TEST_TOKEN}` } });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Array<{ message: string }> };
    expect(body.errors[0]!.message).toMatch(/^Binding "ASSETS" references R2 bucket "missing-\w+", which does not exist/);
  });
});
