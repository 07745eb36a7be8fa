/**
 * The in-memory search index, built once per isolate from the generated compact rows and the
 * precomputed inverted index (generated/search-index.ts): two JSON.parse calls and no
 * tokenising, so a cold isolate pays a few milliseconds, not the ~60 ms tokenising would cost. Per-operation
 * derived facts (verb, resource words) are computed lazily, only for operations a query hits.
 * Detail (descriptions, parameter types) is not loaded here; that lives in the lazily imported
 * detail chunks.
 */
import { SEARCH_INDEX_JSON, SEARCH_POSTINGS_JSON } from "./generated/search-index.ts";
import { invertedIndex, resourceTermsOf, verbOf } from "./index-terms.ts";
import type { Intent } from "./vocabulary.ts";
import { INDEX_FLAG_DEPRECATED, INDEX_FLAG_DUPLICATE, type HttpMethod, type SearchIndexRow } from "./types.ts";

/** One operation as search sees it. */
export interface IndexedOperation {
  id: string;
  method: HttpMethod;
  path: string;
  summary: string;
  flags: number;
  /** Cache of `operationVerb` (null: none of the five intents). */
  verb?: Intent | null;
  /** Cache of `operationResourceTerms`. */
  resourceTerms?: string[];
}

/** The built index: operations, postings and the position of each id. */
export interface SearchIndex {
  operations: IndexedOperation[];
  /** term -> flat `[operation index, field weight in tenths, …]`. */
  postings: Map<string, number[]>;
  byId: Map<string, number>;
  /** Milliseconds spent parsing and indexing (for the benchmark). */
  buildMs: number;
}

let cached: SearchIndex | undefined;

/** The index, built on first use and kept for the isolate's life. */
export function getSearchIndex(): SearchIndex {
  if (!cached) {
    const started = performance.now();
    const rows = JSON.parse(SEARCH_INDEX_JSON) as SearchIndexRow[];
    const postings = new Map(Object.entries(JSON.parse(SEARCH_POSTINGS_JSON) as Record<string, number[]>));
    cached = { ...fromRows(rows, postings), buildMs: performance.now() - started };
  }
  return cached;
}

/** Builds an index from rows, tokenising them (for tests, benchmarks and other catalogs). */
export function buildSearchIndex(rows: SearchIndexRow[]): SearchIndex {
  const started = performance.now();
  return { ...fromRows(rows, invertedIndex(rows)), buildMs: performance.now() - started };
}

function fromRows(rows: SearchIndexRow[], postings: Map<string, number[]>): Omit<SearchIndex, "buildMs"> {
  const byId = new Map<string, number>();
  const operations = rows.map(([id, method, path, summary, flags], index): IndexedOperation => {
    byId.set(id, index);
    return { id, method, path, summary, flags };
  });
  return { operations, postings, byId };
}

/** What an operation does (list/get/create/update/delete), computed on first use: search only needs it for hits. */
export function operationVerb(op: IndexedOperation): Intent | undefined {
  if (op.verb === undefined) op.verb = verbOf(op.id, op.method, op.flags) ?? null;
  return op.verb ?? undefined;
}

/** Stemmed words of the resource part of the id (e.g. `r2 bucket` for `r2.buckets.create`), cached. */
export function operationResourceTerms(op: IndexedOperation): string[] {
  return (op.resourceTerms ??= resourceTermsOf(op.id));
}

/** Ranking multiplier for deprecated or duplicate operations. */
export function demotion(op: IndexedOperation): number {
  return (op.flags & INDEX_FLAG_DEPRECATED ? 0.6 : 1) * (op.flags & INDEX_FLAG_DUPLICATE ? 0.75 : 1);
}
