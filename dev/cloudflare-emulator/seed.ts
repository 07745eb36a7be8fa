/**
 * The demo account the emulator starts with: one user, one account ("Demo Shop"), two zones
 * with a few DNS records, two R2 buckets, a D1 database, a KV namespace, a Worker and a queue.
 * Ids are fixed so tests and the playground can name them; everything created later gets fresh ids.
 * The tokens below are fake and only ever accepted by this emulator.
 */

/** The demo API token: active, reads the user and the whole demo account. */
export const DEMO_API_TOKEN = "demo_cf_token_0000000000000000000000000a";
/** An expired demo token: /user/tokens/verify reports `expired`, everything else refuses it. */
export const DEMO_EXPIRED_TOKEN = "demo_cf_token_expired_00000000000000000b";
/** An active demo token that may not read /user (like an account-scoped token). */
export const DEMO_LIMITED_TOKEN = "demo_cf_token_limited_00000000000000000c";

/** The demo account's id. */
export const DEMO_ACCOUNT_ID = "d3b07384d113edec49eaa6238ad5ff00";
/** The demo user's email. */
export const DEMO_USER_EMAIL = "dana@demo-shop.dev";
/** The demo account's Cloudflare Tunnel and the (fake) token that runs it: a credential the bot must only show privately. */
export const DEMO_TUNNEL = { id: "c1744f8b-faa1-48a4-9e5c-02ac921467fa", name: "shop-office", token: "eyJhIjoiZGVtby10dW5uZWwtdG9rZW4tbm90LXJlYWwifQ" } as const;

/** Zone ids of the demo account. */
export const DEMO_ZONES = { exampleCom: "023e105f4ecef8ad9ca31a8372d0c353", demoShopDev: "9a7806061c88ada191ed06f989cc3dac" } as const;

/** An API token the emulator knows. */
export interface TokenRecord {
  value: string;
  id: string;
  status: "active" | "expired" | "disabled";
  expires_on?: string;
  /** Whether the token may read /user (User Details: Read). */
  canReadUser: boolean;
  /** A token with only Read permissions: every other method is refused (403, code 10000). */
  readOnly?: boolean;
  /** Paths below /client/v4 it has no permission for (prefixes; 403, code 10000), e.g. "/zones/<id>/dns_records". */
  deny?: string[];
}

/** Any resource row: the JSON the API returns for it, plus the account or zone it lives in. */
export type Row = Record<string, unknown> & { id: string };

/** A Worker script: its listing row plus its uploaded modules and settings. */
export interface WorkerScript {
  accountId: string;
  name: string;
  row: Record<string, unknown>;
  modules: { name: string; type: string; content: string }[];
  mainModule: string;
  bindings: unknown[];
  compatibilityDate: string;
  compatibilityFlags: string[];
}

/** The emulator's whole mutable state. */
export interface EmulatorState {
  tokens: Map<string, TokenRecord>;
  user: Record<string, unknown>;
  accounts: Map<string, Record<string, unknown>>;
  zones: Map<string, Row>;
  /** DNS records by id; each row carries `zone_id`. */
  dnsRecords: Map<string, Row>;
  /** R2 buckets keyed `accountId/name`. */
  r2Buckets: Map<string, { accountId: string; row: Record<string, unknown> }>;
  /** D1 databases by uuid. */
  d1: Map<string, { accountId: string; row: Record<string, unknown> }>;
  /** KV namespaces by id. */
  kv: Map<string, { accountId: string; row: Record<string, unknown> }>;
  /** Worker scripts keyed `accountId/name`. */
  workers: Map<string, WorkerScript>;
  subdomains: Map<string, string>;
  /** Queues by queue_id. */
  queues: Map<string, { accountId: string; row: Record<string, unknown> }>;
  /** Workers Builds by `accountId/script` (newest first): an API the SDK lacks. */
  builds: Map<string, Array<Record<string, unknown>>>;
  /** Cloudflare Tunnels by id, with the token that runs each (a credential). */
  tunnels: Map<string, { accountId: string; row: Record<string, unknown>; token: string }>;
  /** Zone settings by zone id (filled with defaults on first use). */
  zoneSettings: Map<string, Record<string, string | number>>;
  /** Cache purges, oldest first. */
  purges: Array<{ zoneId: string; files?: string[]; everything: boolean; at: string }>;
}

const T0 = "2024-03-04T09:15:27.448000Z";
const T1 = "2025-06-18T14:02:11.901000Z";

