/** Limits of the MCP server that the tools and the chat's side share. */

/** Longest `execution` may wait for an outcome: well inside a client's ~60 s call timeout. */
export const MAX_WAIT_MS = 20_000;
