/**
 * How a snippet that searches the REST catalog finds the Analytics API: questions about traffic,
 * visitors, bandwidth or Worker errors get one extra hit, first, that points at
 * `cloudflare.graphqlSchema` and `cloudflare.graphql` (the GraphQL API is in no catalog).
 */

/** The search hit that stands for the GraphQL Analytics API. */
export const ANALYTICS_HIT = {
  id: "graphql",
  method: "POST",
  path: "/graphql",
  summary: "GraphQL Analytics API (traffic, requests, bandwidth, visitors, threats, Worker invocations and errors): find a dataset with cloudflare.graphqlSchema({ search }), run it with cloudflare.graphql({ query, variables })",
} as const;

/** What `cloudflare.describe({ op: "graphql" })` answers. */
export const GRAPHQL_USAGE = `GraphQL Analytics API (read-only).
cloudflare.graphqlSchema({ search: "zone traffic" }) -> [{ dataset, scope, description }]
cloudflare.graphqlSchema({ dataset: "httpRequests1dGroups" }) -> arguments, filter, fields, an example query
cloudflare.graphql({ query, variables? }) -> the query's data; mutations are refused`;

const ANALYTICS = /\b(traffic|analytics|visitors?|visits|page ?views|bandwidth|invocations?|statistics|stats|metrics|graphql|threats|unique (ips|visitors)|top (countries|paths|urls|referr?ers)|how (many|much) (requests|data|bytes|traffic|visits))\b/i;
const WORKER_ERRORS = /\bworkers?\b.*\b(errors?|exceptions?|crash\w*|fail\w*)\b|\b(errors?|exceptions?)\b.*\bworkers?\b/i;

/** Whether a search reads like a question for the Analytics API. */
export function isAnalyticsQuestion(query: string): boolean {
  return ANALYTICS.test(query) || WORKER_ERRORS.test(query);
}
