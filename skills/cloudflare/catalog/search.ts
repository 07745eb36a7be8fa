/**
 * Ranked search over the catalog for natural-language queries ("list my r2 buckets").
 *
 * How a query is read:
 * 1. phrases are rewritten ("who am i" -> "show user"), then words are split and stemmed;
 * 2. filler words are dropped; intent words (list/add/remove/…) set the intent and are not
 *    searched as text; every other word is a *concept*, searched as itself or a synonym;
 * 3. no intent word but a plural noun ("r2 buckets") means list; "all"/"every" turn a get into a
 *    list ("get all d1 databases");
 * 4. a query that names a zone setting ("always_use_https", "minimum TLS version") is about the
 *    zone-settings operations: they come first, the read for a question, the edit otherwise.
 *
 * How an operation scores: for each concept, the best (field weight × synonym weight × idf) of
 * its terms in that operation; summed; scaled by the share of concepts matched; divided by how
 * many of the operation's resource words the query did not mention (so `r2.buckets.list` beats
 * `r2.buckets.domains.custom.list` for "r2 buckets"); scaled by how well the operation's verb
 * fits the intent; and demoted when deprecated or a duplicate of another route.
 */
import { demotion, getSearchIndex, operationResourceTerms, operationVerb, type IndexedOperation, type SearchIndex } from "./search-index.ts";
import { isPlural, stem, words } from "./text.ts";
import type { HttpMethod } from "./types.ts";
import { INTENT_WORDS, PHRASES, PREPOSITIONS, READ_QUESTION, STOPWORDS, SYNONYMS, ZONE_SETTINGS, type Intent } from "./vocabulary.ts";

/** One search hit, best first. */
export interface SearchResult {
  id: string;
  method: HttpMethod;
  path: string;
  summary: string;
  /** Relative relevance; only the order matters. */
  score: number;
}

/** Options of `searchOperations`. */
export interface SearchOptions {
  /** How many results to return (default 10, at most 50). */
  limit?: number;
}

/** A parsed query: what to do and what about. */
export interface ParsedQuery {
  intent: Intent | undefined;
  /** The zone setting the query names (`always_use_https`), if any. */
  zoneSetting?: string;
  /** Each concept is a list of alternative terms with weights (the word itself has weight 1). */
  concepts: Array<Array<readonly [string, number]>>;
}

/** Ranks catalog operations for a natural-language query, best first. */
export async function searchOperations(query: string, options: SearchOptions = {}): Promise<SearchResult[]> {
  return searchOperationsSync(query, options);
}

