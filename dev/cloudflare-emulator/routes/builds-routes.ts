/**
 * Workers Builds under /accounts/{account_id}/builds (an API the `cloudflare` SDK, and so the
 * bot's catalog, does not have): list a Worker's builds, start one. Lets tests and the playground
 * call an operation that is not in the catalog.
 */
import { ok } from "../envelope.ts";
import { accountOf, route, type Route } from "../router.ts";

/** Routes for Workers Builds. */
export const buildsRoutes: Route[] = [
  route("GET", "/accounts/:account_id/builds/workers/:script_name/builds", (ctx) => {
    return ok(ctx.state.builds.get(`${accountOf(ctx)}/${ctx.params.script_name}`) ?? []);
  }),
  route("POST", "/accounts/:account_id/builds/workers/:script_name/builds", (ctx) => {
    const key = `${accountOf(ctx)}/${ctx.params.script_name}`;
    const build = { build_uuid: crypto.randomUUID(), status: "queued", trigger: "manual", created_on: new Date().toISOString() };
    ctx.state.builds.set(key, [build, ...(ctx.state.builds.get(key) ?? [])]);
    return ok(build);
  }),
];
