/** Questions answered by reading: one read, several, or two joined; a wrong first attempt fixed from its error. */
import { workerErrorTotals } from "../../dev/cloudflare-emulator/analytics.ts";
import { DEMO_ACCOUNT_ID, DEMO_ZONES } from "../../dev/cloudflare-emulator/seed.ts";
import type { EvalTask } from "../task.ts";
import { all, answerHas, read, readOnly } from "./helpers.ts";

type R = Record<string, unknown>;
const list = (x: unknown) => (Array.isArray(x) ? (x as R[]) : []);

/** The read-only tasks. */
export const READ_TASKS: EvalTask[] = [
  {
    id: "whoami", kind: "read", prompt: "Who does my Cloudflare token belong to, and which account does it reach?",
    script: read(`const me = await cloudflare.read({ op: "user.get" });
const accounts = (await cloudflare.read({ op: "accounts.list" }));
return { email: me.email, accounts: accounts.map((a) => a.name) };`, (r) => `The token belongs to ${(r as R).email}; it reaches the account ${list((r as R).accounts).join(", ")}.`),
    check: all(readOnly, answerHas("dana@demo-shop.dev", "Demo Shop")),
  },
  {
    id: "r2-list", kind: "read", prompt: "List my R2 buckets",
    script: read(`const hits = await cloudflare.search({ query: "list r2 buckets" });
return (await cloudflare.read({ op: hits[0].id })).map((b) => b.name);`, (r) => `You have ${list(r).length} R2 buckets: ${(r as string[]).join(", ")}.`),
    check: all(readOnly, answerHas("shop-assets", "nightly-backups")),
  },
  {
    id: "r2-classes-wrong-op", kind: "read (fixes a wrong op from the error)", prompt: "How many R2 buckets do I have, and which storage class does each use?",
    // The first attempt guesses an operation id that does not exist; the error suggests the right one.
    script: read(`return (await cloudflare.read({ op: "r2.bucket.list" })).map((b) => [b.name, b.storage_class]);`,
      (r) => `${list(r).length} buckets: ${(r as string[][]).map(([n, c]) => `${n} (${c})`).join(", ")}.`,
      (error) => {
        const suggested = /did you mean "([^"]+)"/.exec(error)?.[1];
        return suggested && `return (await cloudflare.read({ op: "${suggested}" })).map((b) => [b.name, b.storage_class]);`;
      }),
    check: all(readOnly, answerHas("2 buckets", "Standard", "InfrequentAccess")),
  },
  {
    id: "zones-list", kind: "read", prompt: "Which domains do I have on Cloudflare?",
    script: read(`return (await cloudflare.read({ op: "zones.list" })).map((z) => z.name);`, (r) => `Your zones: ${(r as string[]).join(", ")}.`),
    check: all(readOnly, answerHas("example.com", "demo-shop.dev")),
  },
  {
    id: "zone-plans", kind: "read", prompt: "What plan is each of my zones on?",
    script: read(`return (await cloudflare.read({ op: "zones.list" })).map((z) => z.name + ": " + z.plan.name);`, (r) => (r as string[]).join("; ")),
    check: all(readOnly, answerHas("example.com: Free Website", "demo-shop.dev: Pro Website")),
  },
  {
    id: "dns-list-missing-param", kind: "read (fixes a missing parameter from the error)", prompt: "Show me the DNS records of example.com",
    // The first attempt forgets zone_id; the error says how to find it.
    script: read(`return (await cloudflare.read({ op: "dns.records.list" })).map((r) => r.type + " " + r.name + " " + r.content);`,
      (r) => (r as string[]).join("\n"),
      (error) => /needs params\.zone_id/.test(error) && /zones\.list/.test(error)
        ? `return (await cloudflare.read({ op: "dns.records.list", params: { zone_id: await zoneId("example.com") } })).map((r) => r.type + " " + r.name + " " + r.content);`
        : undefined),
    check: all(readOnly, answerHas("A example.com 192.0.2.10", "MX example.com mail.example.com", "CNAME www.example.com")),
  },
  {
    id: "d1-list", kind: "read", prompt: "What D1 databases do I have and how big are they?",
    script: read(`return (await cloudflare.read({ op: "d1.database.list" })).map((d) => ({ name: d.name, bytes: d.file_size }));`,
      (r) => list(r).map((d) => `${String(d.name)}: ${String(d.bytes)} bytes`).join("; ")),
    check: all(readOnly, answerHas("shop-orders", "184320")),
  },
  {
    id: "kv-list", kind: "read", prompt: "List my KV namespaces",
    script: read(`return (await cloudflare.read({ op: "kv.namespaces.list" })).map((n) => n.title + " (" + n.id + ")");`, (r) => (r as string[]).join(", ")),
    check: all(readOnly, answerHas("SESSIONS", "0f2ac74b498b48028cb68387c421e279")),
  },
  {
    id: "workers-list", kind: "read", prompt: "Which Workers are deployed on my account?",
    script: read(`return (await cloudflare.read({ op: "workers.scripts.list" })).map((w) => w.id);`, (r) => `Deployed Workers: ${(r as string[]).join(", ")}.`),
    check: all(readOnly, answerHas("shop-api")),
  },
  {
    id: "queues-list", kind: "read", prompt: "Do I have any queues?",
    script: read(`return (await cloudflare.read({ op: "queues.list" })).map((q) => q.queue_name);`, (r) => `Yes: ${(r as string[]).join(", ")}.`),
    check: all(readOnly, answerHas("order-events")),
  },
  {
    id: "subdomain", kind: "read", prompt: "What is my workers.dev subdomain?",
    script: read(`const s = await cloudflare.read({ op: "workers.subdomains.get" }); return s.subdomain;`, (r) => `It is ${String(r)}.workers.dev.`),
    check: all(readOnly, answerHas("demo-shop.workers.dev")),
  },
  {
    id: "tunnel-health", kind: "read", prompt: "Is my Cloudflare Tunnel healthy?",
    script: read(`const hits = await cloudflare.search({ query: "list cloudflare tunnels" });
const op = hits.find((h) => h.path.endsWith("/cfd_tunnel")) ?? hits[0];
return (await cloudflare.read({ op: op.id })).map((t) => t.name + ": " + t.status);`, (r) => `Tunnels: ${(r as string[]).join(", ")}.`),
    check: all(readOnly, answerHas("shop-office", "healthy")),
  },
  {
    id: "ssl-mode", kind: "read (a setting by name)", prompt: "What SSL mode does demo-shop.dev use?",
    script: read(`const s = await cloudflare.read({ op: "zones.settings.get", params: { zone_id: await zoneId("demo-shop.dev"), setting_id: "ssl" } });
return s.value;`, (r) => `demo-shop.dev uses SSL mode "${String(r)}".`),
    check: all(readOnly, answerHas(`"full"`)),
  },
  {
    id: "builds-uncatalogued", kind: "read (an API the catalog lacks)", prompt: "Did the last Workers Build of shop-api succeed?",
    script: read(`const account = (await cloudflare.read({ op: "accounts.list" }))[0].id;
const builds = (await cloudflare.read({ op: "GET /accounts/" + account + "/builds/workers/shop-api/builds" }));
return builds[0];`, (r) => `The last build (${String((r as R).build_uuid)}) ended with status ${String((r as R).status)}.`),
    check: all(readOnly, answerHas("success")),
  },
  {
    id: "join-worker-bindings", kind: "join (two reads)", prompt: "What is the shop-api Worker bound to? Give me names, not ids.",
    script: read(`const settings = await cloudflare.read({ op: "workers.scripts.scriptAndVersionSettings.get", params: { script_name: "shop-api" } });
const bindings = (settings.bindings ?? []);
const dbs = (await cloudflare.read({ op: "d1.database.list" }));
const kvs = (await cloudflare.read({ op: "kv.namespaces.list" }));
return bindings.map((b) => b.name + " → " + (b.type === "d1" ? dbs.find((d) => d.uuid === b.id)?.name : b.type === "kv_namespace" ? kvs.find((k) => k.id === b.namespace_id)?.title : b.bucket_name));`,
    (r) => `shop-api is bound to: ${(r as string[]).join(", ")}.`),
    check: all(readOnly, answerHas("DB → shop-orders", "SESSIONS → SESSIONS", "ASSETS → shop-assets")),
  },
  {
    id: "join-queue-producer", kind: "join (two reads)", prompt: "Which Worker sends messages to the order-events queue, and when was that Worker last changed?",
    script: read(`const q = (await cloudflare.read({ op: "queues.list" })).find((q) => q.queue_name === "order-events");
const script = q.producers[0].script;
const w = (await cloudflare.read({ op: "workers.scripts.list" })).find((w) => w.id === script);
return { script, modified: w.modified_on };`, (r) => `${String((r as R).script)} produces to order-events; it was last changed on ${String((r as R).modified).slice(0, 10)}.`),
    check: all(readOnly, answerHas("shop-api", "2025-06-18")),
  },
  {
    id: "join-dns-per-zone", kind: "join (a read per zone)", prompt: "How many DNS records does each of my zones have?",
    script: read(`const out = {};
for (const z of (await cloudflare.read({ op: "zones.list" }))) out[z.name] = (await cloudflare.read({ op: "dns.records.list", params: { zone_id: z.id } })).length;
return out;`, (r) => Object.entries(r as R).map(([z, n]) => `${z}: ${String(n)}`).join(", ")),
    check: all(readOnly, answerHas("example.com: 4", "demo-shop.dev: 3")),
  },
  {
    id: "unproxied-records", kind: "join (filter across zones)", prompt: "Which of my DNS records are not proxied through Cloudflare?",
    script: read(`const out = [];
for (const z of (await cloudflare.read({ op: "zones.list" })))
  for (const r of (await cloudflare.read({ op: "dns.records.list", params: { zone_id: z.id } }))) if (!r.proxied) out.push(r.type + " " + r.name + " → " + r.content);
return out;`, (r) => `Not proxied: ${(r as string[]).join("; ")}.`),
    check: all(readOnly, answerHas("MX example.com", "TXT example.com"), (o) => (o.answer.includes("demo-shop.dev →") ? "the answer lists a proxied record" : undefined)),
  },
  {
    id: "analytics-worker-errors", kind: "analytics (GraphQL)", prompt: "Which of my Workers had the most errors over the last 7 days?",
    // The first attempt asks for a field the dataset does not have; the error points at graphqlSchema, whose description has the right one.
    script: read(`const since = new Date(Date.now() - 6 * 86400000).toISOString().slice(0, 10);
const data = await cloudflare.graphql({ query: \`query ($accountTag: string!, $since: Date!) { viewer { accounts(filter: { accountTag: $accountTag }) {
  workersInvocationsAdaptive(limit: 100, filter: { date_geq: $since }) { dimensions { scriptName } sum { errorCount requests } } } } }\`, variables: { since } });
return data;`, (r) => {
      const rows = list((r as { viewer?: { accounts?: Array<{ workersInvocationsAdaptive?: unknown }> } }).viewer?.accounts?.[0]?.workersInvocationsAdaptive)
        .map((row) => ({ script: String((row.dimensions as R).scriptName), errors: Number((row.sum as R).errors) }))
        .sort((a, b) => b.errors - a.errors);
      return rows.length ? `${rows[0]!.script} had the most errors: ${rows[0]!.errors} in the last 7 days (then ${rows.slice(1).map((x) => `${x.script} ${x.errors}`).join(", ")}).` : "No Worker ran in the last 7 days.";
    }, (error) => (/errorCount|graphqlSchema/.test(error) ? `const since = new Date(Date.now() - 6 * 86400000).toISOString().slice(0, 10);
return await cloudflare.graphql({ query: \`query ($accountTag: string!, $since: Date!) { viewer { accounts(filter: { accountTag: $accountTag }) {
  workersInvocationsAdaptive(limit: 100, filter: { date_geq: $since }) { dimensions { scriptName } sum { errors requests } } } } }\`, variables: { since } });` : undefined)),
    check: (o) => {
      const since = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
      const [top] = workerErrorTotals(o.state, DEMO_ACCOUNT_ID, since);
      if (!top) return "the demo account has no Workers";
      return all(readOnly, answerHas(`${top.scriptName} had the most errors: ${top.errors}`))(o);
    },
  },
];

/** Zone ids the checkers of other files use. */
export const ZONES = DEMO_ZONES;
