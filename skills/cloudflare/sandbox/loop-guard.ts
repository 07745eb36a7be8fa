/**
 * The loop guard: rewrites a snippet so that it cannot run forever.
 *
 * Why: a synchronous `while (true) {}` in a Dynamic Worker never yields, so no timer or
 * wall-clock timeout can stop it, and locally (workerd) CPU limits are not enforced, so it
 * freezes the whole process: every chat, not just this one. Time does not advance inside a
 * synchronous loop in Workers either, so the guard counts instead of timing.
 *
 * How: every loop body and every function body starts with a call to a guard that counts steps;
 * past the budget it throws, and keeps throwing on every later step (so a `try/catch` inside the
 * loop cannot swallow it and carry on). The guard lives in a closure the snippet cannot reach:
 * identifiers with the reserved prefix are refused, and Workers forbid `eval`/`new Function`,
 * so no code can appear that was not instrumented.
 *
 * The same pass reports syntax errors with the line and column of the code as the person wrote it.
 */
import * as acorn from "acorn";
import { normalizeCode } from "@cloudflare/codemode";

/** Loop iterations plus function calls a snippet may make before it is stopped. */
export const DEFAULT_STEP_BUDGET = 5_000_000;

/** Names starting with this are reserved for the instrumentation. */
const RESERVED = "__cmg";
const GUARD = `${RESERVED}Step`;

/** The outcome of preparing a snippet: code ready to run, or a message for the person. */
export type GuardResult = { ok: true; code: string } | { ok: false; error: string };

type Node = acorn.Node & Record<string, unknown>;
interface Edit { at: number; insert: string }

/** Checks the syntax and returns the snippet instrumented with the loop guard. */
export function guardSnippet(source: string, budget = DEFAULT_STEP_BUDGET): GuardResult {
  const parsed = alreadyNormalized(source) ?? parseSlowly(source);
  if ("error" in parsed) return { ok: false, error: parsed.error };
  const { normalized, ast } = parsed;
  const edits: Edit[] = [];
  let reserved: string | undefined;
  walk(ast as unknown as Node, (node) => {
    if (node.type === "Identifier" && typeof node.name === "string" && node.name.startsWith(RESERVED)) reserved = node.name;
    if (isLoop(node)) guardBody(node.body as Node, edits);
    if (isFunction(node)) {
      if (node.type === "ArrowFunctionExpression" && (node.body as Node).type !== "BlockStatement") guardArrowExpression(node, normalized, edits);
      else guardBody(node.body as Node, edits);
    }
  });
  if (reserved) return { ok: false, error: `the name ${reserved} is reserved by the sandbox; please rename it` };
  let code = normalized;
  for (const edit of edits.sort((a, b) => b.at - a.at)) code = code.slice(0, edit.at) + edit.insert + code.slice(edit.at);
  return { ok: true, code: wrap(code, budget) };
}

/** Code ready to instrument (the normalized text and its syntax tree), or why it is not. */
export type Parsed = { normalized: string; ast: acorn.Program } | { error: string };

/**
 * Code as codemode's `runCode` hands it over, already normalized: one arrow function expression,
 * trimmed, no fence. Parsed once (as a module, so strict-mode errors still take the long way and
 * are reported there), it is what the long way would produce: `normalizeCode` returns such code
 * unchanged, and it is valid wherever the person's own code was.
 */
export function alreadyNormalized(source: string): Parsed | undefined {
  if (!source.startsWith("async") || source !== source.trim() || source.includes("```")) return undefined;
  try {
    const ast = acorn.parse(source, { ecmaVersion: "latest", sourceType: "module" });
    const [only] = ast.body;
    if (ast.body.length === 1 && only?.type === "ExpressionStatement" && only.expression.type === "ArrowFunctionExpression") return { normalized: source, ast };
  } catch {
    // Not valid as it stands: the long way says where.
  }
  return undefined;
}

