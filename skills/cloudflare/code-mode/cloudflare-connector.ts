/**
 * The `cloudflare` connector: what a snippet sees of the whole Cloudflare API.
 *
 * Four methods, so `describe()` stays tiny however large the API is:
 * - `cloudflare.search({ query })`: ranked operations from the catalog;
 * - `cloudflare.describe({ op })`: one operation's parameters as compact TypeScript;
 * - `cloudflare.read({ op, params, query, limit })`: runs a read at once. A list comes back as an
 *   array of every item, page after page (../api/paginate.ts), up to `limit` (default
 *   `LIST_LIMIT`) items or `MAX_PAGES` requests; when it stops with more left, the run's output
 *   says so (a note in its console);
 * - `cloudflare.write({ op, params, query, body })`: pauses for an approval tap (`requiresApproval`);
 *   after the tap the write gate (./write-gate.ts) sends the request stored on the card, once.
 * - `cloudflare.reveal({ op, params, query })`: a read whose answer holds credentials; it asks
 *   first like a write, and the answer goes to the requester privately, never to the snippet.
 * - `cloudflare.graphql({ query, variables })`: the GraphQL Analytics API, queries only (checked
 *   host-side, see ../analytics/query-document.ts); `cloudflare.graphqlSchema(…)` finds datasets.
 * Whether a call pauses is static per method (codemode decides before our code sees the call), so
 * reads and writes are separate methods, and each refuses the other's operations host-side. The
 * API token is used here, on the host; the sandbox never sees it. No call is sent before its run is
 * in the audit log, and each read gets its own row once it returned (approvals/pass-audit.ts); a
 * write's row is written when its card is shown. Undo is not codemode's rollback (which
 * would read the snippet-writable log): it is done by the run's owner from the gate's record.
 */
import { CodemodeConnector, type ConnectorTools } from "@cloudflare/codemode";
import type { JSONSchema7 } from "json-schema";
import { z } from "zod";
import { accessOf, isCredentialRead } from "../../../approvals/access.ts";
import { ANALYTICS_HIT, GRAPHQL_PATH, GRAPHQL_USAGE, GraphqlSchemaGuide, isAnalyticsQuestion, readOnlyDocument, sendGraphql, type GraphqlSchemaCache } from "../analytics/index.ts";
import { CloudflareApiError, collectList, type CloudflareClient, type CloudflareResponse } from "../api/index.ts";
import { permissionsFor } from "../catalog/permissions.ts";
import { callArgsSchema, CallArgumentError, multipartBody, resolveCall, type ResolvedCall } from "./resolve-call.ts";
import type { RunStep } from "./run-listener.ts";
import { sendApprovedWrite, type WriteGateDeps } from "./write-gate.ts";

/** What the connector needs from its host for one pass. */
export interface CloudflareConnectorDeps extends WriteGateDeps {
  chatId: number;
  requesterId: number;
  /** Adds a line to the run's output (a list cut short), kept with the execution so a replayed pass still shows it. */
  note?: (executionId: string, text: string) => void;
  /** Introspected GraphQL Analytics types, per account (the chat's own storage). */
  graphqlSchemas: GraphqlSchemaCache;
  /** Told each step as the snippet takes it (the status line of a model turn); never fails the call. */
  progress?: (step: RunStep) => Promise<void>;
}

/** How many items a list read returns unless the snippet passes `limit`. */
export const LIST_LIMIT = 1000;
/** The largest `limit` a snippet may pass. */
export const MAX_LIST_LIMIT = 10_000;
/** At most this many requests for one list read (each page is one subrequest of the Worker). */
export const MAX_PAGES = 50;

const INSTRUCTIONS = "The whole Cloudflare REST API. Find operations with cloudflare.search, read their parameters with cloudflare.describe, then cloudflare.read (GET and other reads, runs at once) or cloudflare.write (anything that changes the account, waits for the user's approval); cloudflare.reveal for reads that return credentials. Pass one object: { op, params, query, body }; op is an operation id or \"METHOD /path\". account_id is filled in when the token reaches one account. Results are the API's result; a list is an array of every item (up to 1,000; read({ …, limit: N }) for more or fewer). Analytics (traffic, Worker errors…): cloudflare.graphqlSchema({ search }), then cloudflare.graphql({ query, variables }).";

