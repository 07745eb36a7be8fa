/**
 * `deploy.settings.json`: what setup remembers between runs, so a second run (and `npm run
 * deploy`) needs no answers again. Git-ignored. It never holds a secret: only the D1 id, the
 * Worker URL, the non-secret `[vars]`, and a short SHA-256 fingerprint of each secret setup put,
 * so a rerun can tell "same value, leave it" from "new value, put it" without storing the value.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { z } from "zod";
import { SetupError } from "./errors.ts";

/** The settings file, next to wrangler.toml. */
export const SETTINGS_FILE = "deploy.settings.json";

const settingsSchema = z.object({
  databaseId: z.string().optional(),
  workerUrl: z.string().optional(),
  botUsername: z.string().optional(),
  vars: z.record(z.string(), z.string()).default({}),
  secretFingerprints: z.record(z.string(), z.string()).default({}),
});

/** What setup remembers. */
export type DeploySettings = z.infer<typeof settingsSchema>;

/** Reads the settings (empty when there are none yet). */
export function readSettings(root: string): DeploySettings {
  const path = join(root, SETTINGS_FILE);
  if (!existsSync(path)) return settingsSchema.parse({});
  const parsed = settingsSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success) throw new SetupError("settings", `${SETTINGS_FILE} is not valid (${parsed.error.issues[0]?.message}); delete it and run \`npm run setup\` again`);
  return parsed.data;
}

/** Writes the settings. */
export function writeSettings(root: string, settings: DeploySettings): void {
  writeFileSync(join(root, SETTINGS_FILE), `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
}

/** A short fingerprint of a secret (not reversible; only compared with a later value's). */
export function fingerprint(value: string): string {
  return createHash("sha256").update(value).digest("hex").slice(0, 16);
}