/** The synchronous form of `searchOperations` (the index is statically imported). */
export function searchOperationsSync(query: string, options: SearchOptions = {}, index: SearchIndex = getSearchIndex()): SearchResult[] {
  const limit = Math.max(1, Math.min(50, Math.floor(options.limit ?? 10)));
  const parsed = parseQuery(query);
  if (parsed.concepts.length === 0) return [];
  const total = index.operations.length;
  const scores = new Map<number, { sum: number; matched: number; terms: Set<string> }>();
  parsed.concepts.forEach((alternatives) => {
    const best = new Map<number, number>();
    for (const [term, weight] of alternatives) {
      const postings = index.postings.get(term);
      if (!postings) continue;
      const idf = Math.log(1 + total / (postings.length / 2));
      for (let i = 0; i < postings.length; i += 2) {
        const op = postings[i]!;
        const value = (postings[i + 1]! / 10) * weight * idf;
        if (value > (best.get(op) ?? 0)) best.set(op, value);
        let entry = scores.get(op);
        if (!entry) scores.set(op, (entry = { sum: 0, matched: 0, terms: new Set() }));
        entry.terms.add(term);
      }
    }
    for (const [op, value] of best) {
      const entry = scores.get(op)!;
      entry.sum += value;
      entry.matched += 1;
    }
  });
  const ranked: SearchResult[] = [];
  for (const [position, entry] of scores) {
    const op = index.operations[position]!;
    const coverage = entry.matched / parsed.concepts.length;
    const unmatched = operationResourceTerms(op).filter((t) => !entry.terms.has(t)).length;
    const score = (entry.sum * coverage * coverage * verbFit(parsed.intent, op) * scopeFit(parsed, op) * demotion(op)) / (1 + 0.3 * unmatched);
    ranked.push({ id: op.id, method: op.method, path: op.path, summary: op.summary, score: Math.round(score * 1000) / 1000 });
  }
  ranked.sort((a, b) => b.score - a.score || a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return (parsed.zoneSetting ? settingsFirst(query, parsed, ranked, index) : ranked).slice(0, limit);
}

/** Splits a query into an intent and concepts (exported for tests and the benchmark). */
export function parseQuery(query: string): ParsedQuery {
  let text = stripValues(query.toLowerCase());
  for (const [pattern, replacement] of PHRASES) text = text.replace(pattern, replacement);
  let intent: Intent | undefined;
  let headPlural: boolean | undefined;
  let lastNounPlural = false;
  const concepts: ParsedQuery["concepts"] = [];
  const seen = new Set<string>();
  for (const word of words(text)) {
    const term = stem(word);
    // The head noun is the last noun before the first preposition ("worker routes | on my zone").
    if (PREPOSITIONS.has(word)) headPlural ??= lastNounPlural;
    if (STOPWORDS.has(word) || STOPWORDS.has(term) || seen.has(term) || /^\d+$/.test(term)) continue;
    seen.add(term);
    const wordIntent = INTENT_WORDS.get(term);
    const synonyms = SYNONYMS.get(term) ?? [];
    if (wordIntent) {
      intent ??= wordIntent;
      if (synonyms.length > 0) concepts.push([...synonyms]);
      continue;
    }
    lastNounPlural = isPlural(word);
    concepts.push(synonyms.some(([t]) => t === term) ? [...synonyms] : [[term, 1], ...synonyms]);
  }
  const everything = /\b(all|every|each)\b/.test(text);
  if (everything && (intent === undefined || intent === "get")) intent = "list";
  const zoneSetting = ZONE_SETTINGS.find(([, pattern]) => pattern.test(query.toLowerCase()))?.[0];
  return { intent: intent ?? ((headPlural ?? lastNounPlural) ? "list" : undefined), concepts, ...(zoneSetting ? { zoneSetting } : {}) };
}

/**
 * Puts the zone-settings operations first for a query that names a setting: `zones.settings.get`
 * for a question ("is rocket loader on?"), `zones.settings.edit` otherwise ("enable brotli").
 * A setting with an operation of its own (`/zones/{zone_id}/settings/nel`) keeps that one.
 */
function settingsFirst(query: string, parsed: ParsedQuery, ranked: SearchResult[], index: SearchIndex): SearchResult[] {
  const own = index.operations.filter((op) => op.path === `/zones/{zone_id}/settings/${parsed.zoneSetting}`);
  const generic = index.operations.filter((op) => op.path === "/zones/{zone_id}/settings/{setting_id}");
  const reads = READ_QUESTION.test(query.toLowerCase()) || parsed.intent === "get" || parsed.intent === "list";
  const order = (ops: IndexedOperation[]) => [...ops].sort((a, b) => Number(reads ? b.method === "GET" : a.method === "GET") - Number(reads ? a.method === "GET" : b.method === "GET"));
  const first = [...order(own), ...order(generic)];
  if (first.length === 0) return ranked;
  const top = (ranked[0]?.score ?? 0) + first.length;
  const lifted = first.map((op, i) => ({ id: op.id, method: op.method, path: op.path, summary: op.summary, score: Math.round((top - i) * 1000) / 1000 }));
  return [...lifted, ...ranked.filter((r) => !first.some((op) => op.id === r.id))];
}

/** Removes values that name things rather than describe them: URLs, hostnames, IPs, quoted text, names. */
function stripValues(text: string): string {
  return text
    .replace(/["'`][^"'`]*["'`]/g, " ")
    .replace(/\b(called|named)\s+\S+/g, " ")
    .replace(/\b[a-z]+:\/\/\S+/g, " ")
    .replace(/\b\d{1,3}(\.\d{1,3}){3}(\/\d+)?\b/g, " ")
    .replace(/\b[a-z0-9-]+(\.[a-z0-9-]+)*\.(com|org|net|dev|io|app|co|uk|de|fr|xyz|info|me)\b\S*/g, " ");
}

/** Zone- or account-scoped variants get a small boost when the query names their scope. */
function scopeFit(parsed: ParsedQuery, op: IndexedOperation): number {
  const mentions = (term: string): boolean => parsed.concepts.some((c) => c[0]?.[0] === term);
  if (op.path.startsWith("/zones/{") && (mentions("zone") || mentions("domain") || mentions("site"))) return 1.1;
  if (op.path.startsWith("/accounts/{") && mentions("account")) return 1.1;
  return 1;
}

/** How well an operation's verb fits the intent: 1.6 exact, partial fits in between, 0.6 opposed. */
function verbFit(intent: Intent | undefined, op: IndexedOperation): number {
  const verb = operationVerb(op);
  if (!intent) return verb === "get" || verb === "list" ? 1.15 : 1;
  if (verb === intent) return 1.6;
  if (verb === undefined) return intent === "list" || intent === "get" ? 0.8 : 1;
  return FIT[intent][verb];
}

const FIT: Record<Intent, Record<Intent, number>> = {
  list: { list: 1.6, get: 1.2, create: 0.6, update: 0.6, delete: 0.5 },
  get: { list: 1.2, get: 1.6, create: 0.6, update: 0.6, delete: 0.5 },
  create: { list: 0.6, get: 0.6, create: 1.6, update: 1.2, delete: 0.5 },
  update: { list: 0.6, get: 0.6, create: 1.1, update: 1.6, delete: 0.5 },
  delete: { list: 0.5, get: 0.5, create: 0.5, update: 0.6, delete: 1.6 },
};