/** Builds a fresh copy of the demo account. */
export function seedState(): EmulatorState {
  const account = { id: DEMO_ACCOUNT_ID, name: "Demo Shop", type: "standard", created_on: T0,
    settings: { enforce_twofactor: false, abuse_contact_email: null } };
  const tokens: TokenRecord[] = [
    { value: DEMO_API_TOKEN, id: "ed17574386854bf78a67040be0a770b0", status: "active", expires_on: "2035-01-01T00:00:00Z", canReadUser: true },
    { value: DEMO_EXPIRED_TOKEN, id: "5a3a1b0c9e7d4f6a8b2c1d0e9f8a7b6c", status: "expired", expires_on: "2025-01-01T00:00:00Z", canReadUser: true },
    { value: DEMO_LIMITED_TOKEN, id: "7c6b5a49382716f5e4d3c2b1a0f9e8d7", status: "active", canReadUser: false },
  ];
  return {
    tokens: new Map(tokens.map((t) => [t.value, t])),
    user: { id: "7c5dae5552338874e5053f2534d2767a", email: DEMO_USER_EMAIL, first_name: "Dana", last_name: "Demo",
      username: "dana-demo", telephone: null, country: "NL", zipcode: null, two_factor_authentication_enabled: true,
      two_factor_authentication_locked: false, has_pro_zones: true, has_business_zones: false, has_enterprise_zones: false,
      suspended: false, created_on: T0, modified_on: T1, organizations: [], betas: [] },
    accounts: new Map([[DEMO_ACCOUNT_ID, account]]),
    zones: new Map([zone(DEMO_ZONES.exampleCom, "example.com", "Free Website"), zone(DEMO_ZONES.demoShopDev, "demo-shop.dev", "Pro Website")]
      .map((z) => [z.id, z])),
    dnsRecords: new Map([
      dns("372e67954025e0ba6aaa6d586b9e0b59", DEMO_ZONES.exampleCom, "example.com", "A", "example.com", "192.0.2.10", true),
      dns("372e67954025e0ba6aaa6d586b9e0b5a", DEMO_ZONES.exampleCom, "example.com", "CNAME", "www.example.com", "example.com", true),
      dns("372e67954025e0ba6aaa6d586b9e0b5b", DEMO_ZONES.exampleCom, "example.com", "MX", "example.com", "mail.example.com", false, 10),
      dns("372e67954025e0ba6aaa6d586b9e0b5c", DEMO_ZONES.exampleCom, "example.com", "TXT", "example.com", "\"v=spf1 -all\"", false),
      dns("b1946ac92492d2347c6235b4d2611184", DEMO_ZONES.demoShopDev, "demo-shop.dev", "A", "demo-shop.dev", "198.51.100.7", true),
      dns("b1946ac92492d2347c6235b4d2611185", DEMO_ZONES.demoShopDev, "demo-shop.dev", "AAAA", "demo-shop.dev", "2001:db8::7", true),
      dns("b1946ac92492d2347c6235b4d2611186", DEMO_ZONES.demoShopDev, "demo-shop.dev", "CNAME", "api.demo-shop.dev", "shop-api.demo-shop.workers.dev", true),
    ].map((r) => [r.id, r])),
    r2Buckets: new Map([
      [`${DEMO_ACCOUNT_ID}/shop-assets`, { accountId: DEMO_ACCOUNT_ID, row: { name: "shop-assets", creation_date: T0, location: "WEUR", storage_class: "Standard", jurisdiction: "default" } }],
      [`${DEMO_ACCOUNT_ID}/nightly-backups`, { accountId: DEMO_ACCOUNT_ID, row: { name: "nightly-backups", creation_date: T1, location: "ENAM", storage_class: "InfrequentAccess", jurisdiction: "default" } }],
    ]),
    d1: new Map([["f8a3c1e2-6b7d-4e9f-a0b1-c2d3e4f5a6b7", { accountId: DEMO_ACCOUNT_ID,
      row: { uuid: "f8a3c1e2-6b7d-4e9f-a0b1-c2d3e4f5a6b7", name: "shop-orders", version: "production", created_at: T0,
        num_tables: 4, file_size: 184320, running_in_region: "WEUR", read_replication: { mode: "disabled" } } }]]),
    kv: new Map([["0f2ac74b498b48028cb68387c421e279", { accountId: DEMO_ACCOUNT_ID,
      row: { id: "0f2ac74b498b48028cb68387c421e279", title: "SESSIONS", supports_url_encoding: true } }]]),
    workers: new Map([[`${DEMO_ACCOUNT_ID}/shop-api`, seedWorker()]]),
    subdomains: new Map([[DEMO_ACCOUNT_ID, "demo-shop"]]),
    queues: new Map([["a4c1e9b2d7f04e3a9c8b7a6f5e4d3c2b", { accountId: DEMO_ACCOUNT_ID,
      row: { queue_id: "a4c1e9b2d7f04e3a9c8b7a6f5e4d3c2b", queue_name: "order-events", created_on: T0, modified_on: T1,
        producers: [{ type: "worker", script: "shop-api" }], producers_total_count: 1, consumers: [], consumers_total_count: 0,
        settings: { delivery_delay: 0, delivery_paused: false, message_retention_period: 345600 } } }]]),
    builds: new Map([[`${DEMO_ACCOUNT_ID}/shop-api`, [{ build_uuid: "b1a2c3d4-0000-4000-8000-000000000001", status: "success", trigger: "push", created_on: T1 }]]]),
    tunnels: new Map([[DEMO_TUNNEL.id, { accountId: DEMO_ACCOUNT_ID, token: DEMO_TUNNEL.token,
      row: { id: DEMO_TUNNEL.id, account_tag: DEMO_ACCOUNT_ID, name: DEMO_TUNNEL.name, status: "healthy", tun_type: "cfd_tunnel",
        created_at: T0, deleted_at: null, remote_config: true, connections: [], conns_active_at: T1, conns_inactive_at: null } }]]),
    zoneSettings: new Map(),
    purges: [],
  };
}

