/**
 * Sends one checked query to the GraphQL Analytics API (`POST /graphql`, beside the REST API
 * under the same base and token) and reads GraphQL's own answer shape, `{ data, errors }`: the
 * API answers HTTP 200 even when a query fails, so an `errors` array is turned into a
 * `GraphqlError` whose message names what Cloudflare said and what to try next.
 */
import { z } from "zod";
import type { CloudflareClient } from "../api/index.ts";
import { GraphqlError } from "./query-document.ts";

/** The path of the GraphQL Analytics API below the API base. */
export const GRAPHQL_PATH = "/graphql";

const answerSchema = z.object({
  data: z.unknown().optional(),
  errors: z.array(z.object({
    message: z.string().catch("(no message)"),
    path: z.array(z.union([z.string(), z.number()])).nullish().catch(undefined),
    extensions: z.object({ code: z.string().optional() }).loose().nullish().catch(undefined),
  }).loose()).nullish(),
});

/** One query to send: the printed document (see `readOnlyDocument`) and its variables. */
export interface GraphqlCall {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  /** Names the call in errors and the audit log. */
  operation?: string;
}

/** Sends `call` and returns its `data`, or throws `GraphqlError` (GraphQL errors) / `CloudflareApiError` (HTTP). */
export async function sendGraphql(client: CloudflareClient, call: GraphqlCall): Promise<{ data: unknown; status: number }> {
  const response = await client.request({
    // Only checked queries (or our own introspection) come here: safe to retry on 429/5xx like a GET.
    method: "POST", path: GRAPHQL_PATH, operation: call.operation ?? "graphql", readOnly: true,
    body: { query: call.query, ...(call.variables ? { variables: call.variables } : {}), ...(call.operationName ? { operationName: call.operationName } : {}) },
  });
  const answer = response.kind === "json" ? answerSchema.safeParse(response.result) : undefined;
  if (!answer?.success) throw new GraphqlError("the GraphQL Analytics API answered with something that is not a GraphQL response; try again");
  const errors = answer.data.errors ?? [];
  if (errors.length > 0) {
    const says = errors.slice(0, 3).map((e) => `${e.message.replace(/\.+$/, "")}${e.path?.length ? ` (at ${e.path.join(".")})` : ""}`).join("; ");
    throw new GraphqlError(`GraphQL query failed: ${says}${errors.length > 3 ? ` (and ${errors.length - 3} more)` : ""}. ${hintFor(errors.map((e) => e.message).join(" "))}`);
  }
  return { data: answer.data.data ?? null, status: response.status };
}

function hintFor(messages: string): string {
  if (/not authori[sz]ed|authz|permission|access denied/i.test(messages)) {
    return "Hint: the token needs Account Analytics: Read (account datasets) or Zone Analytics: Read (zone datasets), and the zoneTag/accountTag must be an id it can reach.";
  }
  if (/cannot query field|unknown (field|argument|type)|is not defined|expected type|of required type|must have a selection/i.test(messages)) {
    return "Hint: check the dataset's arguments and fields with cloudflare.graphqlSchema({ dataset: \"…\" }).";
  }
  if (/limit|too (many|large|long)|time range|quota|budget/i.test(messages)) return "Hint: ask for a shorter time range or a smaller limit.";
  return "Hint: check the query against cloudflare.graphqlSchema({ dataset: \"…\" }).";
}
