/**
 * Introspected GraphQL types as the few lines a model reads: a dataset's arguments, its filter
 * (operator variants folded: `date (eq geq gt leq lt): Date`), its order, its fields (nested
 * groups such as `sum { requests bytes: uint64 }`) and an example query that runs as written.
 */
import type { Field, InputValue, IntrospectedType, TypeRef } from "./schema-cache.ts";

/** A dataset: a field of the zone or account type that lists rows. */
export interface Dataset {
  scope: "zone" | "account";
  name: string;
  description: string;
  field: Field;
}

/** Loads types by name (through the cache). */
type Types = (names: readonly string[]) => Promise<Map<string, IntrospectedType | null>>;

/** The most a description may take before it says how to see the rest. */
const MAX_CHARS = 4000;
const OPERATORS = ["geq", "gt", "leq", "lt", "neq", "in", "notin", "has", "hasall", "hasany", "like", "notlike"];

/** The type a reference names, without list and non-null wrappers. */
export function namedType(ref: TypeRef): string | undefined {
  for (let r: TypeRef | null | undefined = ref; r; r = r.ofType) if (r.name) return r.name;
  return undefined;
}

/** A reference as GraphQL writes it: `[X!]!`. */
export function typeString(ref: TypeRef): string {
  if (ref.kind === "NON_NULL" && ref.ofType) return `${typeString(ref.ofType)}!`;
  if (ref.kind === "LIST" && ref.ofType) return `[${typeString(ref.ofType)}]`;
  return ref.name ?? "?";
}

/** A dataset in a few lines, with an example query. */
export async function describeDataset(dataset: Dataset, types: Types): Promise<string> {
  const { field, scope } = dataset;
  const args = field.args ?? [];
  const rowName = namedType(field.type) ?? "";
  const argTypes = args.map((a) => namedType(a.type) ?? "");
  const first = await types([rowName, ...argTypes]);
  const row = first.get(rowName);
  const groups = (row?.fields ?? []).map((f) => ({ field: f, typeName: namedType(f.type) ?? "" }));
  const second = await types(groups.map((g) => g.typeName));
  const lines = [`${scope} dataset ${field.name}${dataset.description ? `: ${dataset.description}` : ""}`,
    `arguments: ${args.map((a) => `${a.name}: ${typeString(a.type)}`).join(", ") || "none"}`];
  let filterFields: InputValue[] = [];
  for (const arg of args) {
    const type = first.get(namedType(arg.type) ?? "");
    if (type?.kind === "INPUT_OBJECT") {
      filterFields = type.inputFields ?? [];
      lines.push(`${arg.name}: { ${foldOperators(filterFields)} }`);
    } else if (type?.kind === "ENUM") {
      lines.push(`${arg.name}: ${foldDirections((type.enumValues ?? []).map((v) => v.name))}`);
    }
  }
  const fieldText = groups.map(({ field: f, typeName }) => {
    const inner = second.get(typeName);
    return inner?.fields ? `${f.name} { ${groupByType(inner.fields.map((x) => ({ name: x.name, type: typeString(x.type) })))} }` : `${f.name}: ${typeString(f.type)}`;
  }).join(" ");
  lines.push(`fields: ${fieldText}`);
  lines.push(`example: ${example(dataset, filterFields, groups.map((g) => ({ name: g.field.name, inner: second.get(g.typeName)?.fields?.map((x) => x.name) ?? [] })))}`);
  lines.push(scope === "zone"
    ? "zoneTag is the zone's id (cloudflare.read({ op: \"zones.list\", query: { name } })); dates are UTC."
    : "accountTag is the account id; declare $accountTag and it is filled in when the token reaches one account. Dates are UTC.");
  return clip(lines.join("\n"), `cloudflare.graphqlSchema({ type: "${rowName}" })`);
}

