/**
 * A compact, TypeScript-like description of one operation for an LLM: route, access, one-line
 * summary, and its parameters grouped by where they go, each with a short comment. Kept small on
 * purpose (typically 300–1,500 characters); the full description is in `getOperation`.
 */
import { getOperation } from "./lookup.ts";
import type { OperationDetail, OperationParam, ParamLocation, WriteCondition } from "./types.ts";

const GROUPS: Array<[ParamLocation, string]> = [["path", "path"], ["query", "query"], ["header", "headers"], ["body", "body"]];
const COMMENT_LENGTH = 90;

/** The signature string of an operation by id, or undefined if the id is unknown. */
export async function describeOperation(id: string): Promise<string | undefined> {
  const op = await getOperation(id);
  return op ? renderSignature(op) : undefined;
}

/** Renders an already loaded operation (see `describeOperation`). */
export function renderSignature(op: OperationDetail): string {
  const tags = [
    op.access === "read" ? "read" : "write: needs approval",
    // The model should know which arguments turn the call into a write, so it can avoid them.
    ...(op.writeWhen ?? []).map(conditionText),
    op.sensitive === "credentials" ? "returns credentials" : "",
    op.deprecated ? "deprecated" : "",
    op.duplicateOf ? `same route as ${op.duplicateOf}` : "",
  ];
  const lines = [`// ${op.method} ${op.path} (${tags.filter(Boolean).join("; ")})`, `// ${op.summary}`];
  const groups: string[] = [];
  for (const [location, label] of GROUPS) {
    const params = op.params.filter((p) => p.in === location);
    if (params.length === 0) continue;
    // A call is { op, params, query, body }: request headers cannot be set, so they are not offered as arguments.
    if (location === "header") {
      groups.push(`  // not settable from a snippet (the API's defaults apply): headers ${params.map((p) => p.name).join(", ")}`);
      continue;
    }
    const optional = params.every((p) => !p.required) ? "?" : "";
    // A lone parameter named "body" is the whole body (an array, a raw upload), not a field of it.
    const whole = location === "body" && params.length === 1 && params[0]!.name === "body";
    groups.push(whole ? renderParam(params[0]!).replace(/^ {4}body\??/, `  body${optional}`) : `  ${label}${optional}: {\n${params.map(renderParam).join("\n")}\n  };`);
  }
  if (op.bodyEncoding === "multipart") groups.push("  // body is sent as multipart/form-data: body.files { name: text } become file parts named by their keys, metadata a JSON part, other fields form fields");
  else if (op.bodyEncoding) groups.push("  // body is sent as raw bytes");
  const returns = op.pagination === "none" ? "" : ` // paginated (${op.pagination})`;
  lines.push(groups.length ? `${op.id}(args: {\n${groups.join("\n")}\n})${returns}` : `${op.id}()${returns}`);
  return lines.join("\n");
}

/** e.g. `write when query.retry is sent`, `write unless body.dry is true`. */
function conditionText(condition: WriteCondition): string {
  const where = `${condition.in}.${condition.name}`;
  if (condition.unless) return `write unless ${where} is ${condition.unless.join(" or ")}`;
  if (condition.values) return `write when ${where} is ${condition.values.join(" or ")}`;
  return `write when ${where} is sent`;
}

function renderParam(param: OperationParam): string {
  const key = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(param.name) ? param.name : JSON.stringify(param.name);
  const comment = param.description ? ` // ${shorten(param.description)}` : "";
  return `    ${key}${param.required ? "" : "?"}: ${param.type};${comment}`;
}

function shorten(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  const sentence = /^(.+?[.!?])(\s|$)/.exec(line)?.[1] ?? line;
  return sentence.length <= COMMENT_LENGTH ? sentence : `${sentence.slice(0, COMMENT_LENGTH - 1).replace(/\s+\S*$/, "")}…`;
}
