/**
 * Body fields the SDK's types mark as required although the API fills them with a documented
 * default when they are left out. Everything else takes required/optional from the source: the
 * `?` on each member of the SDK's `…Params` type, or the `required` list of an OpenAPI schema.
 * The model writes smaller, correct calls when it is not told to invent a value the API would
 * choose itself. Each entry says where the default is documented.
 *
 * Entries match by SDK id (without `@account`/`@zone`) or, for OpenAPI input, by method and path.
 */
import type { HttpMethod } from "../../skills/cloudflare/catalog/types.ts";

/** One body field that may be left out: where, and why. */
export interface OptionalByDefault {
  id: string;
  method: HttpMethod;
  path: string;
  /** The body field's name, as the API spells it. */
  name: string;
  reason: string;
}

const DNS_TTL = "Cloudflare's OpenAPI document does not list `ttl` among the required fields of any DNS record schema (dns-records_*Record), and documents 1 as 'automatic', the value used when it is left out; the SDK types require it";

/** The fields that may be left out, with the reason for each. */
export const OPTIONAL_BY_DEFAULT: readonly OptionalByDefault[] = [
  { id: "dns.records.create", method: "POST", path: "/zones/{zone_id}/dns_records", name: "ttl", reason: DNS_TTL },
  { id: "dns.records.update", method: "PUT", path: "/zones/{zone_id}/dns_records/{dns_record_id}", name: "ttl", reason: DNS_TTL },
];