/** Any type: an object's fields, an input's fields, an enum's values. */
export function describeType(type: IntrospectedType): string {
  const head = `${type.kind.toLowerCase().replace("_", " ")} ${type.name}${type.description ? `: ${type.description.trim()}` : ""}`;
  if (type.fields) {
    return clip(`${head}\n${type.fields.map((f) => `${f.name}${f.args?.length ? `(${f.args.map((a) => `${a.name}: ${typeString(a.type)}`).join(", ")})` : ""}: ${typeString(f.type)}`).join("\n")}`);
  }
  if (type.inputFields) return clip(`${head}\n${foldOperators(type.inputFields)}`);
  if (type.enumValues) return clip(`${head}\n${type.enumValues.map((v) => v.name).join(" ")}`);
  return head;
}

/** `date, date_geq, date_leq: Date` → `date (eq geq leq): Date`; AND/OR kept as they are. */
function foldOperators(fields: readonly InputValue[]): string {
  const bases = new Map<string, { ops: string[]; type: string }>();
  const logical: string[] = [];
  for (const f of fields) {
    if (f.name === "AND" || f.name === "OR") { logical.push(f.name); continue; }
    const op = OPERATORS.find((o) => f.name.endsWith(`_${o}`));
    const base = op ? f.name.slice(0, -(op.length + 1)) : f.name;
    const entry = bases.get(base) ?? { ops: [], type: namedType(f.type) ?? "?" };
    entry.ops.push(op ?? "eq");
    bases.set(base, entry);
  }
  const parts = [...bases].map(([base, { ops, type }]) => `${base}${ops.length === 1 && ops[0] === "eq" ? "" : ` (${ops.join(" ")})`}: ${type}`);
  return [...parts, ...(logical.length ? [`${logical.join(", ")}: [filter]`] : [])].join(", ");
}

/** `date_ASC date_DESC sum_requests_ASC` → `date, sum_requests (each _ASC or _DESC)`. */
function foldDirections(values: readonly string[]): string {
  const bases = [...new Set(values.map((v) => v.replace(/_(ASC|DESC)$/, "")))];
  return values.every((v) => /_(ASC|DESC)$/.test(v)) ? `[${bases.join(", ")}] each _ASC or _DESC` : values.join(" ");
}

/** `a: uint64, b: uint64, c: Date` → `a b: uint64, c: Date`. */
function groupByType(fields: ReadonlyArray<{ name: string; type: string }>): string {
  const out: Array<{ names: string[]; type: string }> = [];
  for (const f of fields) {
    const last = out.at(-1);
    const type = f.type.replace(/!$/, "");
    if (last && last.type === type) last.names.push(f.name);
    else out.push({ names: [f.name], type });
  }
  return out.map((g) => `${g.names.join(" ")}: ${g.type}`).join(", ");
}

function example(dataset: Dataset, filter: readonly InputValue[], groups: ReadonlyArray<{ name: string; inner: string[] }>): string {
  const tag = dataset.scope === "zone" ? "zoneTag" : "accountTag";
  const now = new Date();
  const day = (back: number) => new Date(now.getTime() - back * 86_400_000).toISOString().slice(0, 10);
  const names = new Set(filter.map((f) => f.name));
  const range = names.has("date_geq") ? `date_geq: "${day(6)}", date_leq: "${day(0)}"`
    : names.has("datetime_geq") ? `datetime_geq: "${day(1)}T00:00:00Z", datetime_leq: "${day(0)}T00:00:00Z"` : "";
  const picked = groups.filter((g) => g.inner.length > 0).slice(0, 2).map((g) => `${g.name} { ${g.inner.slice(0, 2).join(" ")} }`).join(" ");
  const args = [`limit: 100`, ...(range ? [`filter: { ${range} }`] : [])].join(", ");
  return `query ($${tag}: string!) { viewer { ${dataset.scope}s(filter: { ${tag}: $${tag} }) { ${dataset.field.name}(${args}) { ${picked} } } } }`;
}

function clip(text: string, more = "a narrower question"): string {
  return text.length <= MAX_CHARS ? text : `${text.slice(0, MAX_CHARS)}… (cut; see ${more})`;
}
