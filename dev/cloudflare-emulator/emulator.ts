/**
 * A TEST DOUBLE of the Cloudflare REST API (`/client/v4`), for tests and the offline playground.
 * It is not Cloudflare and never talks to Cloudflare: it keeps a small, believable demo account
 * in memory (see seed.ts) and answers the way the real API does — the `{ success, errors,
 * messages, result, result_info }` envelope, real status codes, Cloudflare's error codes where
 * they are known, page- and cursor-based pagination, bearer-token auth. The GraphQL Analytics API
 * (`POST /graphql`, analytics.ts) answers in GraphQL's own `{ data, errors }` shape instead.
 *
 * Control endpoints under `/__emulator/` (not part of Cloudflare) let a test read every request
 * the emulator received (headers included, so a test can check where the token travelled),
 * inject failures (status, Retry-After, delay) for the next N requests to a path, mint extra
 * tokens so parallel tests can keep to their own requests, and reset to the seed.
 *
 * The class is runtime-neutral (only Request/Response/crypto), like the fake Bot API; `server.ts`
 * serves it on a Node port.
 */
import { z } from "zod";
import { ApiFailure, fail, json, newId, noRoute, type CfError } from "./envelope.ts";
import { matchRoute, type Route } from "./router.ts";
import { accountRoutes } from "./routes/account-routes.ts";
import { storageRoutes } from "./routes/storage-routes.ts";
import { tunnelRoutes } from "./routes/tunnel-routes.ts";
import { buildsRoutes } from "./routes/builds-routes.ts";
import { graphqlRoutes } from "./routes/graphql-routes.ts";
import { workerRoutes } from "./routes/worker-routes.ts";
import { zoneRoutes } from "./routes/zone-routes.ts";
import { zoneSettingsRoutes } from "./routes/zone-settings-routes.ts";
import { seedState, type EmulatorState, type TokenRecord } from "./seed.ts";

/** The API's base path; the emulator's `url + API_BASE_PATH` is a CLOUDFLARE_API_BASE. */
export const API_BASE_PATH = "/client/v4";

const faultSchema = z.object({
  /** Path below /client/v4 ("/zones"); with "?…" the query string must match exactly too. */
  path: z.string().startsWith("/"),
  method: z.string().toUpperCase().optional(),
  /** Only requests that carry this token (keeps parallel tests apart). */
  token: z.string().optional(),
  times: z.number().int().min(1).default(1),
  /** Status to answer with; omit it to only delay the real answer. */
  status: z.number().int().min(400).max(599).optional(),
  /** Seconds, sent as the Retry-After header. */
  retryAfter: z.number().int().min(0).optional(),
  delayMs: z.number().int().min(0).max(60_000).optional(),
  errors: z.array(z.object({ code: z.number(), message: z.string() })).optional(),
});

/** A failure to inject into the next matching requests. */
export type EmulatorFault = z.input<typeof faultSchema>;

const mintSchema = z.object({
  status: z.enum(["active", "expired", "disabled"]).default("active"),
  canReadUser: z.boolean().default(true),
  expires_on: z.string().optional(),
  /** Only Read permissions: any method but GET answers 403 "Authentication error" (code 10000), as a real token lacking Edit does. */
  readOnly: z.boolean().default(false),
  /** Path prefixes (below /client/v4) the token lacks the permission for: 403, code 10000. */
  deny: z.array(z.string().startsWith("/")).default([]),
});

/** Options for an extra token: its status, whether it may read /user, and which permissions it lacks. */
export type MintTokenOptions = z.input<typeof mintSchema>;

/** One request as the emulator received it. */
export interface RecordedRequest {
  seq: number;
  method: string;
  /** Path below /client/v4. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** The body as text (first 64 KB). */
  body: string;
  /** The status the emulator answered with. */
  status: number;
  /** Whether an injected fault answered (or delayed) it. */
  faulted: boolean;
  at: number;
}

const ROUTES: readonly Route[] = [...accountRoutes, ...zoneRoutes, ...storageRoutes, ...workerRoutes, ...tunnelRoutes, ...buildsRoutes, ...zoneSettingsRoutes, ...graphqlRoutes];

/** The Cloudflare API emulator (a test double; see the module comment). */
export class CloudflareEmulator {
  state: EmulatorState = seedState();
  readonly requests: RecordedRequest[] = [];
  private faults: z.output<typeof faultSchema>[] = [];

