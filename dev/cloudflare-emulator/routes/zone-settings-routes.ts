/**
 * Zone settings (`/zones/{zone_id}/settings[/{setting_id}]`) and cache purges
 * (`POST /zones/{zone_id}/purge_cache`). Settings answer as the API does, `{ id, value, editable,
 * modified_on }`, and only known names with their allowed values are accepted; purges are kept
 * in the state so a test or the eval can check what was purged.
 */
import { ApiFailure, badRequest, ok, timestamp } from "../envelope.ts";
import { jsonBody, route, zoneOf, type Route, type RouteContext } from "../router.ts";

/** Each known setting with its allowed values (an empty list: any number in range). */
const SETTINGS: Record<string, readonly (string | number)[]> = {
  always_use_https: ["on", "off"],
  automatic_https_rewrites: ["on", "off"],
  brotli: ["on", "off"],
  development_mode: ["on", "off"],
  min_tls_version: ["1.0", "1.1", "1.2", "1.3"],
  security_level: ["off", "essentially_off", "low", "medium", "high", "under_attack"],
  ssl: ["off", "flexible", "full", "strict"],
  browser_cache_ttl: [],
  always_online: ["on", "off"],
  rocket_loader: ["on", "off"],
};

/** The settings a zone starts with. */
export function defaultZoneSettings(): Record<string, string | number> {
  return { always_use_https: "off", automatic_https_rewrites: "on", brotli: "on", development_mode: "off", min_tls_version: "1.0",
    security_level: "medium", ssl: "full", browser_cache_ttl: 14400, always_online: "off", rocket_loader: "off" };
}

/** Routes for zone settings and cache purge. */
export const zoneSettingsRoutes: Route[] = [
  route("GET", "/zones/:zone_id/settings", (ctx) => {
    const values = settingsOf(ctx);
    return ok(Object.keys(SETTINGS).map((id) => setting(id, values[id])));
  }),
  route("GET", "/zones/:zone_id/settings/:setting_id", (ctx) => {
    const id = knownSetting(ctx);
    return ok(setting(id, settingsOf(ctx)[id]));
  }),
  route("PATCH", "/zones/:zone_id/settings/:setting_id", async (ctx) => {
    const id = knownSetting(ctx);
    const body = await jsonBody(ctx.request);
    if (!("value" in body)) throw badRequest(1007, `Invalid value for zone setting ${id}: the body must be { "value": … }`);
    const allowed = SETTINGS[id]!;
    const value = body.value;
    const valid = allowed.length === 0 ? Number.isInteger(value) && Number(value) >= 0 && Number(value) <= 31_536_000 : allowed.includes(value as string);
    if (!valid) throw badRequest(1007, `Invalid value for zone setting ${id}${allowed.length ? `: use one of ${allowed.join(", ")}` : ": a number of seconds"}`);
    settingsOf(ctx)[id] = value as string | number;
    return ok(setting(id, value));
  }),
  route("POST", "/zones/:zone_id/purge_cache", async (ctx) => {
    const zone = zoneOf(ctx);
    const body = await jsonBody(ctx.request);
    const files = Array.isArray(body.files) ? body.files.map((f) => (typeof f === "string" ? f : String((f as { url?: unknown }).url ?? ""))) : undefined;
    if (!body.purge_everything && !files && !body.tags && !body.hosts && !body.prefixes) {
      throw badRequest(1012, "Request must contain one of \"purge_everything\", \"files\", \"tags\", \"hosts\" or \"prefixes\"");
    }
    for (const file of files ?? []) {
      let host = "";
      try { host = new URL(file).hostname; } catch { throw badRequest(1012, `"${file}" is not a URL`); }
      if (host !== zone.name && !host.endsWith(`.${zone.name}`)) throw badRequest(1012, `${file} is not in the zone ${String(zone.name)}`);
    }
    ctx.state.purges.push({ zoneId: zone.id, ...(files ? { files } : {}), everything: body.purge_everything === true, at: timestamp() });
    return ok({ id: zone.id });
  }),
];

function settingsOf(ctx: RouteContext): Record<string, string | number> {
  const zone = zoneOf(ctx);
  let values = ctx.state.zoneSettings.get(zone.id);
  if (!values) ctx.state.zoneSettings.set(zone.id, values = defaultZoneSettings());
  return values;
}

function knownSetting(ctx: RouteContext): string {
  zoneOf(ctx);
  const id = ctx.params.setting_id ?? "";
  if (!(id in SETTINGS)) throw new ApiFailure(404, [{ code: 1003, message: `Unknown zone setting "${id}"` }]);
  return id;
}

function setting(id: string, value: unknown) {
  return { id, value, editable: true, modified_on: null };
}
