/**
 * The approval policy: which calls need a tap, how risky each is, and what is refused outright.
 *
 * Reads (the catalog's `access: "read"`) run at once. Every other call needs an approval tap and
 * carries a risk level for its card: `destructive` for deletions and for writes to the parts of an
 * account where a mistake locks people out or takes sites down (DNS, zones, API tokens, members,
 * firewall/WAF, Worker deployments), `write` for the rest. `approvals/policy.json` can make the
 * bot read-only or deny operations before any card is shown.
 */
import rawPolicy from "./policy.json";

/** How risky a write is, shown as a badge on its card. */
export type Risk = "write" | "destructive";

/** The policy file's shape. */
export interface PolicyFile {
  readOnly: boolean;
  deny: string[];
}

/** The minimum the policy needs to know about an operation. */
export interface PolicyOperation {
  id: string;
  method: string;
  path: string;
  access: "read" | "write";
}

/** Areas where any write is destructive: path fragments and id prefixes. */
const DESTRUCTIVE_AREAS: Array<{ path: RegExp; id: RegExp; why: string }> = [
  { path: /\/dns_records\b|\/dns_settings\b|\/dnssec\b/, id: /^dns\./, why: "DNS" },
  { path: /^\/zones(\/\{zone_id\})?$|\/zones\/\{zone_id\}\/(settings|hold|activation_check)/, id: /^zones\./, why: "zones" },
  { path: /\/tokens\b|\/api_tokens\b/, id: /(^|\.)tokens\./, why: "API tokens" },
  { path: /\/members\b/, id: /(^|\.)members\./, why: "account members" },
  { path: /\/firewall\b|\/waf\b|\/rulesets\b|\/access\/rules\b|\/rate_limits\b/, id: /^(firewall|waf|rulesets|rate_limits)\./, why: "firewall / WAF" },
  { path: /\/workers\/scripts\/\{[^}]+\}(\/(deployments|versions|content|settings))?$|\/workers\/deployments\b/, id: /^workers\.scripts\.(update|delete|deployments|versions|content)/, why: "Worker deployments" },
];

/** The policy in force (the committed policy.json). */
export const POLICY: PolicyFile = { readOnly: Boolean(rawPolicy.readOnly), deny: [...rawPolicy.deny] };

/** The risk badge of a write, with the reason when it is destructive. */
export function riskOf(op: PolicyOperation): { risk: Risk; why?: string } {
  if (op.method === "DELETE") return { risk: "destructive", why: "it deletes" };
  for (const area of DESTRUCTIVE_AREAS) {
    if (area.path.test(op.path) || area.id.test(op.id)) return { risk: "destructive", why: `it changes ${area.why}` };
  }
  return { risk: "write" };
}

/** Why the policy refuses a call outright, or undefined when it may go ahead (reads always may). */
export function refusal(op: PolicyOperation, policy: PolicyFile = POLICY): string | undefined {
  if (op.access === "read") return undefined;
  if (policy.readOnly) return `this bot is read-only (approvals/policy.json), so ${op.id} (${op.method} ${op.path}) is refused`;
  const hit = policy.deny.find((rule) => matchesRule(rule, op));
  return hit ? `${op.id} (${op.method} ${op.path}) is denied by the policy (rule "${hit}")` : undefined;
}

function matchesRule(rule: string, op: PolicyOperation): boolean {
  const spaced = /^([A-Z]+)\s+(\/.*)$/.exec(rule.trim());
  if (!spaced) return rule.trim() === op.id;
  const [, method, pattern] = spaced as unknown as [string, string, string];
  if (method !== op.method) return false;
  const ruleParts = pattern.split("/");
  const pathParts = op.path.split("/");
  return ruleParts.length === pathParts.length && ruleParts.every((part, i) => part === "*" || part === pathParts[i]);
}
