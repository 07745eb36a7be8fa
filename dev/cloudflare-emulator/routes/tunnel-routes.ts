/**
 * Cloudflare Tunnels under /accounts/{account_id}/cfd_tunnel: list, get, and the token that runs
 * a tunnel (a credential: the bot asks before reading it and shows it only in a private chat).
 */
import { ApiFailure, ok, paginate } from "../envelope.ts";
import { accountOf, route, type Route, type RouteContext } from "../router.ts";

/** Routes for Cloudflare Tunnels. */
export const tunnelRoutes: Route[] = [
  route("GET", "/accounts/:account_id/cfd_tunnel", (ctx) => {
    const account = accountOf(ctx);
    const rows = [...ctx.state.tunnels.values()].filter((t) => t.accountId === account).map((t) => t.row);
    const page = paginate(rows, ctx.url, { defaultPerPage: 20, maxPerPage: 1000 });
    return ok(page.items, { resultInfo: page.info });
  }),
  route("GET", "/accounts/:account_id/cfd_tunnel/:tunnel_id", (ctx) => ok(tunnelOf(ctx).row)),
  route("GET", "/accounts/:account_id/cfd_tunnel/:tunnel_id/token", (ctx) => ok(tunnelOf(ctx).token)),
];

function tunnelOf(ctx: RouteContext) {
  const tunnel = ctx.state.tunnels.get(ctx.params.tunnel_id ?? "");
  if (!tunnel || tunnel.accountId !== accountOf(ctx)) throw new ApiFailure(404, [{ code: 1003, message: "Tunnel not found" }]);
  return tunnel;
}
