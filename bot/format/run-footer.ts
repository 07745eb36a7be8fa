/** The one short footer under every answer that ran code, and the small words it is made of. */

/** `⚡ Code Mode · 2 API calls · 0.4 s`; a model answer adds the model, tokens and cost before the calls. */
export function runFooter(stats: { apiCalls: number; ms: number; model?: string }): string {
  return ["⚡ Code Mode", ...(stats.model ? [stats.model] : []), plural(stats.apiCalls, "API call"), duration(stats.ms)].join(" · ");
}

/** `1 API call`, `2 API calls`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** `85 ms`, `1.2 s`, `3 min 5 s`. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ""}`;
}
