/**
 * Renders a TypeScript type from the SDK as a compact, self-contained TypeScript-like string for
 * an LLM: named interfaces are expanded inline (the model cannot look `Shared.Foo` up), nesting is
 * bounded, and long unions and property lists are cut with a visible `…` so sizes stay small.
 */
import ts from "typescript";

const MAX_DEPTH = 2;
const MAX_UNION = 30;
const MAX_PROPERTIES = 16;
const MAX_LENGTH = 600;
const FILE_TYPES = new Set(["Uploadable", "File", "Blob", "BlobLike", "FileLike", "BunFile", "ReadableStream", "Response", "ResponseLike", "AsyncIterable", "AsyncIterableIterator"]);
const BUFFER_TYPES = new Set(["ArrayBuffer", "SharedArrayBuffer"]);
const VIEW_TYPES = new Set(["ArrayBufferView", "DataView", "Uint8Array", "Int8Array", "Uint8ClampedArray", "Uint16Array", "Int16Array", "Uint32Array", "Int32Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array", "Buffer"]);

/**
 * Library types rendered by name: their members (methods, symbol-keyed properties such as
 * `[Symbol.asyncIterator]`, which the checker names `__@asyncIterator@1213`) mean nothing to a
 * model writing JSON, and spelled out they leak compiler internals into `describe`.
 */
function libraryName(type: ts.Type): string | undefined {
  const name = type.aliasSymbol?.name ?? type.getSymbol()?.name ?? "";
  if (declaredInResources(type)) return undefined;
  if (FILE_TYPES.has(name)) return "File | Blob";
  if (BUFFER_TYPES.has(name)) return "ArrayBuffer";
  if (VIEW_TYPES.has(name)) return "Uint8Array";
  if (name === "Headers") return "Record<string, string>";
  if (name === "Date") return "string";
  return undefined;
}

/** Whether `type` is (or is a union with) bytes to upload: a file, a buffer or a typed array. */
export function isBinaryType(type: ts.Type): boolean {
  const members = type.isUnion() ? type.types : [type];
  return members.some((t) => ["File | Blob", "ArrayBuffer", "Uint8Array"].includes(libraryName(t) ?? ""));
}

/** A property keyed by a symbol (`[Symbol.iterator]`…): never data, never shown. */
function isSymbolKeyed(property: ts.Symbol): boolean {
  return property.escapedName.toString().startsWith("__@");
}

/** Renders `type` (as seen at `site`) compactly; `depth` counts object levels already open. */
export function renderType(checker: ts.TypeChecker, type: ts.Type, site: ts.Node, depth = 0, seen: Set<ts.Type> = new Set()): string {
  const text = renderInner(checker, type, site, depth, seen);
  return text.length > MAX_LENGTH && depth > 0 ? "object" : text;
}

