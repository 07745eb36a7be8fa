/** Command-line helpers shared by the benchmarks. */

/** A whole-number option within [min, max]; calls `usage` (which exits) when it is not one. */
export function intOption(values: Record<string, string | boolean | undefined>, name: string, fallback: number, min: number, max: number, usage: (problem: string) => never): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (typeof raw !== "string" || !Number.isInteger(value) || value < min || value > max) {
    usage(`--${name} must be a whole number from ${min} to ${max} (got ${String(raw)})`);
  }
  return value;
}
