/**
 * The GraphQL Analytics API at `POST /graphql` (outside the REST catalog): answered by the
 * analytics slice in ../analytics.ts, in GraphQL's own `{ data, errors }` shape, not the v4 envelope.
 */
import { answerGraphql } from "../analytics.ts";
import { json } from "../envelope.ts";
import { jsonBody, route, type Route } from "../router.ts";

/** Routes for the GraphQL Analytics API. */
export const graphqlRoutes: Route[] = [
  route("POST", "/graphql", async (ctx) => json(await answerGraphql(ctx.state, await jsonBody(ctx.request)))),
];