function renderInner(checker: ts.TypeChecker, type: ts.Type, site: ts.Node, depth: number, seen: Set<ts.Type>): string {
  const flags = type.flags;
  if (flags & ts.TypeFlags.StringLiteral) return JSON.stringify((type as ts.StringLiteralType).value);
  if (flags & ts.TypeFlags.NumberLiteral) return String((type as ts.NumberLiteralType).value);
  if (flags & ts.TypeFlags.BooleanLiteral) return checker.typeToString(type);
  if (flags & (ts.TypeFlags.String | ts.TypeFlags.TemplateLiteral)) return "string";
  if (flags & ts.TypeFlags.Number) return "number";
  if (flags & ts.TypeFlags.Boolean) return "boolean";
  if (flags & ts.TypeFlags.Null) return "null";
  if (flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)) return "undefined";
  if (flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return "unknown";
  if (flags & ts.TypeFlags.Union) return renderUnion(checker, (type as ts.UnionType).types, site, depth, seen);
  const named = libraryName(type);
  if (named) return named;
  if (flags & ts.TypeFlags.Intersection) {
    // e.g. the SDK's `FsReadStream = AsyncIterable<Uint8Array> & { path }`: a file to upload.
    const members = (type as ts.IntersectionType).types;
    if (members.map((t) => libraryName(t)).includes("File | Blob")) return "File | Blob";
    // `string & {}` (a "branded" or open-ended string, as in `"all" | (string & {})`) is a string.
    if (members.some((t) => t.flags & ts.TypeFlags.StringLike)) return "string";
    if (members.some((t) => t.flags & ts.TypeFlags.NumberLike)) return "number";
    return renderObject(checker, type, site, depth, seen);
  }
  if (checker.isArrayType(type)) {
    const [element] = checker.getTypeArguments(type as ts.TypeReference);
    const inner = element ? renderType(checker, element, site, depth, seen) : "unknown";
    return /[|&]/.test(inner) && !inner.startsWith("{") ? `(${inner})[]` : `${inner}[]`;
  }
  if (checker.isTupleType(type)) {
    return `[${checker.getTypeArguments(type as ts.TypeReference).map((t) => renderType(checker, t, site, depth, seen)).join(", ")}]`;
  }
  if (flags & ts.TypeFlags.Object) return renderObject(checker, type, site, depth, seen);
  return checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation);
}

function renderUnion(checker: ts.TypeChecker, members: readonly ts.Type[], site: ts.Node, depth: number, seen: Set<ts.Type>): string {
  const parts: string[] = [];
  let booleans = 0;
  for (const member of members) {
    if (member.flags & ts.TypeFlags.Undefined) continue;
    if (member.flags & ts.TypeFlags.BooleanLiteral) booleans++;
    const text = renderType(checker, member, site, depth, seen);
    if (!parts.includes(text)) parts.push(text);
  }
  // `true | false` is how the checker spells `boolean` inside unions.
  const merged = booleans === 2 ? ["boolean", ...parts.filter((p) => p !== "true" && p !== "false")] : parts;
  if (merged.length > MAX_UNION) return `${merged.slice(0, MAX_UNION).join(" | ")} | …`;
  return merged.join(" | ") || "undefined";
}

function renderObject(checker: ts.TypeChecker, type: ts.Type, site: ts.Node, depth: number, seen: Set<ts.Type>): string {
  if (checker.getSignaturesOfType(type, ts.SignatureKind.Call).length > 0) return "Function";
  const index = checker.getIndexInfosOfType(type)[0];
  const properties = checker.getPropertiesOfType(type).filter((p) => !isSymbolKeyed(p));
  // An object that can be iterated asynchronously is a stream of bytes to upload.
  if (checker.getPropertiesOfType(type).some((p) => p.escapedName.toString().startsWith("__@asyncIterator"))) return "File | Blob";
  if (depth >= MAX_DEPTH || seen.has(type)) return properties.length === 0 && !index ? "{}" : "object";
  seen.add(type);
  try {
    if (index && properties.length === 0) return `Record<string, ${renderType(checker, index.type, site, depth + 1, seen)}>`;
    const fields = properties.slice(0, MAX_PROPERTIES).map((property) => {
      const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
      const value = renderType(checker, checker.getTypeOfSymbolAtLocation(property, site), site, depth + 1, seen);
      return `${propertyKey(property.name)}${optional ? "?" : ""}: ${value}`;
    });
    if (properties.length > MAX_PROPERTIES) fields.push("…");
    return fields.length === 0 ? "{}" : `{ ${fields.join("; ")} }`;
  } finally {
    seen.delete(type);
  }
}

/** The SDK's own `File` interfaces (e.g. purge `{ url, headers }`) are data, not uploads. */
function declaredInResources(type: ts.Type): boolean {
  const symbol = type.aliasSymbol ?? type.getSymbol();
  return (symbol?.declarations ?? []).some((d) => d.getSourceFile().fileName.includes("/resources/"));
}

/** Quotes a property name when it is not a plain identifier (e.g. `cf-r2-jurisdiction`). */
export function propertyKey(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}
