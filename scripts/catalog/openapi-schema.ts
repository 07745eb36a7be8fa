/**
 * Renders OpenAPI (JSON Schema) types as the same compact TypeScript-like strings the SDK path
 * produces: `$ref`s resolved inline, nesting bounded, long enums and property lists cut with `…`.
 */

/** A JSON value narrowed to an object, or undefined. */
export function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Follows a local `$ref` (`#/components/...`) until a non-reference object is reached. */
export function resolveRef(document: unknown, value: unknown, hops = 0): Record<string, unknown> | undefined {
  const object = asObject(value);
  const ref = object?.["$ref"];
  if (typeof ref !== "string" || hops > 20) return object;
  let current: unknown = document;
  for (const segment of ref.replace(/^#\//, "").split("/")) current = asObject(current)?.[segment.replace(/~1/g, "/").replace(/~0/g, "~")];
  return resolveRef(document, current, hops + 1);
}

const MAX_DEPTH = 2;
const MAX_UNION = 30;
const MAX_PROPERTIES = 16;

/** The compact type of a schema; `depth` counts the object levels already open. */
export function schemaType(document: unknown, raw: unknown, depth = 0): string {
  const schema = resolveRef(document, raw);
  if (!schema) return "unknown";
  const variants = schema["oneOf"] ?? schema["anyOf"];
  if (Array.isArray(variants)) return union(variants.map((v) => schemaType(document, v, depth)));
  if (Array.isArray(schema["allOf"])) return mergeAllOf(document, schema["allOf"], depth);
  if (Array.isArray(schema["enum"])) return union(schema["enum"].map((v) => JSON.stringify(v)));
  const type = schema["type"];
  if (Array.isArray(type)) return union(type.map((t) => schemaType(document, { ...schema, type: t }, depth)));
  if (type === "integer" || type === "number") return "number";
  if (type === "string") return schema["format"] === "binary" ? "File | Blob" : "string";
  if (type === "boolean" || type === "null") return String(type);
  if (type === "array") {
    const inner = schemaType(document, schema["items"], depth);
    return /[|&]/.test(inner) && !inner.startsWith("{") ? `(${inner})[]` : `${inner}[]`;
  }
  if (type === "object" || asObject(schema["properties"])) return objectType(document, schema, depth);
  return "unknown";
}

function union(parts: string[]): string {
  const unique = [...new Set(parts)];
  return unique.length > MAX_UNION ? `${unique.slice(0, MAX_UNION).join(" | ")} | …` : unique.join(" | ");
}

function mergeAllOf(document: unknown, parts: unknown[], depth: number): string {
  const properties: Record<string, unknown> = {};
  const required: unknown[] = [];
  for (const part of parts) {
    const resolved = resolveRef(document, part);
    Object.assign(properties, asObject(resolved?.["properties"]) ?? {});
    if (Array.isArray(resolved?.["required"])) required.push(...resolved["required"]);
  }
  if (Object.keys(properties).length === 0) return parts.length === 1 ? schemaType(document, parts[0], depth) : "object";
  return objectType(document, { type: "object", properties, required }, depth);
}

function objectType(document: unknown, schema: Record<string, unknown>, depth: number): string {
  const properties = Object.entries(asObject(schema["properties"]) ?? {});
  const extra = schema["additionalProperties"];
  if (properties.length === 0) return extra && extra !== true ? `Record<string, ${schemaType(document, extra, depth + 1)}>` : "object";
  if (depth >= MAX_DEPTH) return "object";
  const required = new Set(Array.isArray(schema["required"]) ? schema["required"] : []);
  const fields = properties.slice(0, MAX_PROPERTIES).map(([name, value]) => {
    const key = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
    return `${key}${required.has(name) ? "" : "?"}: ${schemaType(document, value, depth + 1)}`;
  });
  if (properties.length > MAX_PROPERTIES) fields.push("…");
  return `{ ${fields.join("; ")} }`;
}
