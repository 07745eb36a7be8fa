/**
 * The cron (wrangler.toml `[triggers]`, every 15 minutes): expire stale approvals, then prune old
 * rows. Each part runs even when another failed, and the run ends with one JSON log line
 * (`event: "cron_done"`) that says what it did, for `wrangler tail`.
 */
import { readConfig } from "../../core/config.ts";
import { describeError } from "../../core/errors.ts";
import { pruneOldRows, type PruneCounts } from "./retention.ts";
import { chatsWithStaleApprovals, expireAbandonedAuditRows } from "./stale-approvals.ts";

/** What one cron run did. */
export interface CronReport {
  chatsNudged: number;
  nudgeFailures: number;
  abandonedExpired: number;
  pruned: PruneCounts;
  errors: string[];
}

/** Runs the maintenance work for one cron tick at `now` (ms). */
export async function runScheduled(env: Env, now: number): Promise<CronReport> {
  const report: CronReport = { chatsNudged: 0, nudgeFailures: 0, abandonedExpired: 0, pruned: {}, errors: [] };
  const config = readConfig(env);
  if (!config.ok) {
    report.errors.push(`config: ${config.error.variables.join(", ")}`);
    log(report, now);
    return report;
  }
  const ttlMs = config.config.APPROVAL_TTL_MINUTES * 60_000;
  try {
    for (const chatId of await chatsWithStaleApprovals(env.DB, now, ttlMs)) {
      try {
        await env.CHAT.getByName(String(chatId)).expireStaleApprovals();
        report.chatsNudged += 1;
      } catch (error) {
        report.nudgeFailures += 1;
        console.warn(JSON.stringify({ level: "warn", event: "cron_nudge_failed", chat_id: chatId, error: describeError(error) }));
      }
    }
    report.abandonedExpired = await expireAbandonedAuditRows(env.DB, now, ttlMs);
  } catch (error) {
    report.errors.push(`approvals: ${describeError(error)}`);
  }
  try {
    report.pruned = await pruneOldRows(env.DB, now, config.config.AUDIT_RETENTION_DAYS);
  } catch (error) {
    report.errors.push(`prune: ${describeError(error)}`);
  }
  log(report, now);
  return report;
}

function log(report: CronReport, now: number): void {
  const line = JSON.stringify({ level: report.errors.length ? "error" : "info", event: "cron_done", at: new Date(now).toISOString(), ...report });
  if (report.errors.length) console.error(line); else console.log(line);
}
