/**
 * Finds one's way in the GraphQL Analytics schema without reading all of it: the schema comes
 * from the API's own introspection (with the requester's token), one type at a time and only as
 * needed, through the per-account cache. Datasets are the list-valued fields of the `zone` and
 * `account` types reached from `viewer` (`httpRequests1dGroups`, `workersInvocationsAdaptive`…);
 * they are searched by name and description, and one dataset is described in a few lines.
 */
import type { GraphqlSchemaCache, IntrospectedType, TypeRef } from "./schema-cache.ts";
import { describeDataset, describeType, namedType, type Dataset } from "./schema-text.ts";
import { GraphqlError } from "./query-document.ts";

export type { Dataset };

/** Runs one introspection query (host-side, audited) and returns its `data`. */
export type Introspect = (query: string, variables: Record<string, string>) => Promise<unknown>;

const TYPE_FIELDS = `fragment R on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }
fragment T on __Type { kind name description fields { name description args { name type { ...R } } type { ...R } } inputFields { name type { ...R } } enumValues { name } }`;

/** The schema of one account, as far as snippets have looked into it. */
export class GraphqlSchemaGuide {
  private readonly cache: GraphqlSchemaCache;
  private readonly scope: string;
  private readonly introspect: Introspect;

  constructor(cache: GraphqlSchemaCache, scope: string, introspect: Introspect) {
    this.cache = cache;
    this.scope = scope;
    this.introspect = introspect;
  }

  /** The types named, from the cache or in one introspection request for those it lacks. */
  async types(names: readonly string[]): Promise<Map<string, IntrospectedType | null>> {
    const wanted = [...new Set(names)];
    const found = this.cache.get(this.scope, wanted);
    const missing = wanted.filter((name) => !found.has(name));
    if (missing.length === 0) return found;
    const variables = Object.fromEntries(missing.map((name, i) => [`t${i}`, name]));
    const query = `query Types(${missing.map((_, i) => `$t${i}: String!`).join(", ")}) { ${missing.map((_, i) => `t${i}: __type(name: $t${i}) { ...T }`).join(" ")} }\n${TYPE_FIELDS}`;
    const data = (await this.introspect(query, variables)) as Record<string, IntrospectedType | null> | null;
    const fetched = new Map(missing.map((name, i) => [name, data?.[`t${i}`] ?? null] as const));
    this.cache.put(this.scope, fetched);
    for (const [name, type] of fetched) found.set(name, type);
    return found;
  }

  /** One type, or a `GraphqlError` naming it. */
  async type(name: string): Promise<IntrospectedType> {
    const type = (await this.types([name])).get(name);
    if (!type) throw new GraphqlError(`the GraphQL schema has no type "${name}"`);
    return type;
  }

  /** Every dataset of the zone and account types. */
  async datasets(): Promise<Dataset[]> {
    const viewer = await this.viewerType();
    const scopes = { zone: fieldType(viewer, "zones"), account: fieldType(viewer, "accounts") };
    const types = await this.types(Object.values(scopes).filter((n): n is string => n !== undefined));
    return (Object.entries(scopes) as Array<["zone" | "account", string | undefined]>).flatMap(([scope, name]) => {
      const type = name ? types.get(name) : undefined;
      return (type?.fields ?? []).filter((f) => isList(f.type)).map((field) => ({ scope, name: field.name, description: (field.description ?? "").trim(), field }));
    });
  }

  /** Datasets for a few words ("zone traffic by day", "worker errors"), best first. */
  async search(text: string, limit: number): Promise<Array<{ dataset: string; scope: string; description: string }>> {
    const wanted = queryTerms(text);
    const scored = (await this.datasets()).map((d) => {
      const name = new Set(nameTerms(d.name));
      const description = new Set(words(d.description).map(stemmed));
      let score = 0;
      for (const [term, weight] of wanted) score += (name.has(term) ? 3 : 0) * weight + (description.has(term) ? 1 : 0) * weight;
      if (wanted.some(([t]) => t === d.scope)) score += 0.5;
      return { d, score };
    }).filter((s) => s.score > 0);
    scored.sort((a, b) => b.score - a.score || a.d.name.length - b.d.name.length);
    return scored.slice(0, limit).map(({ d }) => ({ dataset: d.name, scope: d.scope, description: firstSentence(d.description) }));
  }

