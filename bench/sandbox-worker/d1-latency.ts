/**
 * D1 as a deployed Worker meets it, for the sandbox bench: every statement first waits `ms`, the
 * round trip to the database's primary. Under `wrangler dev` D1 is a local SQLite in the same
 * process, so work done alongside a D1 write saves nothing there; with a round trip it does.
 * Statements sent one after another each pay it, statements sent together overlap.
 */
export function withLatency(db: D1Database, ms: number): D1Database {
  if (ms <= 0) return db;
  const wait = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
  const originals = new WeakMap<object, D1PreparedStatement>();
  const statement = (inner: D1PreparedStatement): D1PreparedStatement => {
    const outer = new Proxy(inner, {
      get(target, key) {
        if (key === "bind") return (...values: unknown[]) => statement(target.bind(...values));
        if (key === "run" || key === "first" || key === "all" || key === "raw") {
          return async (...args: unknown[]) => {
            await wait();
            return (target[key] as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        const value: unknown = Reflect.get(target, key);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    originals.set(outer, inner);
    return outer;
  };
  return new Proxy(db, {
    get(target, key) {
      if (key === "prepare") return (query: string) => statement(target.prepare(query));
      if (key === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          await wait();
          return target.batch(statements.map((s) => originals.get(s) ?? s));
        };
      }
      const value: unknown = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
