/**
 * Introspected GraphQL types, cached in the chat's Durable Object (its SQLite) per account, for a
 * day. One row per type, as the API's introspection described it: a type is fetched once, when a
 * snippet first needs it, so the cache holds only what was asked about (Cloudflare's full schema
 * is large; a filter type alone can have hundreds of fields). The schema is the same for every
 * token, so nothing secret is stored; keying by account keeps accounts on other schema versions apart.
 */

/** A type reference as introspection gives it (`[X!]!` is LIST/NON_NULL wrappers around X). */
export interface TypeRef {
  kind: string;
  name?: string | null;
  ofType?: TypeRef | null;
}

/** An argument or input field. */
export interface InputValue {
  name: string;
  description?: string | null;
  type: TypeRef;
}

/** A field of an object type. */
export interface Field {
  name: string;
  description?: string | null;
  args?: InputValue[] | null;
  type: TypeRef;
}

/** One introspected type (the parts the guide reads). */
export interface IntrospectedType {
  kind: string;
  name: string;
  description?: string | null;
  fields?: Field[] | null;
  inputFields?: InputValue[] | null;
  enumValues?: Array<{ name: string }> | null;
}

/** How long a cached type is trusted: Cloudflare adds datasets now and then, rarely changes one. */
export const SCHEMA_TTL_MS = 24 * 60 * 60 * 1000;

/** The cache of introspected types in one Durable Object's SQLite. */
export class GraphqlSchemaCache {
  private readonly sql: SqlStorage;
  private readonly now: () => number;

  constructor(sql: SqlStorage, now: () => number = Date.now) {
    this.sql = sql;
    this.now = now;
    sql.exec(`CREATE TABLE IF NOT EXISTS graphql_types (scope TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL,
      fetched_at INTEGER NOT NULL, PRIMARY KEY (scope, name))`);
  }

  /** The fresh cached types of `scope` among `names` (a type the API said does not exist is cached as null). */
  get(scope: string, names: readonly string[]): Map<string, IntrospectedType | null> {
    const found = new Map<string, IntrospectedType | null>();
    const since = this.now() - SCHEMA_TTL_MS;
    for (const name of names) {
      const row = this.sql.exec<{ body: string }>("SELECT body FROM graphql_types WHERE scope = ? AND name = ? AND fetched_at > ?", scope, name, since).toArray()[0];
      if (row) found.set(name, JSON.parse(row.body) as IntrospectedType | null);
    }
    return found;
  }

  /** Stores freshly fetched types and drops what has gone stale. */
  put(scope: string, types: ReadonlyMap<string, IntrospectedType | null>): void {
    const now = this.now();
    this.sql.exec("DELETE FROM graphql_types WHERE fetched_at <= ?", now - SCHEMA_TTL_MS);
    for (const [name, type] of types) {
      this.sql.exec("INSERT OR REPLACE INTO graphql_types (scope, name, body, fetched_at) VALUES (?, ?, ?, ?)", scope, name, JSON.stringify(type), now);
    }
  }

  /** How many types are cached for `scope` (for tests and diagnostics). */
  size(scope: string): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM graphql_types WHERE scope = ?", scope).one().n;
  }
}
