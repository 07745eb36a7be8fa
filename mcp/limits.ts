/** Limits of the MCP server that the tools and the chat's side share. */

/** Longest `execution` may wait for an outcome: well inside a client's ~60 s call timeout. */
export const MAX_WAIT_MS = 20_000;

/** The last this many console lines of a run are kept for `execution` (each cut to MAX_LOG_LINE characters). */
export const MAX_KEPT_LOGS = 50;
export const MAX_LOG_LINE = 2_000;