  /** A dataset's arguments, filter, order, fields and an example query, in a few lines. */
  async describeDataset(name: string, scope?: string): Promise<string> {
    const all = await this.datasets();
    const matching = all.filter((d) => d.name.toLowerCase() === name.toLowerCase() && (scope === undefined || d.scope === scope));
    if (matching.length === 0) {
      const guesses = (await this.search(name.replace(/([a-z])([A-Z0-9])/g, "$1 $2"), 3)).map((g) => `${g.scope}.${g.dataset}`);
      throw new GraphqlError(`no GraphQL dataset "${name}"${guesses.length ? `; did you mean ${guesses.join(", ")}?` : ""} Find one with cloudflare.graphqlSchema({ search: "words" })`);
    }
    const texts: string[] = [];
    for (const dataset of matching) texts.push(await describeDataset(dataset, (names) => this.types(names)));
    return texts.join("\n\n");
  }

  /** Any type of the schema, by name (an object's fields, an input's fields, an enum's values). */
  async describeType(name: string): Promise<string> {
    return describeType(await this.type(name));
  }

  private async viewerType(): Promise<IntrospectedType> {
    const root = await this.rootType();
    const viewer = fieldType(root, "viewer");
    if (!viewer) throw new GraphqlError("the GraphQL schema has no viewer field; it is not Cloudflare's Analytics API");
    return this.type(viewer);
  }

  private async rootType(): Promise<IntrospectedType> {
    const cached = this.cache.get(this.scope, ["__query"]).get("__query");
    if (cached) return cached;
    const data = (await this.introspect(`query Root { __schema { queryType { ...T } } }\n${TYPE_FIELDS}`, {})) as { __schema?: { queryType?: IntrospectedType } } | null;
    const root = data?.__schema?.queryType;
    if (!root) throw new GraphqlError("the GraphQL API did not describe its schema; try again later");
    this.cache.put(this.scope, new Map([["__query", root]]));
    return root;
  }
}

function fieldType(type: IntrospectedType, field: string): string | undefined {
  const found = type.fields?.find((f) => f.name === field);
  return found ? namedType(found.type) : undefined;
}

function isList(ref: TypeRef): boolean {
  for (let r: TypeRef | null | undefined = ref; r; r = r.ofType) if (r.kind === "LIST") return true;
  return false;
}

function firstSentence(text: string): string {
  const sentence = /^.*?[.!?](?=\s|$)/s.exec(text)?.[0] ?? text;
  return sentence.length > 140 ? `${sentence.slice(0, 139)}…` : sentence;
}

/** Everyday words for what datasets measure, mapped to the words their names and descriptions use. */
const SYNONYMS: Record<string, string[]> = {
  traffic: ["http", "request"], visit: ["pageview", "unique", "http"], visitor: ["unique", "http"], view: ["pageview"],
  bandwidth: ["byte"], data: ["byte"], day: ["1d"], daily: ["1d"], week: ["1d"], weekly: ["1d"], month: ["1d"],
  hour: ["1h"], hourly: ["1h"], minute: ["1m"], worker: ["workers", "invocation"], script: ["workers", "invocation"],
  error: ["error", "invocation"], exception: ["error", "invocation"], fail: ["error"], attack: ["threat", "firewall"],
  blocked: ["firewall", "threat"], waf: ["firewall"], security: ["firewall", "threat"], country: ["country"],
  cache: ["cache", "cached"], site: ["zone", "http"], website: ["zone", "http"], domain: ["zone"],
};

function queryTerms(text: string): Array<[string, number]> {
  const terms = new Map<string, number>();
  for (const word of words(text)) {
    const term = stemmed(word);
    terms.set(term, Math.max(terms.get(term) ?? 0, 1));
    for (const synonym of SYNONYMS[term] ?? []) terms.set(synonym, Math.max(terms.get(synonym) ?? 0, 0.8));
  }
  return [...terms];
}

/** `httpRequests1dGroups` → http, request, 1d, group. */
function nameTerms(name: string): string[] {
  return name.replace(/([a-z])([A-Z0-9])/g, "$1 $2").replace(/(\d)([a-z]+)([A-Z])/g, "$1$2 $3").split(/\s+/).map((w) => stemmed(w.toLowerCase()));
}

function words(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 1);
}

function stemmed(word: string): string {
  if (word === "workers") return word;
  if (word.length > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  return word.length > 3 && word.endsWith("s") && !word.endsWith("ss") ? word.slice(0, -1) : word;
}
