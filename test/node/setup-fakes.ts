/**
 * Fakes for the setup / deploy / doctor tests: a wrangler that records every command and answers
 * like the real one, and a `fetch` that sends Bot API calls to the fake Telegram, Cloudflare API
 * calls to the emulator, and GET /health to a stand-in of the deployed Worker. Nothing here
 * touches the network.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudflareEmulator } from "../../dev/cloudflare-emulator/emulator.ts";
import { FakeBotApi } from "../../dev/fake-telegram/fake-bot-api.ts";
import type { CommandOptions, CommandResult, CommandRunner } from "../../scripts/setup/command-runner.ts";
import { createOutput, type Output } from "../../scripts/setup/output.ts";
import type { Prompter } from "../../scripts/setup/prompter.ts";

export const BOT_TOKEN = "7123456789:AAH-fake-bot-token_for-setup-tests";
export const TELEGRAM_ROOT = "https://telegram.test";
export const CLOUDFLARE_BASE = "https://cloudflare.test/client/v4";
export const WORKER_URL = "https://cloudflare-codemode-bot.demo.workers.dev";
export const MIGRATIONS = ["0001_create_processed_updates.sql", "0002_create_audit.sql", "0003_create_user_tokens.sql"];
const REQUIRED = ["TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"];

/** One recorded wrangler command. */
export interface RecordedCommand {
  args: string[];
  input?: string | undefined;
}

/** A fake wrangler with an account: databases, a Worker, its secrets, applied migrations. */
export class FakeWrangler {
  readonly commands: RecordedCommand[] = [];
  readonly databases: { uuid: string; name: string }[] = [];
  readonly secrets = new Map<string, string>();
  readonly applied = new Set<string>();
  loggedIn = true;
  workerExists = false;
  deployedConfig = "";
  /** Make one command fail: its first arguments and what it prints. */
  failOn: { prefix: string[]; stderr: string } | undefined;
  private readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  readonly run: CommandRunner = async (args, options: CommandOptions = {}) => {
    this.commands.push({ args: [...args], input: options.input });
    if (this.failOn && this.failOn.prefix.every((p, i) => args[i] === p)) return { code: 1, stdout: "", stderr: this.failOn.stderr };
    return this.answer(args, options);
  };

  /** The commands whose arguments start with `prefix`. */
  named(...prefix: string[]): RecordedCommand[] {
    return this.commands.filter((c) => prefix.every((p, i) => c.args[i] === p));
  }

  private answer(args: readonly string[], options: CommandOptions): CommandResult {
    const ok = (stdout: string): CommandResult => ({ code: 0, stdout, stderr: "" });
    const key = args.slice(0, 3).join(" ");
    if (args[0] === "whoami") {
      return this.loggedIn
        ? ok(JSON.stringify({ loggedIn: true, authType: "OAuth Token", email: "dana@demo-shop.dev", accounts: [{ id: "d3b07384d113edec49eaa6238ad5ff00", name: "Demo Shop" }], tokenPermissions: ["workers_scripts:write", "d1:write"] }))
        : { code: 1, stdout: JSON.stringify({ loggedIn: false }), stderr: "" };
    }
    if (key === "d1 list --json") return ok(JSON.stringify(this.databases.map((d) => ({ ...d, created_at: "2026-01-01T00:00:00Z", version: "production" }))));
    if (args[0] === "d1" && args[1] === "create") {
      const uuid = `4e1c28a9-90e8-41da-8b4b-${String(this.databases.length + 1).padStart(12, "0")}`;
      this.databases.push({ uuid, name: String(args[2]) });
      return ok(`✅ Successfully created DB '${args[2]}'\n\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "${args[2]}"\ndatabase_id = "${uuid}"\n`);
    }
    if (key === "d1 migrations apply") {
      this.requireConfig(args);
      for (const m of MIGRATIONS) this.applied.add(m);
      return ok("✅ Applied");
    }
    if (key === "d1 migrations list") {
      const pending = MIGRATIONS.filter((m) => !this.applied.has(m));
      return ok(pending.length === 0 ? "✅ No migrations to apply!" : `Migrations to be applied:\n┌─────┐\n${pending.map((m) => `│ ${m} │`).join("\n")}\n└─────┘`);
    }
    if (args[0] === "deploy") {
      this.deployedConfig = this.requireConfig(args);
      this.workerExists = true;
      return ok(`Uploaded cloudflare-codemode-bot (3.1 sec)\nDeployed cloudflare-codemode-bot triggers (1.2 sec)\n  ${WORKER_URL}\n  schedule: */15 * * * *\nCurrent Version ID: 1234`);
    }
    if (key === "secret list --format") {
      if (!this.workerExists) return { code: 1, stdout: "", stderr: "✘ [ERROR] This Worker does not exist on your account. [code: 10007]" };
      return ok(JSON.stringify([...this.secrets.keys()].map((name) => ({ name, type: "secret_text" }))));
    }
    if (args[0] === "secret" && args[1] === "put") {
      if (!this.workerExists) return { code: 1, stdout: "", stderr: "would prompt to create the Worker" };
      this.secrets.set(String(args[2]), options.input ?? "");
      return ok(`✨ Success! Uploaded secret ${args[2]}`);
    }
    return { code: 1, stdout: "", stderr: `fake wrangler: unknown command ${args.join(" ")}` };
  }

