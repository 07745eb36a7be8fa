/**
 * Output for setup, deploy and doctor: plain lines to a writer, with every known secret value
 * replaced by `[redacted]` before it is written. Secrets are never meant to reach output at all;
 * this is the second line of defence (e.g. a wrangler error that quotes its input).
 */

/** Where lines go; `secret(value)` registers a value that must never be printed. */
export interface Output {
  line(text?: string): void;
  secret(value: string | undefined): void;
  /** `text` with every registered secret replaced. */
  redact(text: string): string;
}

/** An Output over `write` (the CLIs pass `process.stdout.write`; tests collect the lines). */
export function createOutput(write: (text: string) => void): Output {
  const secrets = new Set<string>();
  const redact = (text: string): string => {
    let out = text;
    // Longest first, so a secret that contains another is replaced whole.
    for (const value of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(value).join("[redacted]");
    return out;
  };
  return {
    line: (text = "") => write(`${redact(text)}\n`),
    secret: (value) => {
      // Very short values would redact ordinary words; real secrets here are long.
      if (value && value.length >= 6) secrets.add(value);
    },
    redact,
  };
}

/** The last lines of a failed command's output, for an error message (redacted by the caller). */
export function tail(text: string, lines = 12): string {
  return text.trim().split("\n").slice(-lines).join("\n");
}