/** The long way: the syntax as the person wrote it (for an error with line and column), then codemode's normalization, then the parse to instrument. */
function parseSlowly(source: string): Parsed {
  const syntax = checkSyntax(source);
  if (syntax) return { error: syntax };
  const normalized = normalizeCode(source);
  try {
    return { normalized, ast: acorn.parse(normalized, { ecmaVersion: "latest", sourceType: "script", allowAwaitOutsideFunction: true }) };
  } catch (error) {
    return { error: `the snippet could not be prepared: ${(error as Error).message}` };
  }
}

/** Parses the code as the person wrote it; returns a readable error with line and column, or undefined. */
export function checkSyntax(source: string): string | undefined {
  // codemode's runCode wraps code it cannot parse in `async () => {\n…\n}` before it reaches the
  // sandbox; the person's line 1 is then line 2, so the wrapper is taken off before reporting.
  const code = /^async \(\) => \{\n([\s\S]*)\n\}$/.exec(source)?.[1] ?? stripFences(source.trim());
  try {
    acorn.parse(code, { ecmaVersion: "latest", sourceType: "module", allowReturnOutsideFunction: true, allowAwaitOutsideFunction: true, locations: true });
    return undefined;
  } catch (error) {
    const e = error as SyntaxError & { loc?: { line: number; column: number } };
    const where = e.loc ? ` at line ${e.loc.line}, column ${e.loc.column + 1}` : "";
    const message = e.message.replace(/\s*\(\d+:\d+\)$/, "");
    return `syntax error${where}: ${message}`;
  }
}

/** The guard runs in a closure outside the snippet; non-Error throws become Errors with a clear text. */
function wrap(code: string, budget: number): string {
  return `async () => {
  const ${GUARD} = (() => {
    let steps = 0;
    return () => {
      if (++steps > ${budget}) throw new RangeError("the snippet ran too long: it passed ${budget.toLocaleString("en-US")} loop iterations and function calls, so it was stopped. Is there a loop that never ends?");
    };
  })();
  try {
    return await (${code})();
  } catch (${RESERVED}Error) {
    if (${RESERVED}Error instanceof Error) throw ${RESERVED}Error;
    let ${RESERVED}Text;
    try { ${RESERVED}Text = JSON.stringify(${RESERVED}Error); } catch { ${RESERVED}Text = String(${RESERVED}Error); }
    throw new Error("the snippet threw a non-Error value: " + String(${RESERVED}Text).slice(0, 500));
  }
}`;
}

function guardBody(body: Node, edits: Edit[]): void {
  if (body.type === "BlockStatement") {
    edits.push({ at: body.start + 1, insert: ` ${GUARD}();` });
  } else {
    // A loop whose body is a single statement: `while (x) y;` becomes `while (x) { step(); y; }`.
    edits.push({ at: body.start, insert: `{ ${GUARD}(); ` }, { at: body.end, insert: " }" });
  }
}

/** `x => expr` becomes `x => { step(); return (expr); }`; the cut is right after `=>`, so parentheses stay whole. */
function guardArrowExpression(arrow: Node, source: string, edits: Edit[]): void {
  const body = arrow.body as Node;
  const arrowAt = source.lastIndexOf("=>", body.start);
  edits.push({ at: arrowAt + 2, insert: ` { ${GUARD}(); return (` }, { at: arrow.end, insert: "); }" });
}

function isLoop(node: Node): boolean {
  return ["WhileStatement", "DoWhileStatement", "ForStatement", "ForInStatement", "ForOfStatement"].includes(node.type);
}

function isFunction(node: Node): boolean {
  return ["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"].includes(node.type);
}

/** Visits every node depth-first. */
function walk(node: Node, visit: (node: Node) => void): void {
  visit(node);
  for (const key of Object.keys(node)) {
    if (key === "type" || key === "start" || key === "end" || key === "loc") continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const child of value) if (isNode(child)) walk(child, visit);
    } else if (isNode(value)) {
      walk(value, visit);
    }
  }
}

function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";
}

/** The code inside a Markdown code fence (```js … ```), or the text as it is when it has none. */
export function stripFences(code: string): string {
  const match = /^```(?:js|javascript|typescript|ts|tsx|jsx)?\s*\n([\s\S]*?)```\s*$/.exec(code);
  return match?.[1] ?? code;
}
