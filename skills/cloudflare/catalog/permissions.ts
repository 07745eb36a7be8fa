/**
 * Which API token permission an operation needs, as the dashboard names it ("DNS Write"), so a
 * refused call and an approval card can tell the person what to add to their token.
 *
 * Two sources, best first:
 * 1. A catalog built from Cloudflare's OpenAPI document carries the spec's own names per
 *    operation (`x-api-token-group`, kept as `permissions`; any one of them suffices). For a read
 *    the spec lists both levels ("Workers R2 Storage Write", "Workers R2 Storage Read"); the
 *    least one, Read, is named first.
 * 2. The SDK has no permission names, so a catalog built from it maps by API area: the longest
 *    id prefix in `AREAS` gives the permission group, and the call's access picks " Read" or
 *    " Write". The names were checked against the spec's `x-api-token-group` values for the main
 *    operations of each area; an area not listed gets no name (the hint then stays general).
 *
 * Runtime-neutral: no I/O.
 */
import type { Access } from "./types.ts";

/** What naming a permission needs from an operation. */
export interface PermissionSubject {
  id: string;
  /** From an OpenAPI-built catalog (`x-api-token-group`). */
  permissions?: readonly string[];
}

/**
 * Permission groups by operation id prefix (without `@account`/`@zone`). A value ending in a
 * level ("Cache Purge") is used as it is; otherwise " Read" or " Write" is appended.
 */
const AREAS: ReadonlyArray<readonly [prefix: string, group: string]> = [
  ["dns", "DNS"],
  ["zones.settings", "Zone Settings"],
  ["zones", "Zone"],
  ["r2", "Workers R2 Storage"],
  ["kv", "Workers KV Storage"],
  ["d1", "D1"],
  ["queues", "Queues"],
  ["workers.routes", "Workers Routes"],
  ["workers", "Workers Scripts"],
  ["workersForPlatforms", "Workers Scripts"],
  ["durableObjects", "Workers Scripts"],
  ["pages", "Pages"],
  ["vectorize", "Vectorize"],
  ["hyperdrive", "Hyperdrive"],
  ["ai", "Workers AI"],
  ["aiGateway", "AI Gateway"],
  ["zeroTrust.tunnels", "Cloudflare Tunnel"],
  ["zeroTrust.access", "Access: Apps and Policies"],
  ["ssl", "SSL and Certificates"],
  ["customCertificates", "SSL and Certificates"],
  ["customHostnames", "SSL and Certificates"],
  ["cache.purge", "Cache Purge"],
  ["cache", "Zone Settings"],
  ["firewall", "Firewall Services"],
  ["loadBalancers.pools", "Load Balancing: Monitors and Pools"],
  ["loadBalancers.monitors", "Load Balancing: Monitors and Pools"],
  ["loadBalancers", "Load Balancers"],
  ["logpush", "Logs"],
  ["logs", "Logs"],
  ["pageRules", "Page Rules"],
  ["emailRouting.addresses", "Email Routing Addresses"],
  ["emailRouting", "Email Routing Rules"],
  ["accounts.tokens", "API Tokens"],
  ["user.tokens", "API Tokens"],
  ["accounts", "Account Settings"],
  ["user", "User Details"],
  ["billing", "Billing"],
  ["alerting", "Notifications"],
  ["stream", "Stream"],
  ["images", "Images"],
  ["healthchecks", "Health Checks"],
  ["waitingRooms", "Waiting Rooms"],
  ["magicTransit", "Magic Transit"],
];

const LEVELS = /\b(Read|Write|Purge)$/;

/**
 * The permissions that allow a call of `op` with this access, most specific first; empty when
 * unknown (a path outside the catalog, or an area without a mapping).
 *
 * @example
 * ```ts
 * permissionsFor({ id: "dns.records.create" }, "write"); // ["DNS Write"]
 * permissionsFor({ id: "r2.buckets.list", permissions: ["Workers R2 Storage Write", "Workers R2 Storage Read"] }, "read");
 * // ["Workers R2 Storage Read", "Workers R2 Storage Write"]
 * ```
 */
export function permissionsFor(op: PermissionSubject, access: Access): string[] {
  if (op.permissions && op.permissions.length > 0) {
    // The spec lists any level that works; the least privilege reads best first.
    return [...op.permissions].sort((a, b) => Number(b.endsWith(" Read")) - Number(a.endsWith(" Read")));
  }
  const id = op.id.replace(/@(account|zone)$/, "");
  let best: readonly [string, string] | undefined;
  for (const area of AREAS) {
    if ((id === area[0] || id.startsWith(`${area[0]}.`)) && area[0].length > (best?.[0].length ?? -1)) best = area;
  }
  if (!best) return [];
  return [LEVELS.test(best[1]) ? best[1] : `${best[1]} ${access === "read" ? "Read" : "Write"}`];
}