function zone(id: string, name: string, plan: string): Row {
  return { id, name, status: "active", paused: false, type: "full", development_mode: 0,
    name_servers: ["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"], original_name_servers: null,
    original_registrar: null, original_dnshost: null, created_on: T0, modified_on: T1, activated_on: T0,
    meta: { step: 4, custom_certificate_quota: 0, page_rule_quota: 3, phishing_detected: false },
    owner: { id: null, type: "user", email: null }, account: { id: DEMO_ACCOUNT_ID, name: "Demo Shop" },
    permissions: ["#zone:read", "#zone:edit", "#dns_records:read", "#dns_records:edit"],
    plan: { id: plan.startsWith("Free") ? "0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee" : "94f3b7b768b0458b56d2cac4fe5ec0f9", name: plan,
      price: plan.startsWith("Free") ? 0 : 20, currency: "USD", frequency: plan.startsWith("Free") ? "" : "monthly",
      is_subscribed: true, can_subscribe: false, legacy_id: plan.startsWith("Free") ? "free" : "pro", legacy_discount: false, externally_managed: false } };
}

function dns(id: string, zoneId: string, zoneName: string, type: string, name: string, content: string, proxied: boolean, priority?: number): Row {
  return { id, zone_id: zoneId, zone_name: zoneName, name, type, content, proxiable: ["A", "AAAA", "CNAME"].includes(type),
    proxied, ttl: 1, settings: {}, meta: {}, comment: null, tags: [], created_on: T0, modified_on: T1,
    ...(priority !== undefined ? { priority } : {}) };
}

function seedWorker(): WorkerScript {
  const content = "export default {\n  async fetch(request, env) {\n    return Response.json({ ok: true, shop: \"demo\" });\n  },\n};\n";
  return {
    accountId: DEMO_ACCOUNT_ID, name: "shop-api", mainModule: "index.js", compatibilityDate: "2025-06-01", compatibilityFlags: ["nodejs_compat"],
    modules: [{ name: "index.js", type: "application/javascript+module", content }],
    bindings: [
      { type: "kv_namespace", name: "SESSIONS", namespace_id: "0f2ac74b498b48028cb68387c421e279" },
      { type: "d1", name: "DB", id: "f8a3c1e2-6b7d-4e9f-a0b1-c2d3e4f5a6b7" },
      { type: "r2_bucket", name: "ASSETS", bucket_name: "shop-assets" },
    ],
    row: { id: "shop-api", tag: "e2a7c5a1b3d94f0e8c6b4a2f0e8d6c4b", etag: "8d4ad5b32ea1e1c7a1d1c0b1e8f0a9c2b3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8",
      handlers: ["fetch"], named_handlers: [], created_on: T0, modified_on: T1, usage_model: "standard",
      compatibility_date: "2025-06-01", compatibility_flags: ["nodejs_compat"], has_assets: false, has_modules: true,
      logpush: false, placement_mode: null, tail_consumers: null, last_deployed_from: "wrangler" },
  };
}
