/** A tiny path router for the emulator: `route("GET", "/zones/:zone_id", handler)`. */
import { ApiFailure, couldNotRoute, isId } from "./envelope.ts";
import type { EmulatorState, Row, TokenRecord } from "./seed.ts";

/** What a route handler receives. */
export interface RouteContext {
  request: Request;
  url: URL;
  /** The path below /client/v4. */
  path: string;
  params: Record<string, string>;
  state: EmulatorState;
  token: TokenRecord;
}

/** A route handler. */
export type Handler = (ctx: RouteContext) => Response | Promise<Response>;

/** One compiled route. */
export interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

/** Compiles a route; `:name` segments match one path segment. */
export function route(method: string, path: string, handler: Handler): Route {
  const keys: string[] = [];
  const source = path.split("/").map((segment) => {
    if (!segment.startsWith(":")) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    keys.push(segment.slice(1));
    return "([^/]+)";
  }).join("/");
  return { method, pattern: new RegExp(`^${source}$`), keys, handler };
}

/** The route for `method path`, or whether only the method was wrong. */
export function matchRoute(routes: readonly Route[], method: string, path: string):
  { route: Route; params: Record<string, string> } | "method_not_allowed" | undefined {
  let pathMatched = false;
  for (const candidate of routes) {
    const match = candidate.pattern.exec(path);
    if (!match) continue;
    pathMatched = true;
    if (candidate.method !== method) continue;
    const params: Record<string, string> = {};
    candidate.keys.forEach((key, index) => {
      params[key] = decodeURIComponent(match[index + 1] ?? "");
    });
    return { route: candidate, params };
  }
  return pathMatched ? "method_not_allowed" : undefined;
}

/** Reads a JSON object body or fails the way the API does for a malformed body. */
export async function jsonBody(request: Request): Promise<Record<string, unknown>> {
  const text = await request.text();
  if (text.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through to the API's own complaint
  }
  throw new ApiFailure(400, [{ code: 9207, message: "Request body is invalid JSON." }]);
}

/** The `:account_id` of the route, checked: a malformed id cannot be routed, an unknown one is refused. */
export function accountOf(ctx: RouteContext): string {
  const id = ctx.params.account_id ?? "";
  if (!isId(id)) throw couldNotRoute(`/accounts/${id}`);
  // The real API does not confirm that an account exists to a token that cannot reach it.
  if (!ctx.state.accounts.has(id)) throw new ApiFailure(403, [{ code: 10000, message: "Authentication error" }]);
  return id;
}

/** The zone named by `:zone_id`, or Cloudflare's "could not route" failure. */
export function zoneOf(ctx: RouteContext): Row {
  const id = ctx.params.zone_id ?? "";
  if (!isId(id)) throw couldNotRoute(`/zones/${id}`);
  const zone = ctx.state.zones.get(id);
  if (!zone) throw couldNotRoute(`/zones/${id}`, 404);
  return zone;
}
