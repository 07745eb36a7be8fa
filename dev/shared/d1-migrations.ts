/**
 * Applies a wrangler config's D1 migrations to the local database that `wrangler dev --persist-to`
 * reads, as `wrangler d1 migrations apply --local` does: the same files in the same order, each
 * recorded in the same table (`d1_migrations`), so either tool can run after the other.
 *
 * Why not that command: it starts a local runtime once per migration, about 20 s for our six on
 * a busy 2-core machine; this starts one (wrangler's `getPlatformProxy`) and takes a few seconds.
 *
 * Also a command, for callers that want it in its own process:
 * `node dev/shared/d1-migrations.ts --persist-to DIR [--config wrangler.toml] [--binding DB]`
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

/** This file, for running it as a command. */
export const D1_MIGRATIONS_SCRIPT = fileURLToPath(import.meta.url);

/** Options for `applyLocalD1Migrations`. */
export interface LocalD1MigrationOptions {
  /** The directory given to `wrangler dev --persist-to`. */
  persistTo: string;
  /** The wrangler config whose `[[d1_databases]]` entry names the migrations. Default `wrangler.toml`. */
  config?: string;
  /** The D1 binding to migrate. Default `DB`. */
  binding?: string;
}

/** The fields of a `[[d1_databases]]` entry used here. */
interface D1Entry {
  binding: string;
  migrations_dir?: string;
  migrations_table?: string;
}

/** Applies the migrations not applied yet; resolves with their names, in order. */
export async function applyLocalD1Migrations(options: LocalD1MigrationOptions): Promise<string[]> {
  const { getPlatformProxy, unstable_readConfig, unstable_splitSqlQuery } = await import("wrangler");
  const configPath = resolve(options.config ?? "wrangler.toml");
  const binding = options.binding ?? "DB";
  const databases: D1Entry[] = unstable_readConfig({ config: configPath }).d1_databases;
  const database = databases.find((d) => d.binding === binding);
  if (!database) throw new Error(`${configPath} has no [[d1_databases]] entry with binding = "${binding}"`);
  const dir = resolve(dirname(configPath), database.migrations_dir ?? "migrations");
  const table = `"${(database.migrations_table ?? "d1_migrations").replace(/"/g, '""')}"`;

  const proxy = await getPlatformProxy<Record<string, D1Database>>({
    configPath, persist: { path: join(options.persistTo, "v3") }, remoteBindings: false, envFiles: [],
  });
  try {
    const db = proxy.env[binding];
    if (!db) throw new Error(`the local runtime has no D1 binding "${binding}"`);
    // wrangler's own DDL for the table, so `wrangler d1 migrations apply` agrees with what ran here.
    await db.prepare(`CREATE TABLE IF NOT EXISTS ${table}(
		id         INTEGER PRIMARY KEY AUTOINCREMENT,
		name       TEXT UNIQUE,
		applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
);`).run();
    const done = new Set((await db.prepare(`SELECT name FROM ${table}`).all<{ name: string }>()).results.map((r) => r.name));
    const applied: string[] = [];
    for (const name of migrationFiles(dir)) {
      if (done.has(name)) continue;
      const statements = unstable_splitSqlQuery(readFileSync(join(dir, name), "utf8"));
      // One batch: the migration and its record commit together, or neither does.
      await db.batch([...statements.map((sql) => db.prepare(sql)), db.prepare(`INSERT INTO ${table} (name) VALUES (?)`).bind(name)]);
      applied.push(name);
    }
    return applied;
  } finally {
    await proxy.dispose();
  }
}

/** The `.sql` files of a migrations directory, by their leading number as wrangler orders them. */
export function migrationFiles(dir: string): string[] {
  const number = (name: string): number => Number.parseInt(name, 10);
  return readdirSync(dir)
    .filter((name) => name.endsWith(".sql"))
    .sort((a, b) => (number(a) - number(b)) || (a < b ? -1 : a > b ? 1 : 0));
}

if (process.argv[1] === D1_MIGRATIONS_SCRIPT) {
  const { values } = parseArgs({ options: { "persist-to": { type: "string" }, config: { type: "string" }, binding: { type: "string" } } });
  const persistTo = values["persist-to"];
  if (!persistTo) {
    process.stderr.write("usage: node dev/shared/d1-migrations.ts --persist-to DIR [--config wrangler.toml] [--binding DB]\n");
    process.exit(2);
  }
  const applied = await applyLocalD1Migrations({
    persistTo, ...(values.config ? { config: values.config } : {}), ...(values.binding ? { binding: values.binding } : {}),
  });
  process.stdout.write(applied.length ? `applied ${applied.length} migration(s): ${applied.join(", ")}\n` : "no migrations to apply\n");
}
