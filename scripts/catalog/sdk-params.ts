/**
 * Turns an SDK method's signature into the catalog's parameter list.
 *
 * Stainless methods look like `edit(bucketName: string, params: BucketEditParams, options?)`:
 * leading string arguments fill the path template's last placeholders, and the `params` object
 * holds everything else, each member documented as "Path param: …", "Query param: …",
 * "Body param: …" or "Header param: …" when the method mixes locations. Union params types
 * (e.g. one interface per DNS record type) are flattened: a member is required only when every
 * variant requires it, and its type is the union of the variants' types.
 */
import ts from "typescript";
import type { OperationParam, ParamLocation } from "../../skills/cloudflare/catalog/types.ts";
import { isBinaryType } from "./type-render.ts";

/** The inputs of `collectParams`. */
export interface CollectParamsInput {
  checker: ts.TypeChecker;
  signature: ts.MethodDeclaration;
  path: string;
  defaultLocation: ParamLocation;
  render: (type: ts.Type, site: ts.Node) => string;
  anomalies: string[];
}

/** The description of a raw (non-JSON) body parameter; describe renders such a body as `body: T`. */
export const RAW_BODY = "The raw request body (sent as it is, not as JSON).";

const PREFIX = /^(Path|Query|Body|Header) param(?::\s*|$)/;

/** The parameters of one method: path placeholders first (in template order), then the rest by name. */
export function collectParams(input: CollectParamsInput): OperationParam[] {
  const { checker, signature, path } = input;
  // The account-or-zone pair is filled from `account_id` / `zone_id` members (see finalize.ts).
  const placeholders = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!).filter((p) => p !== "accounts_or_zones" && p !== "account_or_zone_id");
  const members = new Map<string, OperationParam>();
  const positional: OperationParam[] = [];
  for (const declared of signature.parameters) {
    const name = declared.name.getText();
    if (name === "options") continue;
    const type = checker.getTypeAtLocation(declared);
    if (isScalar(type)) positional.push({ name, in: "path", required: true, type: input.render(type, declared) });
    // `upload(key, body: string | ArrayBuffer | …, params)`: the raw request body, not an object of parameters.
    else if (isBinaryType(type)) members.set("body body", { name: "body", in: "body", required: true, type: rawBodyType(input.render(type, declared)), description: RAW_BODY });
    else for (const param of membersOf(input, type, declared)) members.set(`${param.in} ${param.name}`, param);
  }
  // Ids passed positionally fill the template's last placeholders; named members fill the rest.
  const byPosition = placeholders.slice(placeholders.length - positional.length);
  if (positional.length > placeholders.length) input.anomalies.push(`path ${path} has fewer placeholders than positional ids`);
  const pathParams = placeholders.map((name): OperationParam => {
    const index = byPosition.indexOf(name);
    if (index >= 0) return { ...positional[index]!, name };
    const key = members.has(`path ${name}`) ? `path ${name}` : `${input.defaultLocation} ${name}`;
    const member = members.get(key);
    if (!member) {
      input.anomalies.push(`path placeholder {${name}} has no matching parameter`);
      return { name, in: "path", required: true, type: "string" };
    }
    members.delete(key);
    return { ...member, in: "path", required: true };
  });
  const rest = [...members.values()];
  return [...pathParams, ...rest.sort((a, b) => order(a) - order(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))];
}

/**
 * Stainless renames a member whose name is used in two places (`path_account_id` and
 * `body_account_id` for `account_id`); the API expects the plain name in each place.
 */
function apiName(name: string, location: ParamLocation): string {
  return name.startsWith(`${location}_`) ? name.slice(location.length + 1) : name;
}

/** What a snippet can pass as a raw body: text always works (the connector sends a string as it is). */
function rawBodyType(rendered: string): string {
  return rendered.split(" | ").includes("string") ? rendered : `string | ${rendered}`;
}

/** A positional id argument: a string or number, or a union of their literals (an enum). */
function isScalar(type: ts.Type): boolean {
  const scalar = ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike;
  return type.isUnion() ? type.types.every((t) => (t.flags & scalar) !== 0) : (type.flags & scalar) !== 0;
}

const LOCATION_ORDER: Record<ParamLocation, number> = { path: 0, query: 1, header: 2, body: 3 };

function order(param: OperationParam): number {
  return LOCATION_ORDER[param.in] * 2 + (param.required ? 0 : 1);
}

function membersOf(input: CollectParamsInput, type: ts.Type, site: ts.Node): OperationParam[] {
  const variants = type.isUnion() ? type.types.filter((t) => !(t.flags & ts.TypeFlags.Undefined)) : [type];
  const merged = new Map<string, { param: OperationParam; types: string[]; seen: number }>();
  for (const variant of variants) {
    for (const property of input.checker.getPropertiesOfType(variant)) {
      const param = memberParam(input, property, site);
      const key = `${param.in} ${param.name}`;
      const existing = merged.get(key);
      if (!existing) merged.set(key, { param, types: [param.type], seen: 1 });
      else {
        existing.seen++;
        existing.param.required &&= param.required;
        if (!existing.types.includes(param.type)) existing.types.push(param.type);
        existing.param.description ??= param.description;
      }
    }
  }
  return [...merged.values()].map(({ param, types, seen }) => ({
    ...param,
    required: param.required && seen === variants.length,
    type: types.length > 1 ? types.join(" | ") : param.type,
  }));
}

function memberParam(input: CollectParamsInput, property: ts.Symbol, site: ts.Node): OperationParam {
  const { checker } = input;
  const raw = ts.displayPartsToString(property.getDocumentationComment(checker)).trim();
  const prefix = PREFIX.exec(raw);
  const description = (prefix ? raw.slice(prefix[0].length) : raw).trim();
  const location: ParamLocation = prefix ? (prefix[1]!.toLowerCase() as ParamLocation) : input.defaultLocation;
  const param: OperationParam = {
    name: apiName(property.name, location),
    in: location,
    required: (property.flags & ts.SymbolFlags.Optional) === 0,
    type: input.render(checker.getTypeOfSymbolAtLocation(property, site), site),
  };
  if (description) param.description = description;
  return param;
}