/** The Cloudflare API as a codemode connector. */
export class CloudflareConnector extends CodemodeConnector<Env> {
  private readonly deps: CloudflareConnectorDeps;

  constructor(ctx: DurableObjectState, env: Env, deps: CloudflareConnectorDeps) {
    super(ctx, env);
    this.deps = deps;
  }

  name(): string {
    return "cloudflare";
  }

  protected override instructions(): string {
    return INSTRUCTIONS;
  }

  protected tools(): ConnectorTools {
    const { catalog } = this.deps;
    return {
      search: {
        description: "Search the Cloudflare API: search({ query, limit? }) → [{ id, method, path, summary }], best first.",
        inputSchema: SEARCH_JSON,
        execute: async (args) => {
          const { query, limit } = parseArgs(searchArgs, args, "cloudflare.search needs { query: \"words\", limit?: 1-20 }");
          await this.step({ kind: "search" });
          const hits = await catalog.search(query, limit ?? 5);
          return isAnalyticsQuestion(query) ? [ANALYTICS_HIT, ...hits].slice(0, limit ?? 5) : hits;
        },
      },
      describe: {
        description: "Describe one operation: describe({ op }) → its parameters and body as TypeScript.",
        inputSchema: DESCRIBE_JSON,
        execute: async (args) => {
          const { op } = parseArgs(describeArgs, args, "cloudflare.describe needs { op: \"operation.id\" }");
          await this.step({ kind: "describe", op });
          if (op === ANALYTICS_HIT.id || op === `POST ${GRAPHQL_PATH}`) return GRAPHQL_USAGE;
          const text = await catalog.describe(op);
          if (!text) throw new CallArgumentError(`unknown operation "${op}"; use cloudflare.search("…")`);
          return text;
        },
      },
      read: {
        description: "Run a read-only operation now: read({ op, params?, query?, limit? }) → its result; a list is an array of all its items (limit: at most N, default 1,000).",
        inputSchema: READ_JSON,
        // Awaited here: a promise that is already rejected when handed on is reported by workerd as unhandled.
        execute: async (args, ctx) => await this.read(args, ctx?.executionId ?? "unknown"),
      },
      write: {
        description: "Run an operation that changes the account, after the user approves: write({ op, params?, query?, body? }).",
        inputSchema: callSchema,
        requiresApproval: true,
        execute: async (args, ctx) => sendApprovedWrite(this.deps, ctx?.executionId ?? "unknown", args),
      },
      reveal: {
        description: "Run a read whose answer holds credentials (a tunnel token…), after the user approves: reveal({ op, params?, query? }). The user gets it privately; the snippet gets a placeholder.",
        inputSchema: callSchema,
        requiresApproval: true,
        execute: async (args, ctx) => sendApprovedWrite(this.deps, ctx?.executionId ?? "unknown", args),
      },
      graphql: {
        description: "Run a GraphQL Analytics query now: graphql({ query, variables? }) → its data. Queries only; anything else is refused.",
        inputSchema: GRAPHQL_JSON,
        execute: async (args, ctx) => await this.graphql(args, ctx?.executionId ?? "unknown"),
      },
      graphqlSchema: {
        description: "The GraphQL Analytics schema: graphqlSchema({ search }) → [{ dataset, scope, description }]; graphqlSchema({ dataset }) → its arguments, filter, fields and an example query; graphqlSchema({ type }) → one type.",
        inputSchema: SCHEMA_JSON,
        execute: async (args, ctx) => await this.graphqlSchema(args, ctx?.executionId ?? "unknown"),
      },
    };
  }

  /** Reports a step to the host; a status line that cannot be updated never stops the snippet. */
  private async step(step: RunStep): Promise<void> {
    await this.deps.progress?.(step).catch(() => undefined);
  }

