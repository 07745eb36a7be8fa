/**
 * Names of the lazily loaded detail chunks. Shared by the build (which writes
 * `generated/detail/<chunk>.ts`) and the runtime (which finds the chunk of an id), so the two can
 * never disagree. A chunk is an API group (`r2`), or group + resource for big groups
 * (`zero-trust-access`).
 */

/** `zeroTrust.access` -> `zero-trust-access` (file names are kebab-case). */
export function kebab(name: string): string {
  return name
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1-$2")
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/[._@]/g, "-")
    .toLowerCase();
}

/** The chunk an id is written to; `split` says whether its group is split per resource. */
export function chunkOf(id: string, split: boolean): string {
  const parts = id.split(".");
  return kebab(split && parts.length > 2 ? `${parts[0]}.${parts[1]}` : (parts[0] ?? ""));
}

/** The chunks an id may live in, most specific first (the runtime tries them in order). */
export function chunkCandidates(id: string): string[] {
  return [...new Set([chunkOf(id, true), chunkOf(id, false)])];
}
