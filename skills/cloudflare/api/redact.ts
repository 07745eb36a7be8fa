/** Removes a secret from text before it can reach an error, a log line or a returned value. */

/** What a secret is replaced with. */
export const REDACTED = "[REDACTED]";

/** `text` with every occurrence of `secret` (and of its URL-encoded form) replaced. */
export function redact(text: string, secret: string): string {
  if (secret.length < 4) return text;
  const encoded = encodeURIComponent(secret);
  let out = text.split(secret).join(REDACTED);
  if (encoded !== secret) out = out.split(encoded).join(REDACTED);
  return out;
}
