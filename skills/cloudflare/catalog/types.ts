/**
 * The shapes of the Cloudflare API catalog, shared by the build script (scripts/catalog-build.ts),
 * the generated modules (./generated/) and the runtime search and lookup in this folder.
 *
 * Runtime-neutral on purpose: types only, no Node or Workers APIs.
 */

/** An HTTP method the Cloudflare REST API uses. */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Whether a call only reads (runs at once) or may change something (needs an approval tap). */
export type Access = "read" | "write";

/**
 * What makes an operation's response need care beyond its access:
 * - `credentials`: it carries a usable secret (a token, key, password, private key, client secret
 *   or a URL that grants access). A read of this kind asks first and its result is never posted
 *   into a group chat; a write of this kind is approved as usual, and its result is kept out of
 *   group chats too.
 */
export type Sensitivity = "credentials";

/**
 * A request parameter that turns an otherwise read-only call into a write, e.g. `ssl/verification`
 * with `retry=true` retries certificate validation now. Values are compared as strings
 * (`true` and `"true"` are the same); an array matches when any element does.
 */
export interface WriteCondition {
  /** Where the parameter goes: the query string or the top level of the JSON body. */
  in: "query" | "body";
  /** The parameter's name, as the API spells it. */
  name: string;
  /** A write when the parameter is sent with one of these values; omitted: sent with any value. */
  values?: string[];
  /** A write unless the parameter is sent with one of these values (not sending it is a write). */
  unless?: string[];
}

/** Where a parameter goes in the HTTP request. */
export type ParamLocation = "path" | "query" | "header" | "body";

/**
 * How a list operation pages:
 * - `none`: not a list, or one response holds everything
 * - `single`: the result is an array returned in one page
 * - `page`: `page` / `per_page` query parameters (V4 page pagination)
 * - `cursor`: an opaque `cursor` from `result_info` sent back as the `cursor` query parameter
 * - `token`: a `page_token` returned by the previous page
 */
export type PaginationKind = "none" | "single" | "page" | "cursor" | "token";

/** One parameter of an operation, with a compact TypeScript-like type. */
export interface OperationParam {
  /** The API's own name (e.g. `account_id`, `per_page`, `cf-r2-jurisdiction`). */
  name: string;
  in: ParamLocation;
  required: boolean;
  /** A compact TypeScript-like type, e.g. `string`, `"eu" | "fedramp"`, `{ name: string }[]`. */
  type: string;
  description?: string;
}

/** Everything the catalog knows about one operation (loaded lazily, per group). */
export interface OperationDetail {
  /** Stable id: the SDK's method path (e.g. `r2.buckets.create`), `@account`/`@zone` for split paths. */
  id: string;
  method: HttpMethod;
  /** The path template with the API's own parameter names, e.g. `/accounts/{account_id}/r2/buckets`. */
  path: string;
  summary: string;
  description: string;
  /**
   * `read` runs at once, `write` needs an approval tap. With `writeWhen`, this is the access of a
   * call that matches none of its conditions: decide a concrete call with `accessOf`
   * (approvals/access.ts), never with this field alone.
   */
  access: Access;
  /** Set when the response carries credentials (see `Sensitivity`). */
  sensitive?: Sensitivity;
  /** Conditions under which a call of this read is a write (any one suffices). */
  writeWhen?: WriteCondition[];
  deprecated: boolean;
  pagination: PaginationKind;
  params: OperationParam[];
  /** How the body is sent when it is not JSON. */
  bodyEncoding?: "multipart" | "binary";
  /** Set when another operation has the same method and path; names the preferred one. */
  duplicateOf?: string;
  /**
   * The API token permissions that allow this operation, as the dashboard names them (e.g.
   * "DNS Write"); any one suffices. Only a catalog built from the OpenAPI document has them
   * (`x-api-token-group`); otherwise see `permissionFor` (./permissions.ts).
   */
  permissions?: string[];
}

/**
 * One row of the compact search index, as a tuple to keep the always-loaded module small:
 * `[id, method, path, summary, flags, keywords]`. `flags` is a bit set of `INDEX_FLAG_*`;
 * `keywords` are extra words for search (parameter names), space-separated.
 */
export type SearchIndexRow = [id: string, method: HttpMethod, path: string, summary: string, flags: number, keywords: string];

/** Flag: the operation only reads. */
export const INDEX_FLAG_READ = 1;
/** Flag: the operation is deprecated. */
export const INDEX_FLAG_DEPRECATED = 2;
/** Flag: another operation has the same method and path and is preferred. */
export const INDEX_FLAG_DUPLICATE = 4;
/** Flag: the operation returns a paginated list. */
export const INDEX_FLAG_PAGINATED = 8;
/** Flag: the response carries credentials (`sensitive: "credentials"`). */
export const INDEX_FLAG_CREDENTIALS = 16;
/** Flag: some requests of this read are writes (`writeWhen`); load the detail to decide a call. */
export const INDEX_FLAG_WRITE_WHEN = 32;

/** Where a catalog came from; recorded in the generated files. */
export interface CatalogSource {
  /** `cloudflare-sdk` (the npm SDK) or `openapi` (an OpenAPI document). */
  kind: "cloudflare-sdk" | "openapi";
  /** The SDK version, or the OpenAPI document's `info.version`. */
  version: string;
}