  /** Runs one GraphQL query (refused host-side unless every operation is a query), audited like a read. */
  private async graphql(args: unknown, executionId: string): Promise<unknown> {
    const { query, variables = {}, operationName } = parseArgs(graphqlArgs, args, "cloudflare.graphql needs { query: \"{ viewer { … } }\", variables?: { … } }");
    await this.step({ kind: "analytics" });
    const document = readOnlyDocument(query, operationName);
    const filled = { ...variables };
    if (document.variables.includes("accountTag") && filled.accountTag === undefined) {
      const account = (await this.deps.defaults().catch((): Record<string, string> => ({}))).account_id;
      if (account) filled.accountTag = account;
    }
    return this.audited(executionId, { operation: "graphql", method: "POST", path: GRAPHQL_PATH }, async (client) => {
      const { data, status } = await sendGraphql(client, { query: document.query, variables: filled, ...(operationName ? { operationName } : {}) });
      return { status, value: data };
    });
  }

  /** Searches or describes the Analytics schema, introspected with the requester's token and cached per account. */
  private async graphqlSchema(args: unknown, executionId: string): Promise<unknown> {
    const wanted = parseArgs(schemaArgs, args, "cloudflare.graphqlSchema needs one of { search: \"words\" }, { dataset: \"name\", scope?: \"zone\" | \"account\" } or { type: \"TypeName\" }");
    await this.step({ kind: "analytics" });
    const defaults = await this.deps.defaults().catch((): Record<string, string> => ({}));
    const scope = defaults.account_id ?? (await this.deps.credential()).ref.id;
    const guide = new GraphqlSchemaGuide(this.deps.graphqlSchemas, scope, (query, variables) => this.audited(executionId, { operation: "graphql.schema", method: "POST", path: GRAPHQL_PATH }, async (client) => {
      const { data, status } = await sendGraphql(client, { query, variables, operation: "graphql.schema" });
      return { status, value: data };
    }));
    if (wanted.search !== undefined) return guide.search(wanted.search, wanted.limit ?? 8);
    if (wanted.dataset !== undefined) return guide.describeDataset(wanted.dataset, wanted.scope);
    return guide.describeType(wanted.type!);
  }

  /** Sends one read with the requester's token, in the audit log like every read (approvals/pass-audit.ts). */
  private async audited<T>(executionId: string, call: { operation: string; method: string; path: string }, send: (client: CloudflareClient) => Promise<{ status: number; value: T }>): Promise<T> {
    const row = { executionId, chatId: this.deps.chatId, ...call, access: "read" as const, requesterId: this.deps.requesterId };
    const { client } = await this.deps.credential();
    return await this.deps.audit.read(this.deps.db, row, async () => {
      const { status, value } = await send(client);
      return { value, httpStatus: status };
    }, (error) => (error instanceof CloudflareApiError ? error.status : undefined));
  }

  /** Sends one read at once (every page of a list), with the audit rows around it. */
  private async read(args: unknown, executionId: string): Promise<unknown> {
    const { limit, call: callArgs } = splitReadArgs(args);
    const call = await resolveCall(this.deps.catalog, callArgs, await this.deps.defaults().catch(() => ({})));
    const { operation } = call;
    if (accessOf(operation, { query: call.query, body: call.body }) !== "read") {
      const why = operation.access === "read" ? " with these parameters" : "";
      throw new CallArgumentError(`${operation.id} (${operation.method} ${operation.path}) changes the account${why}; use cloudflare.write, which asks the user first`);
    }
    if (isCredentialRead(operation)) {
      throw new CallArgumentError(`${operation.id} (${operation.method} ${operation.path}) returns credentials; use cloudflare.reveal, which asks the user first and shows them the result privately`);
    }
    await this.step({ kind: "read", op: operation.id });
    const collected = await this.audited(executionId, { operation: operation.id, method: operation.method, path: call.path }, async (client) => {
      const got = await collectList(client, toRequest(call), { paging: operation.pagination, limit: limit ?? LIST_LIMIT, maxPages: MAX_PAGES });
      return { status: got.kind === "list" ? got.status : got.response.status, value: got };
    });
    if (collected.kind === "other") return bareResult(collected.response);
    if (collected.stopped) this.deps.note?.(executionId, stoppedNote(operation.id, collected.items.length, collected.pages, collected.stopped, limit));
    return collected.items;
  }
}