  /** Handles one HTTP request: an API call or a `/__emulator/` control call. */
  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/__emulator/")) return this.control(request, url);
    const path = url.pathname.startsWith(`${API_BASE_PATH}/`) ? url.pathname.slice(API_BASE_PATH.length) : undefined;
    const record: RecordedRequest = {
      seq: this.requests.length + 1, method: request.method, path: path ?? url.pathname,
      query: Object.fromEntries(url.searchParams), headers: Object.fromEntries(request.headers),
      body: request.body ? (await request.clone().text()).slice(0, 65_536) : "", status: 0, faulted: false, at: Date.now(),
    };
    this.requests.push(record);
    const response = await this.answer(request, url, path, record);
    record.status = response.status;
    return response;
  }

  /** Puts the demo account back as seeded and forgets requests and faults. */
  reset(): void {
    this.state = seedState();
    this.requests.length = 0;
    this.faults = [];
  }

  /** Makes the next matching requests fail (or wait). */
  addFault(fault: EmulatorFault): void {
    this.faults.push(faultSchema.parse(fault));
  }

  /** Creates another token for the demo user (e.g. one per test). */
  mintToken(options: MintTokenOptions = {}): TokenRecord {
    const o = mintSchema.parse(options);
    const token: TokenRecord = { value: `emu_${newId()}`, id: newId(), status: o.status, canReadUser: o.canReadUser,
      ...(o.expires_on ? { expires_on: o.expires_on } : o.status === "expired" ? { expires_on: "2025-01-01T00:00:00Z" } : {}),
      ...(o.readOnly ? { readOnly: true } : {}), ...(o.deny.length > 0 ? { deny: o.deny } : {}) };
    this.state.tokens.set(token.value, token);
    return token;
  }

  private async answer(request: Request, url: URL, path: string | undefined, record: RecordedRequest): Promise<Response> {
    const fault = path === undefined ? undefined : this.takeFault(request, path, url.search);
    if (fault) {
      record.faulted = true;
      if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (fault.status !== undefined) {
        return fail(fault.status, fault.errors ?? defaultFaultErrors(fault.status),
          fault.retryAfter !== undefined ? { "retry-after": String(fault.retryAfter) } : {});
      }
    }
    try {
      if (path === undefined) throw noRoute();
      const token = this.authenticate(request, path);
      const match = matchRoute(ROUTES, request.method, path);
      if (match === undefined) throw noRoute();
      if (match === "method_not_allowed") throw new ApiFailure(405, [{ code: 10405, message: `Method ${request.method} not allowed for this route` }]);
      return await match.route.handler({ request, url, path, params: match.params, state: this.state, token });
    } catch (error) {
      if (error instanceof ApiFailure) return fail(error.status, error.errors, error.headers);
      return fail(500, [{ code: 10002, message: `emulator error: ${error instanceof Error ? error.message : String(error)}` }]);
    }
  }

  /** Bearer-token auth with the real API's answers for missing, malformed, unknown and expired tokens. */
  private authenticate(request: Request, path: string): TokenRecord {
    const header = request.headers.get("authorization");
    if (header === null) {
      if (request.headers.has("x-auth-key")) throw new ApiFailure(403, [{ code: 9103, message: "Unknown X-Auth-Key or X-Auth-Email" }]);
      throw new ApiFailure(400, [{ code: 9106, message: "Missing X-Auth-Key, X-Auth-Email or Authorization headers" }]);
    }
    const match = /^Bearer ([A-Za-z0-9_-]{20,})$/.exec(header);
    if (!match) {
      throw new ApiFailure(400, [{ code: 6003, message: "Invalid request headers", error_chain: [{ code: 6111, message: "Invalid format for Authorization header" }] }]);
    }
    const token = this.state.tokens.get(match[1] ?? "");
    const verifying = path === "/user/tokens/verify";
    if (!token) {
      throw verifying ? new ApiFailure(401, [{ code: 1000, message: "Invalid API Token" }]) : new ApiFailure(403, [{ code: 9109, message: "Invalid access token" }]);
    }
    // Verification reports an expired or disabled token's status; every other route refuses it.
    if (token.status !== "active" && !verifying) throw new ApiFailure(403, [{ code: 9109, message: "Invalid access token" }]);
    // A token without the permission a route needs: the real API's answer carries no hint of which one.
    const lacking = (token.readOnly && request.method !== "GET" && !verifying) || (token.deny ?? []).some((prefix) => path.startsWith(prefix));
    if (lacking) throw new ApiFailure(403, [{ code: 10000, message: "Authentication error" }]);
    return token;
  }

  private takeFault(request: Request, path: string, search: string): z.output<typeof faultSchema> | undefined {
    const token = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1];
    const fault = this.faults.find((f) => (f.path.includes("?") ? f.path === path + search : f.path === path)
      && (f.method === undefined || f.method === request.method)
      && (f.token === undefined || f.token === token));
    if (!fault) return undefined;
    fault.times -= 1;
    if (fault.times <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault;
  }

  private async control(request: Request, url: URL): Promise<Response> {
    const route = `${request.method} ${url.pathname.slice("/__emulator/".length)}`;
    try {
      switch (route) {
        case "GET requests": {
          const q = url.searchParams;
          const since = Number(q.get("since") ?? "0");
          const token = q.get("token");
          return json({ requests: this.requests.filter((r) => r.seq > since
            && (!q.get("path") || r.path === q.get("path"))
            && (!q.get("method") || r.method === q.get("method"))
            && (token === null || r.headers.authorization === `Bearer ${token}`)) });
        }
        case "POST faults":
          this.addFault(faultSchema.parse(await request.json()));
          return json({ ok: true });
        case "POST tokens": {
          const token = this.mintToken(mintSchema.parse(await request.json().catch(() => ({}))));
          return json({ token: token.value, id: token.id });
        }
        case "POST reset":
          this.reset();
          return json({ ok: true });
        default:
          return json({ ok: false, description: `unknown control route ${route}` }, 404);
      }
    } catch (error) {
      return json({ ok: false, description: error instanceof Error ? error.message : String(error) }, 400);
    }
  }
}

function defaultFaultErrors(status: number): CfError[] {
  if (status === 429) return [{ code: 971, message: "Please wait and consider throttling your request speed" }];
  if (status >= 500) return [{ code: 10002, message: "An unknown error has occurred. Please try again later." }];
  return [{ code: 10000, message: "Injected failure" }];
}
