/**
 * Classification for the build: whether each operation reads or writes, whether its response
 * carries credentials, and which of its parameters make a read a write. The facts live in
 * hand-reviewed lists (read-only-posts.ts, side-effect-gets.ts, credential-operations.ts,
 * conditional-writes.ts; reviewed-writes.ts records look-alike reads that stay writes, and
 * api-defaults.ts fields the API fills in); this module applies them to SDK and OpenAPI
 * operations alike.
 *
 * An entry matches an operation by SDK id (without `@account`/`@zone`) or by method and path.
 * Paths compare with placeholder names erased, and an operation's `/accounts/{account_id}/…` or
 * `/zones/{zone_id}/…` path also matches an entry written as `/{accounts_or_zones}/{account_or_zone_id}/…`:
 * an OpenAPI document has other ids, may name placeholders differently, and lists the account
 * and zone halves of such routes separately.
 */
import type { Access, HttpMethod, Sensitivity, WriteCondition } from "../../skills/cloudflare/catalog/types.ts";
import { OPTIONAL_BY_DEFAULT } from "./api-defaults.ts";
import { CONDITIONAL_WRITES } from "./conditional-writes.ts";
import { CREDENTIAL_OPERATIONS } from "./credential-operations.ts";
import { READ_ONLY_POSTS } from "./read-only-posts.ts";
import { REVIEWED_WRITES } from "./reviewed-writes.ts";
import { SIDE_EFFECT_GETS } from "./side-effect-gets.ts";

/** What classification needs to know about an operation. */
export interface Classifiable {
  id: string;
  method: HttpMethod;
  path: string;
}

/** What classification decides. */
export interface Classification {
  access: Access;
  sensitive?: Sensitivity;
  writeWhen?: WriteCondition[];
}

interface ListEntry {
  id: string;
  method: HttpMethod;
  path: string;
}

const LISTS: Array<{ name: string; entries: readonly ListEntry[] }> = [
  { name: "read-only", entries: READ_ONLY_POSTS.map((entry) => ({ ...entry, method: entry.method ?? "POST" })) },
  { name: "reviewed write", entries: REVIEWED_WRITES },
  { name: "side-effect GET", entries: SIDE_EFFECT_GETS },
  { name: "credentials", entries: CREDENTIAL_OPERATIONS },
  { name: "conditional write", entries: CONDITIONAL_WRITES },
  { name: "optional-by-default", entries: OPTIONAL_BY_DEFAULT },
];

/**
 * GET reads unless SIDE_EFFECT_GETS lists it; any other method reads only when READ_ONLY_POSTS
 * lists it; everything else writes (REVIEWED_WRITES only records the review). Credentials and `writeWhen` come from their lists.
 */
export function classify(op: Classifiable): Classification {
  const result: Classification = { access: accessOf(op) };
  if (CREDENTIAL_OPERATIONS.some((entry) => matches(entry, op))) result.sensitive = "credentials";
  const conditional = CONDITIONAL_WRITES.find((entry) => matches(entry, op));
  // A condition only means something on a read: a write already needs a tap.
  if (conditional && result.access === "read") result.writeWhen = conditional.writeWhen.map((condition) => ({ ...condition }));
  return result;
}

/** One line per list entry that names no operation of the source (a typo, or the API changed). */
export function unmatchedEntries(operations: readonly Classifiable[]): string[] {
  const problems: string[] = [];
  for (const { name, entries } of LISTS) {
    for (const entry of entries) {
      if (!operations.some((op) => matches(entry, op))) problems.push(`${name} list names ${entry.id} (${entry.method} ${entry.path}), which the source does not have`);
    }
  }
  return problems;
}

function accessOf(op: Classifiable): Access {
  if (op.method === "GET") return SIDE_EFFECT_GETS.some((entry) => matches(entry, op)) ? "write" : "read";
  return READ_ONLY_POSTS.some((entry) => matches({ ...entry, method: entry.method ?? "POST" }, op)) ? "read" : "write";
}

/** The names of the body fields of `op` that may be left out though the source requires them (api-defaults.ts). */
export function defaultedFields(op: Classifiable): Set<string> {
  return new Set(OPTIONAL_BY_DEFAULT.filter((entry) => matches(entry, op)).map((entry) => entry.name));
}

function matches(entry: ListEntry, op: Classifiable): boolean {
  if (entry.method !== op.method) return false;
  if (baseId(op.id) === entry.id) return true;
  const wanted = erasePlaceholders(entry.path);
  return erasePlaceholders(op.path) === wanted || erasePlaceholders(foldAccountOrZone(op.path)) === wanted;
}

/** `/accounts/{…}/x` or `/zones/{…}/x` as the SDK's unsplit `/{accounts_or_zones}/{account_or_zone_id}/x`. */
function foldAccountOrZone(path: string): string {
  return path.replace(/^\/(accounts|zones)\/\{[^}]+\}\//, "/{accounts_or_zones}/{account_or_zone_id}/");
}

function erasePlaceholders(path: string): string {
  return path.replace(/\{[^}]*\}/g, "{}");
}

/** The id without the `@account` / `@zone` suffix of a split operation. */
function baseId(id: string): string {
  return id.replace(/@(account|zone)$/, "");
}
