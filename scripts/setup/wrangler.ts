/**
 * The wrangler commands setup, deploy and doctor use, each parsed into a typed answer.
 * Every call goes through the injected `CommandRunner`; output is parsed here, never printed raw.
 */
import { z } from "zod";
import type { CommandRunner, CommandResult } from "./command-runner.ts";
import { SetupError } from "./errors.ts";
import { tail } from "./output.ts";

/** Who wrangler is logged in as. */
export interface WhoAmI {
  authType: string;
  email: string | undefined;
  accounts: { id: string; name: string }[];
  /** OAuth scopes ("workers_scripts:write", …); absent for API tokens. */
  tokenPermissions: string[] | undefined;
}

/** A D1 database as `wrangler d1 list --json` lists it. */
export interface D1Database {
  uuid: string;
  name: string;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** Typed wrangler operations over a runner. */
export class Wrangler {
  private readonly run: CommandRunner;

  constructor(run: CommandRunner) {
    this.run = run;
  }

  /** The logged-in user (OAuth login or CLOUDFLARE_API_TOKEN), or undefined when not logged in. */
  async whoami(): Promise<WhoAmI | undefined> {
    const result = await this.run(["whoami", "--json"]);
    if (result.code !== 0) return undefined;
    const parsed = z.object({
      loggedIn: z.boolean(),
      authType: z.string().default("unknown"),
      email: z.string().optional(),
      accounts: z.array(z.object({ id: z.string(), name: z.string() })).default([]),
      tokenPermissions: z.array(z.string()).optional(),
    }).safeParse(jsonIn(result.stdout));
    if (!parsed.success || !parsed.data.loggedIn) return undefined;
    return { authType: parsed.data.authType, email: parsed.data.email, accounts: parsed.data.accounts, tokenPermissions: parsed.data.tokenPermissions };
  }

  /** The account's D1 databases. */
  async listD1(): Promise<D1Database[]> {
    const result = await this.must("d1", ["d1", "list", "--json"]);
    const parsed = z.array(z.object({ uuid: z.string(), name: z.string() })).safeParse(jsonIn(result.stdout));
    if (!parsed.success) throw new SetupError("d1", "could not read `wrangler d1 list --json`; run it by hand to see why");
    return parsed.data;
  }

  /** Creates a D1 database and returns its id. */
  async createD1(name: string): Promise<string> {
    const result = await this.must("d1", ["d1", "create", name]);
    const id = UUID.exec(result.stdout)?.[0];
    if (id) return id;
    const found = (await this.listD1()).find((db) => db.name === name);
    if (!found) throw new SetupError("d1", `created D1 database "${name}" but could not find its id; run \`npx wrangler d1 list\``);
    return found.uuid;
  }

  /** Applies unapplied migrations to the remote database (wrangler confirms itself under CI=true). */
  async applyMigrations(config: string): Promise<void> {
    await this.must("migrations", ["d1", "migrations", "apply", "DB", "--remote", "--config", config]);
  }

  /** Migrations not yet applied remotely (names), from `wrangler d1 migrations list`. */
  async unappliedMigrations(config: string): Promise<string[]> {
    const result = await this.must("migrations", ["d1", "migrations", "list", "DB", "--remote", "--config", config]);
    if (/No migrations to apply/i.test(result.stdout)) return [];
    return [...new Set(result.stdout.match(/\b\d{4}_[\w-]+\.sql\b/g) ?? [])];
  }

  /** Deploys with `config`; returns the workers.dev URL wrangler printed, if any. */
  async deploy(config: string): Promise<string | undefined> {
    const result = await this.must("deploy", ["deploy", "--config", config]);
    return /https:\/\/[^\s"']+\.workers\.dev/.exec(result.stdout)?.[0];
  }

  /** Names of the Worker's secrets; empty when the Worker does not exist yet. */
  async listSecrets(config: string): Promise<string[]> {
    const result = await this.run(["secret", "list", "--format", "json", "--config", config]);
    if (result.code !== 0) {
      if (/does not exist|10007|not found/i.test(result.stdout + result.stderr)) return [];
      throw failure("secrets", ["secret", "list"], result);
    }
    const parsed = z.array(z.object({ name: z.string() })).safeParse(jsonIn(result.stdout));
    if (!parsed.success) throw new SetupError("secrets", "could not read `wrangler secret list`; run it by hand to see why");
    return parsed.data.map((s) => s.name);
  }

  /** Puts one secret; the value goes on stdin only. */
  async putSecret(config: string, name: string, value: string): Promise<void> {
    const result = await this.run(["secret", "put", name, "--config", config], { input: value });
    if (result.code !== 0) throw failure("secrets", ["secret", "put", name], result);
  }

  private async must(step: string, args: string[]): Promise<CommandResult> {
    const result = await this.run(args);
    if (result.code !== 0) throw failure(step, args, result);
    return result;
  }
}

function failure(step: string, args: readonly string[], result: CommandResult): SetupError {
  const hint = /not authenticated|login|10000|Authentication error/i.test(result.stdout + result.stderr)
    ? "\nLog in with `npx wrangler login`, or set CLOUDFLARE_API_TOKEN to a token that may edit Workers and D1 (see docs/deploy.md)."
    : /more than one account|CLOUDFLARE_ACCOUNT_ID/i.test(result.stdout + result.stderr)
      ? "\nYour login reaches several accounts: set CLOUDFLARE_ACCOUNT_ID to the one to deploy to."
      : /workers\.dev subdomain/i.test(result.stdout + result.stderr)
        ? "\nThis account has no workers.dev subdomain yet: open the dashboard's Workers & Pages page once to choose one, then run again."
        : /worker_loaders|worker loader/i.test(result.stdout + result.stderr)
          ? "\nThe account cannot use the Worker Loader binding (the sandbox) yet; see docs/deploy.md (Free vs Paid plan)."
          : "";
  return new SetupError(step, `\`wrangler ${args.join(" ")}\` failed (exit ${result.code}):\n${tail(result.stderr || result.stdout)}${hint}`);
}

/** The JSON value in a command's stdout (wrangler may print a banner line before it). */
function jsonIn(stdout: string): unknown {
  const start = stdout.search(/[[{]/);
  if (start < 0) return undefined;
  try {
    return JSON.parse(stdout.slice(start));
  } catch {
    return undefined;
  }
}
