/**
 * How sent writes are taken back (the Undo button): a create is undone by deleting what it made.
 * Rules match the operation's method and path template, so they hold whatever the SDK calls the
 * operation. Writes without a rule are listed as irreversible.
 *
 * The target comes from the request the host sent and the response the API returned, both
 * recorded host-side when the call was made (approvals/approval-store.ts), never from codemode's
 * execution log: a snippet can write that log, and Undo must delete what was created, nothing else.
 */
import type { StoredRequest } from "./stored-request.ts";

/** An API call that undoes a write. */
export interface UndoCall {
  method: "DELETE";
  path: string;
  /** What is being removed, for the confirmation and the report. */
  label: string;
}

interface UndoRule {
  method: string;
  template: string;
  undo: (params: Record<string, string>, body: Record<string, unknown>, result: Record<string, unknown>) => UndoCall | undefined;
}

const str = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);
const enc = encodeURIComponent;

const RULES: UndoRule[] = [
  {
    method: "POST", template: "/accounts/{account_id}/r2/buckets",
    undo: (p, body, result) => {
      const name = str(result.name) ?? str(body.name);
      return name ? { method: "DELETE", path: `/accounts/${enc(p.account_id!)}/r2/buckets/${enc(name)}`, label: `R2 bucket ${name}` } : undefined;
    },
  },
  {
    method: "POST", template: "/accounts/{account_id}/d1/database",
    undo: (p, body, result) => {
      const id = str(result.uuid) ?? str(result.id);
      return id ? { method: "DELETE", path: `/accounts/${enc(p.account_id!)}/d1/database/${enc(id)}`, label: `D1 database ${str(result.name) ?? str(body.name) ?? id}` } : undefined;
    },
  },
  {
    method: "POST", template: "/accounts/{account_id}/storage/kv/namespaces",
    undo: (p, body, result) => {
      const id = str(result.id);
      return id ? { method: "DELETE", path: `/accounts/${enc(p.account_id!)}/storage/kv/namespaces/${enc(id)}`, label: `KV namespace ${str(result.title) ?? str(body.title) ?? id}` } : undefined;
    },
  },
  {
    method: "POST", template: "/zones/{zone_id}/dns_records",
    undo: (p, body, result) => {
      const id = str(result.id);
      const name = str(result.name) ?? str(body.name) ?? id;
      return id ? { method: "DELETE", path: `/zones/${enc(p.zone_id!)}/dns_records/${enc(id)}`, label: `DNS record ${str(result.type) ?? str(body.type) ?? ""} ${name}`.replace(/\s+/g, " ") } : undefined;
    },
  },
  {
    method: "POST", template: "/accounts/{account_id}/queues",
    undo: (p, body, result) => {
      const id = str(result.queue_id) ?? str(result.id);
      return id ? { method: "DELETE", path: `/accounts/${enc(p.account_id!)}/queues/${enc(id)}`, label: `queue ${str(result.queue_name) ?? str(body.queue_name) ?? id}` } : undefined;
    },
  },
];

/** The call that undoes a sent write, from the request sent and what the API returned; undefined when it cannot be taken back automatically. */
export function undoFor(request: Pick<StoredRequest, "method" | "template" | "pathParams" | "body">, result: unknown): UndoCall | undefined {
  const rule = RULES.find((r) => r.method === request.method && r.template === request.template);
  if (!rule) return undefined;
  const body = request.body?.kind === "json" ? JSON.parse(request.body.json) : undefined;
  return rule.undo(request.pathParams, asRecord(body), asRecord(result));
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
