/**
 * Reads what `api.md` lacks from the SDK's TypeScript sources, with the TypeScript checker:
 * the method's JSDoc (summary, description, `@deprecated`), its parameters (from the Stainless
 * `…Params` interfaces, whose member docs start with "Path param:", "Query param:", …), the
 * pagination class it pages with, and whether the body is multipart.
 *
 * Methods are found by the resource class's static `_key` (e.g. `['r2', 'buckets']`), which is
 * the same accessor path `api.md` prints after `client.`.
 */
import { join } from "node:path";
import ts from "typescript";
import type { OperationParam, PaginationKind, ParamLocation } from "../../skills/cloudflare/catalog/types.ts";
import type { ApiMdEntry } from "./sdk-api-md.ts";
import { renderType } from "./type-render.ts";
import { collectParams } from "./sdk-params.ts";

/** What the sources say about one method. */
export interface SourceInfo {
  doc: string;
  deprecated: boolean;
  pagination: PaginationKind;
  params: OperationParam[];
  bodyEncoding?: "multipart" | "binary";
  /** Problems worth printing at the end of the build. */
  anomalies: string[];
}

/** Loads the SDK's sources once; `describe(entry)` then answers per method. */
export class SdkSource {
  readonly #checker: ts.TypeChecker;
  readonly #classes = new Map<string, ts.ClassDeclaration>();

  constructor(sdkSrc: string) {
    const program = ts.createProgram([join(sdkSrc, "index.ts")], {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      noEmit: true,
      skipLibCheck: true,
      types: [],
    });
    this.#checker = program.getTypeChecker();
    for (const file of program.getSourceFiles()) {
      if (!file.fileName.startsWith(join(sdkSrc, "resources"))) continue;
      for (const node of file.statements) {
        if (!ts.isClassDeclaration(node)) continue;
        const key = classKey(node);
        if (key && !this.#classes.has(key)) this.#classes.set(key, node);
      }
    }
  }

  /** The source facts for one `api.md` entry, or undefined when its method cannot be found. */
  describe(entry: ApiMdEntry): SourceInfo | undefined {
    const declarations = this.#findMethod(entry.resource, entry.name);
    if (!declarations) return undefined;
    const documented = declarations.find((d) => ts.getJSDocCommentsAndTags(d).length > 0) ?? declarations[0]!;
    const implementation = declarations.find((d) => d.body !== undefined) ?? documented;
    const signature = declarations[0]!;
    const bodyText = implementation.body?.getText() ?? "";
    const { doc, deprecated } = readJsDoc(documented);
    const anomalies: string[] = [];
    const params = collectParams({
      checker: this.#checker,
      signature,
      path: entry.path,
      defaultLocation: defaultLocation(bodyText, entry.method),
      render: (type, site) => renderType(this.#checker, type, site),
      anomalies,
    });
    const info: SourceInfo = { doc, deprecated, pagination: paginationOf(bodyText, params, entry), params, anomalies };
    // Both `multipartFormRequestOptions` and `maybeMultipartFormRequestOptions` send multipart.
    if (/multipartFormRequestOptions/i.test(bodyText)) info.bodyEncoding = "multipart";
    else if (bodyText.includes("__binaryRequest")) info.bodyEncoding = "binary";
    return info;
  }

  #findMethod(resource: string, name: string): ts.MethodDeclaration[] | undefined {
    const node = this.#classes.get(resource);
    if (!node) return undefined;
    const instance = this.#checker.getDeclaredTypeOfSymbol(this.#checker.getSymbolAtLocation(node.name!)!);
    const symbol = instance.getProperty(name);
    const declarations = symbol?.declarations?.filter(ts.isMethodDeclaration) ?? [];
    return declarations.length > 0 ? declarations : undefined;
  }
}

function classKey(node: ts.ClassDeclaration): string | undefined {
  for (const member of node.members) {
    if (!ts.isPropertyDeclaration(member) || member.name.getText() !== "_key" || !member.type) continue;
    return [...member.type.getText().matchAll(/'([^']+)'/g)].map((m) => m[1]).join(".");
  }
  return undefined;
}

function readJsDoc(node: ts.Node): { doc: string; deprecated: boolean } {
  let doc = "";
  let deprecated = false;
  for (const part of ts.getJSDocCommentsAndTags(node)) {
    if (!ts.isJSDoc(part)) continue;
    doc = ts.getTextOfJSDocComment(part.comment)?.trim() ?? "";
    deprecated ||= (part.tags ?? []).some((tag) => tag.tagName.text === "deprecated");
  }
  return { doc, deprecated };
}

/** Where a member without a "… param:" prefix goes: the SDK sends all of them one way. */
function defaultLocation(bodyText: string, method: string): ParamLocation {
  const query = /\bquery\b/.test(bodyText);
  const body = /\bbody\b/.test(bodyText);
  if (query && !body) return "query";
  if (body && !query) return "body";
  return method === "GET" || method === "DELETE" ? "query" : "body";
}

/** The SDK's pagination classes (`cloudflare/src/core/pagination.ts`) and how each pages. */
const PAGINATION: Array<[RegExp, PaginationKind]> = [
  [/\bSinglePage\b/, "single"],
  [/\bV4PagePagination(Array)?\b/, "page"],
  [/\bCursor(Limit)?Pagination(After)?\b/, "cursor"],
  [/\b(PageToken|ContainersInstancesV1)Pagination\b/, "token"],
];

/**
 * How a method's list pages: the SDK's pagination class when it has one. The SDK returns some
 * lists whole although the API pages them (R2's bucket list pages by cursor, 20 buckets a page;
 * Page Shield's lists by page number): for a `list…` GET, and for a `SinglePage` list, the query
 * parameters it takes say how.
 */
function paginationOf(bodyText: string, params: OperationParam[], entry: ApiMdEntry): PaginationKind {
  if (bodyText.includes("getAPIList")) {
    const kind = PAGINATION.find(([pattern]) => pattern.test(bodyText))?.[1] ?? "page";
    return kind === "single" ? pagingByQuery(params) ?? kind : kind;
  }
  return entry.method === "GET" && /^list/.test(entry.name) ? pagingByQuery(params) ?? "none" : "none";
}

/** The paging style a method's query parameters name: `cursor`, `page_token`, or `page` with `per_page`. */
function pagingByQuery(params: OperationParam[]): PaginationKind | undefined {
  const names = new Set(params.filter((p) => p.in === "query").map((p) => p.name));
  if (names.has("cursor")) return "cursor";
  if (names.has("page_token")) return "token";
  if (names.has("page") && names.has("per_page")) return "page";
  return undefined;
}
