/** Small helpers for the Durable Objects' SQLite tables. */

/**
 * Adds the columns a table lacks, so objects created by an earlier version keep their rows and
 * gain what this version stores. `columns` maps a name to its SQL type and default.
 */
export function addMissingColumns(sql: SqlStorage, table: string, columns: Record<string, string>): void {
  const have = new Set(sql.exec<{ name: string }>(`PRAGMA table_info(${table})`).toArray().map((c) => c.name));
  for (const [name, type] of Object.entries(columns)) {
    if (!have.has(name)) sql.exec(`ALTER TABLE ${table} ADD COLUMN ${name} ${type}`);
  }
}
