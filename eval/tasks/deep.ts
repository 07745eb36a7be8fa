/**
 * Tasks the scripted cheap model fails on purpose — once by refusing, once by spending its step
 * budget on code that keeps failing — so auto mode (`/model auto`) has something to escalate:
 * the strong model's script solves them. With a real model these are ordinary tasks.
 */
import type { EvalTask } from "../task.ts";
import { all, answerHas, flails, read, readOnly, refuses } from "./helpers.ts";

/** The tasks for Deep Mode. */
export const DEEP_TASKS: EvalTask[] = [
  {
    id: "most-proxied-zone", kind: "join (cheap model refuses)", prompt: "Which of my zones has the most proxied DNS records, and how many does it have?",
    cheapFails: "refuses",
    script: refuses("I'm sorry, I can't help with comparing zones."),
    strongScript: read(`let best = { name: "", n: -1 };
for (const z of (await cloudflare.read({ op: "zones.list" }))) {
  const n = (await cloudflare.read({ op: "dns.records.list", params: { zone_id: z.id } })).filter((r) => r.proxied).length;
  if (n > best.n) best = { name: z.name, n };
}
return best;`, (r) => `${String((r as { name: string }).name)} has the most proxied records: ${String((r as { n: number }).n)}.`),
    check: all(readOnly, answerHas("demo-shop.dev", "3")),
  },
  {
    id: "worker-db-tables", kind: "join (cheap model runs out of steps)", prompt: "How many tables does the D1 database used by the shop-api Worker have?",
    cheapFails: "step budget",
    script: flails(`return (await cloudflare.read({ op: "d1.database.get", params: { database_id: "DB" } })).num_tables;`),
    strongScript: read(`const s = await cloudflare.read({ op: "workers.scripts.scriptAndVersionSettings.get", params: { script_name: "shop-api" } });
const b = s.bindings.find((b) => b.type === "d1");
const db = await cloudflare.read({ op: "d1.database.get", params: { database_id: b.id } });
return { name: db.name, tables: db.num_tables };`, (r) => `shop-api uses ${String((r as { name: string }).name)}, which has ${String((r as { tables: number }).tables)} tables.`),
    check: all(readOnly, answerHas("shop-orders", "4 tables")),
  },
];
