/**
 * The words catalog search treats specially: filler words, verbs that express an intent (and so
 * map to HTTP methods / SDK method names rather than to resources), and synonyms between how
 * people talk ("worker", "domain", "clear the cache") and how the API names things
 * (`scripts`, `zones`, `purge_cache`). Keys and values are stemmed (see text.ts).
 */

/** What the person wants to do, as far as the HTTP method is concerned. */
export type Intent = "list" | "get" | "create" | "update" | "delete";

/** Words that carry no meaning for search. */
export const STOPWORDS: ReadonlySet<string> = new Set([
  "a", "an", "the", "my", "our", "your", "me", "i", "we", "you", "it", "its", "this", "that", "these", "those",
  "of", "for", "to", "in", "on", "at", "by", "from", "with", "into", "onto", "as", "and", "or", "all", "every",
  "some", "any", "please", "can", "could", "would", "do", "doe", "did", "have", "ha", "is", "are", "be", "am",
  "there", "here", "called", "named", "name", "new", "current", "currently", "just", "one", "about", "now",
  "cloudflare", "using", "via", "up", "how", "many", "much",
]);

/** Words that only express an intent; they are not searched as text. */
export const INTENT_WORDS: ReadonlyMap<string, Intent> = new Map([
  ["list", "list"], ["show", "list"], ["display", "list"], ["which", "list"], ["what", "list"], ["find", "list"],
  ["see", "list"], ["view", "get"], ["get", "get"], ["fetch", "get"], ["read", "get"], ["detail", "get"],
  ["info", "get"], ["describe", "get"], ["inspect", "get"], ["status", "get"], ["who", "get"],
  ["create", "create"], ["add", "create"], ["make", "create"], ["provision", "create"], ["register", "create"],
  ["setup", "create"], ["invite", "create"], ["write", "update"], ["put", "update"], ["store", "update"],
  ["update", "update"], ["change", "update"], ["modify", "update"], ["edit", "update"], ["set", "update"],
  ["enable", "update"], ["disable", "update"], ["turn", "update"], ["switch", "update"], ["configure", "update"],
  ["rename", "update"], ["toggle", "update"], ["attach", "update"], ["upload", "create"], ["block", "create"],
  ["ban", "create"], ["forward", "create"],
  ["delete", "delete"], ["remove", "delete"], ["destroy", "delete"], ["drop", "delete"], ["erase", "delete"],
]);

/**
 * Query word -> API words it may stand for, with a weight below 1 (a synonym is weaker evidence
 * than the word itself). The query word itself is always searched too, unless it is an intent word.
 */
export const SYNONYMS: ReadonlyMap<string, ReadonlyArray<readonly [string, number]>> = new Map([
  ["worker", [["script", 0.9]]],
  ["script", [["worker", 0.6]]],
  // People say "domain" for what the API calls a zone far more often than for custom domains.
  ["domain", [["zone", 1], ["domain", 0.8]]],
  ["site", [["zone", 0.8]]],
  ["website", [["zone", 0.8]]],
  ["zone", [["domain", 0.4]]],
  ["database", [["d1", 0.7]]],
  ["db", [["database", 0.9], ["d1", 0.7]]],
  ["d1", [["database", 0.6]]],
  ["sql", [["query", 0.6]]],
  ["bucket", [["r2", 0.6]]],
  ["file", [["object", 0.8]]],
  ["kv", [["namespace", 0.3]]],
  ["key", [["value", 0.5]]],
  ["cron", [["schedule", 1], ["trigger", 0.5]]],
  ["trigger", [["schedule", 0.7]]],
  ["clear", [["purge", 0.9], ["cache", 0.4]]],
  ["flush", [["purge", 0.9]]],
  ["purge", [["cache", 0.5]]],
  ["cert", [["certificate", 1]]],
  ["certificate", [["ssl", 0.4], ["cert", 0.6]]],
  ["ssl", [["certificate", 0.4], ["tls", 0.6]]],
  ["tls", [["ssl", 0.6]]],
  ["https", [["setting", 0.4]]],
  ["tunnel", [["cfd", 0.5], ["cloudflared", 0.6]]],
  ["member", [["user", 0.3]]],
  ["someone", [["member", 0.8]]],
  ["people", [["member", 0.8]]],
  ["user", [["member", 0.5]]],
  ["invite", [["member", 0.9]]],
  ["deploy", [["deployment", 0.9]]],
  ["rollback", [["deployment", 0.7]]],
  ["video", [["stream", 0.9]]],
  ["registered", [["registrar", 0.9], ["registration", 0.8]]],
  ["register", [["registrar", 0.8], ["registration", 0.6]]],
  ["available", [["availability", 0.9], ["check", 0.5]]],
  ["notification", [["alerting", 0.9], ["policy", 0.4]]],
  ["alert", [["alerting", 0.9]]],
  ["upload", [["upload", 1]]],
  ["block", [["firewall", 0.7], ["access", 0.4], ["rule", 0.5]]],
  ["ban", [["firewall", 0.7], ["rule", 0.5]]],
  ["ip", [["address", 0.3]]],
  ["send", [["push", 0.8], ["message", 0.4]]],
  ["publish", [["push", 0.7]]],
  ["forward", [["routing", 0.6], ["rule", 0.4]]],
  ["roll", [["value", 0.6]]],
  ["rotate", [["value", 0.6], ["roll", 0.5]]],
  ["secret", [["value", 0.2]]],
  ["env", [["secret", 0.5], ["setting", 0.5]]],
  ["model", [["ai", 0.3]]],
  ["log", [["logpush", 0.6], ["audit", 0.4]]],
  ["history", [["list", 0.2]]],
  ["setting", [["config", 0.4]]],
  ["config", [["setting", 0.5], ["configuration", 0.9]]],
  ["configuration", [["config", 0.9], ["setting", 0.5]]],
  ["subdomain", [["domain", 0.4]]],
  ["redirect", [["rule", 0.5], ["page", 0.3]]],
  ["gmail", [["email", 0.3]]],
  ["mail", [["email", 1]]],
]);

