/**
 * Text normalisation shared by the index and the query side of catalog search. Both sides go
 * through the same `words` and `stem`, so `customHostnames`, `custom_hostnames` and
 * "custom hostnames" all become `custom hostname`.
 */

/** Splits identifiers and prose into lowercase words: camelCase, snake_case, dots, dashes, slashes. */
export function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * A deliberately small English stemmer: plural to singular only. Aggressive stemmers merge
 * words that mean different API resources (e.g. `rules` / `ruleset`), which hurts ranking.
 */
export function stem(word: string): string {
  if (word.length <= 3) return word;
  if (word.endsWith("ies") && word.length > 4) return `${word.slice(0, -3)}y`;
  if (/(ss|x|ch|sh)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith("s") && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

/** Whether `word` looks like a plural noun (its stem differs and it is not a verb form we know). */
export function isPlural(word: string): boolean {
  return word.length > 3 && stem(word) !== word && !/(ss|us|is)$/.test(word);
}

/** `words` then `stem`, for index fields. */
export function terms(text: string): string[] {
  return words(text).map(stem);
}
