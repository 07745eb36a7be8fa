/** The user, token verification and accounts: who a token is and what it reaches. */
import { ApiFailure, ok, paginate } from "../envelope.ts";
import { accountOf, route, type Route } from "../router.ts";

/** Routes for /user, /user/tokens/verify and /accounts. */
export const accountRoutes: Route[] = [
  route("GET", "/user", (ctx) => {
    if (!ctx.token.canReadUser) throw new ApiFailure(403, [{ code: 9109, message: "Unauthorized to access requested resource" }]);
    return ok(ctx.state.user);
  }),

  // Reached with an expired token too (the emulator lets it through): it reports the status.
  route("GET", "/user/tokens/verify", (ctx) => ok(
    { id: ctx.token.id, status: ctx.token.status, ...(ctx.token.expires_on ? { expires_on: ctx.token.expires_on } : {}) },
    { messages: [{ code: 10000, message: ctx.token.status === "active" ? "This API Token is valid and active" : `This API Token is ${ctx.token.status}`, type: null }] },
  )),

  route("GET", "/accounts", (ctx) => {
    const name = ctx.url.searchParams.get("name");
    const all = [...ctx.state.accounts.values()].filter((a) => name === null || String(a.name).toLowerCase().includes(name.toLowerCase()));
    const page = paginate(all, ctx.url, { defaultPerPage: 20, maxPerPage: 50 });
    return ok(page.items, { resultInfo: page.info });
  }),

  route("GET", "/accounts/:account_id", (ctx) => ok(ctx.state.accounts.get(accountOf(ctx)))),
];
