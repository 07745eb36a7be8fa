/**
 * What search indexes about one operation: its stemmed terms, each with the weight of the best
 * field it occurs in, plus its verb and resource words. Used by the build (which precomputes the
 * inverted index into generated/search-index.ts, so a cold isolate does no tokenising) and by
 * `buildSearchIndex` for catalogs built at run time. Imports no generated data.
 */
import { terms, words } from "./text.ts";
import type { Intent } from "./vocabulary.ts";
import { INDEX_FLAG_PAGINATED, type HttpMethod, type SearchIndexRow } from "./types.ts";

/** Field weights in tenths (integers keep the generated postings compact and exact). */
export const FIELD_WEIGHT = { resource: 30, path: 20, method: 12, summary: 10, keyword: 4 } as const;

/** Term -> weight (tenths) of the best field it occurs in, for one index row. */
export function operationTerms([id, , path, summary, , keywords]: SearchIndexRow): Map<string, number> {
  const weights = new Map<string, number>();
  const add = (list: string[], weight: number): void => {
    for (const term of list) if (weight > (weights.get(term) ?? 0)) weights.set(term, weight);
  };
  add(terms(keywords), FIELD_WEIGHT.keyword);
  add(terms(summary), FIELD_WEIGHT.summary);
  add(terms(methodNameOf(id)), FIELD_WEIGHT.method);
  // The `/accounts/{…}` or `/zones/{…}` prefix is not indexed: on a third of all operations it
  // would drown the idf of "zone" and "account"; search boosts the scope separately.
  add(terms(path.replace(/^\/(accounts|zones)\/\{[^}]+\}/, "").replace(/\{[^}]*\}/g, " ")), FIELD_WEIGHT.path);
  add(resourceTermsOf(id), FIELD_WEIGHT.resource);
  return weights;
}

/** The SDK method name of an id: `r2.buckets.create@zone` -> `create`. */
export function methodNameOf(id: string): string {
  return id.replace(/@(account|zone)$/, "").split(".").at(-1) ?? "";
}

/** Stemmed words of the resource part of an id: `r2.buckets.create` -> `r2 bucket`. */
export function resourceTermsOf(id: string): string[] {
  return [...new Set(id.replace(/@(account|zone)$/, "").split(".").slice(0, -1).flatMap(terms))];
}

/** The intent an operation serves: its SDK method name first (`list`, `bulkDelete`), then its HTTP method. */
export function verbOf(id: string, method: HttpMethod, flags: number): Intent | undefined {
  const parts = words(methodNameOf(id));
  for (const word of [parts[0] ?? "", parts.at(-1) ?? ""]) {
    if (word === "list") return "list";
    if (word === "get") return flags & INDEX_FLAG_PAGINATED ? "list" : "get";
    if (word === "create" || word === "new") return "create";
    if (word === "update" || word === "edit" || word === "replace") return "update";
    if (word === "delete" || word === "remove") return "delete";
  }
  if (method === "GET") return flags & INDEX_FLAG_PAGINATED ? "list" : "get";
  if (method === "DELETE") return "delete";
  if (method === "PUT" || method === "PATCH") return "update";
  return undefined;
}

/** The inverted index of rows: term -> flat `[operation index, weight, …]`, terms sorted. */
export function invertedIndex(rows: SearchIndexRow[]): Map<string, number[]> {
  const postings = new Map<string, number[]>();
  rows.forEach((row, index) => {
    for (const [term, weight] of operationTerms(row)) {
      const list = postings.get(term);
      if (list) list.push(index, weight);
      else postings.set(term, [index, weight]);
    }
  });
  return new Map([...postings].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
