/** Changes that need an approval card, approved by the harness; judged by the account's final state. */
import { DEMO_ACCOUNT_ID, DEMO_ZONES } from "../../dev/cloudflare-emulator/seed.ts";
import type { EvalTask, TaskOutcome } from "../task.ts";
import { all, answerHas, noteResult, write, writes } from "./helpers.ts";

type R = Record<string, unknown>;

const dnsRecord = (o: TaskOutcome, type: string, name: string, content: string) => [...o.state.dnsRecords.values()].find((r) => r.type === type && r.name === name && r.content === content);
const hasRecord = (type: string, name: string, content: string) => (o: TaskOutcome) => (dnsRecord(o, type, name, content) ? undefined : `no ${type} record ${name} → ${content}`);
const setting = (zone: string, id: string, value: string | number) => (o: TaskOutcome) => {
  const now = o.state.zoneSettings.get(zone)?.[id];
  return now === value ? undefined : `${id} is ${JSON.stringify(now ?? "unchanged")}, not ${JSON.stringify(value)}`;
};
const writeCount = (n: number) => (o: TaskOutcome) => (writes(o).length === n ? undefined : `expected ${n} write request(s), the API got ${writes(o).length}`);

/** The write tasks (cards approved). */
export const WRITE_TASKS: EvalTask[] = [
  {
    id: "d1-create", kind: "write", prompt: "Create a D1 database called test-storia",
    script: write(`const hits = await cloudflare.search({ query: "create d1 database" });
return await cloudflare.write({ op: hits[0].id, body: { name: "test-storia" } });`, (note) => `Created the D1 database test-storia (${String((noteResult(note) as R | undefined)?.uuid ?? "")}).`),
    check: all((o) => ([...o.state.d1.values()].some((d) => d.row.name === "test-storia") ? undefined : "no D1 database test-storia"), writeCount(1), answerHas("test-storia")),
  },
  {
    id: "r2-create", kind: "write", prompt: "Make a new R2 bucket named eval-uploads",
    script: write(`return await cloudflare.write({ op: "r2.buckets.create", body: { name: "eval-uploads" } });`, () => "The R2 bucket eval-uploads is ready."),
    check: all((o) => (o.state.r2Buckets.has(`${DEMO_ACCOUNT_ID}/eval-uploads`) ? undefined : "no bucket eval-uploads"), writeCount(1)),
  },
  {
    id: "queue-create", kind: "write", prompt: "Create a queue named email-jobs",
    script: write(`return await cloudflare.write({ op: "queues.create", body: { queue_name: "email-jobs" } });`, () => "Created the queue email-jobs."),
    check: all((o) => ([...o.state.queues.values()].some((q) => q.row.queue_name === "email-jobs") ? undefined : "no queue email-jobs"), writeCount(1)),
  },
  {
    id: "dns-a", kind: "write", prompt: "Add an A record shop.example.com pointing to 203.0.113.50",
    script: write(`return await cloudflare.write({ op: "dns.records.create", params: { zone_id: await zoneId("example.com") }, body: { type: "A", name: "shop", content: "203.0.113.50", ttl: 1, proxied: true } });`,
      () => "Added the A record shop.example.com → 203.0.113.50 (proxied)."),
    check: all(hasRecord("A", "shop.example.com", "203.0.113.50"), writeCount(1)),
  },
  {
    id: "dns-cname", kind: "write", prompt: "Point blog.demo-shop.dev at demo-shop.pages.dev with a CNAME",
    script: write(`return await cloudflare.write({ op: "dns.records.create", params: { zone_id: await zoneId("demo-shop.dev") }, body: { type: "CNAME", name: "blog.demo-shop.dev", content: "demo-shop.pages.dev", proxied: true } });`,
      () => "Added the CNAME blog.demo-shop.dev → demo-shop.pages.dev."),
    check: all(hasRecord("CNAME", "blog.demo-shop.dev", "demo-shop.pages.dev"), writeCount(1)),
  },
  {
    id: "dns-a-and-cname", kind: "write (two cards in one run)", prompt: "On example.com add an A record api2 → 203.0.113.7 and a CNAME docs → example.com",
    script: write(`const zone_id = await zoneId("example.com");
const a = await cloudflare.write({ op: "dns.records.create", params: { zone_id }, body: { type: "A", name: "api2", content: "203.0.113.7" } });
const c = await cloudflare.write({ op: "dns.records.create", params: { zone_id }, body: { type: "CNAME", name: "docs", content: "example.com" } });
return [a.name, c.name];`, () => "Added api2.example.com (A → 203.0.113.7) and docs.example.com (CNAME → example.com)."),
    check: all(hasRecord("A", "api2.example.com", "203.0.113.7"), hasRecord("CNAME", "docs.example.com", "example.com"), writeCount(2), (o) => (o.cards.length === 2 ? undefined : `expected 2 cards, saw ${o.cards.length}`)),
  },
  {
    id: "dns-conflict-fix", kind: "write (fixes an API error)", prompt: "Add a CNAME api.demo-shop.dev pointing to demo-shop.dev; if that name is already taken, use www.demo-shop.dev instead",
    // api.demo-shop.dev is taken: the approved create fails with the API's conflict error, and the model falls back to www.
    script: write(`return await cloudflare.write({ op: "dns.records.create", params: { zone_id: await zoneId("demo-shop.dev") }, body: { type: "CNAME", name: "api", content: "demo-shop.dev" } });`,
      (note) => `Added ${String((noteResult(note) as R | undefined)?.name ?? "the record")}.`,
      (error) => (/81053|already exists/.test(error) ? `return await cloudflare.write({ op: "dns.records.create", params: { zone_id: await zoneId("demo-shop.dev") }, body: { type: "CNAME", name: "www", content: "demo-shop.dev" } });` : undefined)),
    check: all(hasRecord("CNAME", "www.demo-shop.dev", "demo-shop.dev"), (o) => (dnsRecord(o, "CNAME", "api.demo-shop.dev", "shop-api.demo-shop.workers.dev") ? undefined : "the existing api.demo-shop.dev record was changed")),
  },
  {
    id: "always-https-read-vs-write", kind: "write (a setting by name; fixes read→write from the error)", prompt: "Turn on Always Use HTTPS for example.com",
    // The first attempt uses cloudflare.read for a change; the error says to use cloudflare.write.
    script: write(`return await cloudflare.read({ op: "zones.settings.edit", params: { zone_id: await zoneId("example.com"), setting_id: "always_use_https" }, body: { value: "on" } });`,
      () => "Always Use HTTPS is now on for example.com.",
      (error) => (/use cloudflare\.write/.test(error) ? `return await cloudflare.write({ op: "zones.settings.edit", params: { zone_id: await zoneId("example.com"), setting_id: "always_use_https" }, body: { value: "on" } });` : undefined)),
    check: all(setting(DEMO_ZONES.exampleCom, "always_use_https", "on"), writeCount(1)),
  },
  {
    id: "min-tls-fix-value", kind: "write (fixes a rejected value from the API error)", prompt: "Set the minimum TLS version of demo-shop.dev to 1.2",
    // The first attempt sends a number; the API names the allowed values, and the model sends "1.2".
    script: write(`return await cloudflare.write({ op: "zones.settings.edit", params: { zone_id: await zoneId("demo-shop.dev"), setting_id: "min_tls_version" }, body: { value: 1.2 } });`,
      () => "The minimum TLS version of demo-shop.dev is now 1.2.",
      (error) => (/use one of .*1\.2/.test(error) ? `return await cloudflare.write({ op: "zones.settings.edit", params: { zone_id: await zoneId("demo-shop.dev"), setting_id: "min_tls_version" }, body: { value: "1.2" } });` : undefined)),
    check: all(setting(DEMO_ZONES.demoShopDev, "min_tls_version", "1.2")),
  },
  {
    id: "dev-mode", kind: "write (a setting by name)", prompt: "Put demo-shop.dev in development mode",
    script: write(`return await cloudflare.write({ op: "zones.settings.edit", params: { zone_id: await zoneId("demo-shop.dev"), setting_id: "development_mode" }, body: { value: "on" } });`,
      () => "Development mode is on for demo-shop.dev (it turns itself off after 3 hours)."),
    check: all(setting(DEMO_ZONES.demoShopDev, "development_mode", "on"), writeCount(1)),
  },
  {
    id: "purge-url", kind: "write", prompt: "Purge https://example.com/pricing.html from the cache",
    script: write(`const hits = await cloudflare.search({ query: "purge cache" });
return await cloudflare.write({ op: hits[0].id, params: { zone_id: await zoneId("example.com") }, body: { files: ["https://example.com/pricing.html"] } });`, () => "Purged https://example.com/pricing.html."),
    check: all((o) => (o.state.purges.some((p) => p.zoneId === DEMO_ZONES.exampleCom && p.files?.includes("https://example.com/pricing.html") && !p.everything) ? undefined : "that URL was not purged"), writeCount(1)),
  },
  {
    id: "kv-rename-fix-body", kind: "write (fixes a body from the API error)", prompt: "Rename the KV namespace SESSIONS to USER_SESSIONS",
    // The first attempt sends { name }; the API says the title is required.
    script: write(`const ns = (await cloudflare.read({ op: "kv.namespaces.list" })).find((n) => n.title === "SESSIONS");
return await cloudflare.write({ op: "kv.namespaces.update", params: { namespace_id: ns.id }, body: { name: "USER_SESSIONS" } });`,
      () => "Renamed SESSIONS to USER_SESSIONS.",
      (error) => (/title is required/.test(error) ? `const ns = (await cloudflare.read({ op: "kv.namespaces.list" })).find((n) => n.title === "SESSIONS");
return await cloudflare.write({ op: "kv.namespaces.update", params: { namespace_id: ns.id }, body: { title: "USER_SESSIONS" } });` : undefined)),
    check: all((o) => (o.state.kv.get("0f2ac74b498b48028cb68387c421e279")?.row.title === "USER_SESSIONS" ? undefined : "the namespace is not called USER_SESSIONS"),
      (o) => (o.state.kv.size === 1 ? undefined : "a namespace was created or deleted")),
  },
  {
    id: "deploy-worker-r2", kind: "build in one pass (module + R2 binding)", prompt: "Deploy a Worker named hello-edge that answers \"Hello from the edge\", with a new R2 bucket hello-edge-files bound as FILES, and tell me its URL",
    script: write(`const bucket = await cloudflare.write({ op: "r2.buckets.create", body: { name: "hello-edge-files" } });
await cloudflare.write({ op: "workers.scripts.update", params: { script_name: "hello-edge" }, body: {
  metadata: { main_module: "index.js", compatibility_date: "2025-11-01", bindings: [{ type: "r2_bucket", name: "FILES", bucket_name: bucket.name }] },
  files: { "index.js": "export default { async fetch() { return new Response('Hello from the edge'); } };" } } });
const sub = await cloudflare.read({ op: "workers.subdomains.get" });
return { url: "https://hello-edge." + sub.subdomain + ".workers.dev" };`, (note) => `Deployed hello-edge at ${String((noteResult(note) as R | undefined)?.url ?? "?")}, with hello-edge-files bound as FILES.`),
    check: all((o) => {
      const worker = o.state.workers.get(`${DEMO_ACCOUNT_ID}/hello-edge`);
      if (!worker) return "no Worker hello-edge";
      if (!worker.modules.some((m) => m.content.includes("Hello from the edge"))) return "the Worker does not answer with the text asked for";
      if (!(worker.bindings as R[]).some((b) => b.type === "r2_bucket" && b.name === "FILES" && b.bucket_name === "hello-edge-files")) return "no R2 binding FILES → hello-edge-files";
      return o.state.r2Buckets.has(`${DEMO_ACCOUNT_ID}/hello-edge-files`) ? undefined : "no bucket hello-edge-files";
    }, answerHas("https://hello-edge.demo-shop.workers.dev")),
  },
];