/** What a snippet gets for an answer: the envelope's `result` for JSON, the text or bytes otherwise. */
function bareResult(response: CloudflareResponse): unknown {
  return response.kind === "json" ? response.result : response;
}

/** Says plainly that a list was cut short, and how to get the rest. */
function stoppedNote(op: string, count: number, pages: number, why: "limit" | "pages", limit: number | undefined): string {
  const where = why === "limit" ? `the first ${count} items (limit ${limit ?? LIST_LIMIT})` : `${count} items after ${pages} pages (at most ${MAX_PAGES} requests per read)`;
  const how = why === "limit" && (limit ?? LIST_LIMIT) < MAX_LIST_LIMIT ? `pass limit: N (up to ${MAX_LIST_LIMIT}) for more, or narrow it with query` : "narrow it with query (filters, per_page) to see the rest";
  return `Note: ${op} has more items than returned: stopped at ${where}; ${how}.`;
}

const searchArgs = z.object({ query: z.string().trim().min(1), limit: z.number().int().min(1).max(20).optional() });
const describeArgs = z.object({ op: z.string().min(1) });
const graphqlArgs = z.strictObject({
  query: z.string().min(1).max(20_000),
  variables: z.record(z.string(), z.unknown()).optional(),
  operationName: z.string().min(1).optional(),
});
/** A GraphQL name (`httpRequests1dGroups`, `ZoneHttpRequests1dGroupsFilter_InputObject`): nothing else is looked up. */
const graphqlName = z.string().trim().regex(/^[_A-Za-z][_0-9A-Za-z]{0,127}$/);
const schemaArgs = z.strictObject({
  search: z.string().trim().min(1).max(200).optional(),
  limit: z.number().int().min(1).max(20).optional(),
  dataset: graphqlName.optional(),
  scope: z.enum(["zone", "account"]).optional(),
  type: graphqlName.optional(),
}).refine((a) => [a.search, a.dataset, a.type].filter((v) => v !== undefined).length === 1);

/** What the sandbox's `describe()` shows for each method: derived from the same zod schemas that check the calls. */
const SEARCH_JSON = jsonSchemaOf(searchArgs);
const DESCRIBE_JSON = jsonSchemaOf(describeArgs);
const callSchema = jsonSchemaOf(callArgsSchema);
const readArgsSchema = callArgsSchema.extend({ limit: z.number().int().min(1).max(MAX_LIST_LIMIT).optional() });
const READ_JSON = jsonSchemaOf(readArgsSchema);

/** `read` takes `limit` besides the call's own keys; those are checked by `resolveCall`. */
function splitReadArgs(args: unknown): { limit?: number; call: unknown } {
  if (args === null || typeof args !== "object" || Array.isArray(args) || !("limit" in args)) return { call: args };
  const { limit, ...call } = args as Record<string, unknown>;
  const parsed = z.number().int().min(1).max(MAX_LIST_LIMIT).safeParse(limit);
  if (!parsed.success) throw new CallArgumentError(`cloudflare.read: limit must be a whole number from 1 to ${MAX_LIST_LIMIT} (the most items of a list to return)`);
  return { limit: parsed.data, call };
}
const GRAPHQL_JSON = jsonSchemaOf(graphqlArgs);
const SCHEMA_JSON = jsonSchemaOf(schemaArgs);

function jsonSchemaOf(schema: z.ZodType): JSONSchema7 {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JSONSchema7 & { $schema?: string };
  return json;
}

function parseArgs<T>(schema: z.ZodType<T>, args: unknown, usage: string): T {
  const parsed = schema.safeParse(args);
  if (!parsed.success) throw new CallArgumentError(usage);
  return parsed.data;
}

function toRequest(call: ResolvedCall) {
  const { operation } = call;
  const body = call.body === undefined ? undefined : operation.bodyEncoding === "multipart" ? multipartBody(call.body) : call.body;
  const permissions = permissionsFor(operation, "read");
  return {
    method: operation.method,
    path: call.path,
    operation: operation.id,
    ...(permissions.length > 0 ? { permissions } : {}),
    ...(Object.keys(call.query).length > 0 ? { query: call.query } : {}),
    ...(body !== undefined ? { body } : {}),
  };
}
