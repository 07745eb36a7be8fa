/**
 * Errors every layer may throw. Each sets `name`, carries its context in readonly fields, and has a
 * message a person can act on; none of them ever holds a secret value.
 */

/** Configuration is missing or invalid. `variables` names every offending variable. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly variables: readonly string[];
  readonly problems: readonly string[];
  constructor(variables: readonly string[], problems: readonly string[]) {
    super(`The bot is not configured: ${problems.join("; ")}. Set ${variables.length === 1 ? "it" : "them"} in .dev.vars locally or with \`wrangler secret put\` when deployed.`);
    this.variables = variables;
    this.problems = problems;
  }
}

/**
 * Something the person in the chat should be told, as is, instead of a retry.
 * Handlers throw it for problems that retrying cannot fix (bad input, missing configuration).
 */
export class UserFacingError extends Error {
  override readonly name = "UserFacingError";
}

/** Renders any thrown value as one short line for logs and status fields (never a stack). */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 500);
  return String(error).slice(0, 500);
}