/** Prepositions end the head noun phrase ("worker routes | on my zone"). */
export const PREPOSITIONS: ReadonlySet<string> = new Set(["of", "for", "to", "in", "on", "at", "by", "from", "with", "into", "onto", "via", "against", "under"]);

/** Multi-word phrases rewritten before tokenising (applied to the lowercased query). */
export const PHRASES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bwho ?am ?i\b|\bwhoami\b/, "get user"],
  [/\bturn (on|off)\b|\bswitch (on|off)\b/, "enable"],
  [/\bset up\b/, "setup"],
  [/\broll ?back\b/, "rollback"],
  [/\benv(ironment)? ?var(iable)?s?\b/, "env secret"],
  [/\bpage ?rules?\b/, "pagerule page rule"],
  [/\bip ?(v[46] )?addresse?s?\b/, "ip"],
];

/**
 * Zone settings people name (`/zones/{zone_id}/settings/{setting_id}`), with how they write them:
 * as the id (`always_use_https`) or in words ("always use https", "minimum TLS version"). A query
 * that names one is about `zones.settings.get` / `zones.settings.edit`, whatever else it says.
 * "ssl" alone is also certificates, so it counts only with a mode word ("ssl mode", "full strict").
 */
export const ZONE_SETTINGS: ReadonlyArray<readonly [string, RegExp]> = [
  ["ssl", /^(?!.*\b(universal|certificates?|certs?|verification|recommend\w*)\b).*(\bssl\b.*\b(mode|flexible|strict|full|setting)\b|\b(encryption|ssl\/tls) mode\b)/],
  ["always_use_https", /\balways[ _]use[ _]https\b/],
  ["min_tls_version", /\bmin(imum)?[ _]tls([ _]version)?\b/],
  ["tls_1_3", /\btls[ _]?v?1[._]?3\b/],
  ["automatic_https_rewrites", /\b(automatic[ _])?https[ _]rewrites?\b/],
  ["opportunistic_encryption", /\bopportunistic[ _]encryption\b/],
  ["brotli", /\bbrotli\b/],
  ["http3", /\bhttp[ /]?3\b|\bquic\b/],
  ["http2", /\bhttp[ /]?2\b/],
  ["0rtt", /\b0[ -]?rtt\b|\bzero[ -]rtt\b/],
  ["early_hints", /\bearly[ _]hints\b/],
  ["development_mode", /\bdev(elopment)?[ _]mode\b/],
  ["browser_cache_ttl", /\bbrowser[ _]cache([ _]ttl)?\b/],
  ["cache_level", /\bcache[ _]level\b/],
  ["always_online", /\balways[ _]online\b/],
  ["security_level", /\bsecurity[ _]level\b|\bunder[ _]attack\b/],
  ["browser_check", /\bbrowser[ _](integrity[ _])?check\b/],
  ["challenge_ttl", /\bchallenge[ _](ttl|passage)\b/],
  ["email_obfuscation", /\bemail[ _]obfuscation\b/],
  ["hotlink_protection", /\bhotlink([ _]protection)?\b/],
  ["server_side_exclude", /\bserver[ _]side[ _]excludes?\b/],
  ["rocket_loader", /\brocket[ _]loader\b/],
  ["polish", /\bpolish\b/],
  ["webp", /\bwebp\b/],
  ["mirage", /\bmirage\b/],
  ["ipv6", /^(?!.*\b(address|map|prefix|record|aaaa)\w*\b).*\bipv6\b/],
  ["pseudo_ipv4", /\bpseudo[ _]ipv4\b/],
  ["websockets", /\bweb ?sockets?\b/],
  ["ip_geolocation", /\bip[ _]geolocation\b/],
  ["true_client_ip_header", /\btrue[ _]client[ _]ip\b/],
  ["opportunistic_onion", /\bonion[ _]routing\b|\bopportunistic[ _]onion\b/],
  ["sort_query_string_for_cache", /\bsort[ _]query[ _]string\b/],
  ["prefetch_preload", /\bprefetch[ _]preload\b/],
  ["origin_max_http_version", /\borigin[ _]max[ _]http[ _]version\b/],
  ["max_upload", /\bmax(imum)?[ _]upload([ _]size)?\b/],
  ["response_buffering", /\bresponse[ _]buffering\b/],
  ["proxy_read_timeout", /\bproxy[ _]read[ _]timeout\b/],
  ["ciphers", /^(?!.*\b(custom hostname|hostname)\b).*\bciphers?\b/],
  ["image_resizing", /\bimage[ _]resizing\b/],
  ["privacy_pass", /\bprivacy[ _]pass\b/],
  ["h2_prioritization", /\bh2[ _]prioriti[sz]ation\b/],
  ["speed_brain", /\bspeed[ _]brain\b/],
  ["replace_insecure_js", /\breplace[ _]insecure[ _](js|javascript)\b/],
  ["automatic_platform_optimization", /\bautomatic[ _]platform[ _]optimi[sz]ation\b/],
];

/** Questions about a state ("is … on?", "what is …", "check …") read it; anything else about a setting changes it. */
export const READ_QUESTION = /^\s*(is|are|was|does|do|what|what's|whats|which|how|check|show|get|tell|view|see|read|fetch|display)\b/;