  /** The --config file a command used (must exist); returns its text. */
  private requireConfig(args: readonly string[]): string {
    const file = args[args.indexOf("--config") + 1];
    if (!file || !existsSync(join(this.root, file))) throw new Error(`fake wrangler: ${args.join(" ")} without an existing --config`);
    return readFileSync(join(this.root, file), "utf8");
  }
}

/** Everything a setup test needs, in a fresh temporary checkout (only wrangler.toml is copied). */
export function createWorld() {
  const root = mkdtempSync(join(tmpdir(), "setup-test-"));
  copyFileSync("wrangler.toml", join(root, "wrangler.toml"));
  const wrangler = new FakeWrangler(root);
  const telegram = new FakeBotApi({ token: BOT_TOKEN, botUser: { id: 7123456789, username: "dana_codemode_bot", first_name: "Dana's bot" } });
  const emulator = new CloudflareEmulator();
  const lines: string[] = [];
  const output: Output = createOutput((text) => lines.push(text));
  /** What the deployed Worker's /health answers (by default: from the fake's secrets). */
  let health: () => Response = () => {
    const missing = REQUIRED.filter((n) => !wrangler.secrets.has(n));
    return Response.json({ ok: missing.length === 0, version: "0.1.0", ...(missing.length ? { missing } : {}) }, { status: missing.length ? 503 : 200 });
  };
  const requests: string[] = [];
  const fetch = async (input: string, init?: RequestInit): Promise<Response> => {
    requests.push(input);
    if (input.startsWith(TELEGRAM_ROOT)) return telegram.handle(new Request(input, init));
    if (input.startsWith(CLOUDFLARE_BASE)) return emulator.handle(new Request(input.replace("https://cloudflare.test", "http://emulator"), init));
    if (input === `${WORKER_URL}/health`) return health();
    throw new TypeError(`fetch failed (no network in tests): ${new URL(input).origin}`);
  };
  return {
    root, wrangler, telegram, emulator, lines, output, fetch, requests,
    setHealth: (fn: () => Response) => { health = fn; },
    text: () => lines.join(""),
  };
}

/** A prompter that answers from a list and records each question. */
export function scriptedPrompter(answers: Record<string, string>): Prompter & { asked: { question: string; secret: boolean }[] } {
  const asked: { question: string; secret: boolean }[] = [];
  return {
    interactive: true,
    asked,
    ask: async (question, options = {}) => {
      asked.push({ question, secret: options.secret === true });
      const key = Object.keys(answers).find((k) => question.includes(k));
      return key !== undefined ? answers[key] ?? "" : options.defaultValue ?? "";
    },
  };
}
