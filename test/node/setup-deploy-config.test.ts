import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { experimental_readRawConfig } from "wrangler";
import { renderDeployConfig } from "../../scripts/setup/deploy-config.ts";
import { runRedeploy } from "../../scripts/setup/redeploy.ts";
import { runSetup } from "../../scripts/setup/run-setup.ts";
import { noPrompter } from "../../scripts/setup/prompter.ts";
import { BOT_TOKEN, MIGRATIONS, TELEGRAM_ROOT, WORKER_URL, createWorld } from "./setup-fakes.ts";

const ID = "4e1c28a9-90e8-41da-8b4b-000000000001";

/** Parses a rendered config with wrangler's own reader. */
function parse(text: string) {
  const dir = mkdtempSync(join(tmpdir(), "deploy-config-"));
  writeFileSync(join(dir, "wrangler.toml"), text);
  return experimental_readRawConfig({ config: join(dir, "wrangler.toml") }).rawConfig;
}

describe("wrangler.deploy.toml", () => {
  it("is wrangler.toml with the real database id and the settings as [vars], and nothing else changed", () => {
    const base = readFileSync("wrangler.toml", "utf8");
    const raw = parse(renderDeployConfig(base, { databaseId: ID, vars: { APPROVAL_TTL_MINUTES: "30", ALLOWED_USER_IDS: "1001,1002", TELEGRAM_BOT_USERNAME: "dana_bot" } }));
    const original = parse(base);
    expect(raw.d1_databases).toEqual([{ ...original.d1_databases?.[0], database_id: ID }]);
    expect(raw.vars).toEqual({ APPROVAL_TTL_MINUTES: "30", ALLOWED_USER_IDS: "1001,1002", TELEGRAM_BOT_USERNAME: "dana_bot" });
    expect({ ...raw, d1_databases: undefined, vars: undefined }).toEqual({ ...original, d1_databases: undefined, vars: undefined });
    expect(raw.triggers).toEqual({ crons: ["*/15 * * * *"] });
  });

  it("adds a [vars] table when wrangler.toml has none, and escapes values", () => {
    const base = 'name = "x"\nmain = "w.ts"\n\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "db"\ndatabase_id = "0"\n';
    const raw = parse(renderDeployConfig(base, { databaseId: ID, vars: { LLM_MODEL: 'say "hi"\\' } }));
    expect(raw.vars).toEqual({ LLM_MODEL: 'say "hi"\\' });
    expect(raw.d1_databases?.[0]?.database_id).toBe(ID);
  });

  it("adds the Workers AI binding only when asked (it is remote-only, so never in wrangler.toml)", () => {
    const base = readFileSync("wrangler.toml", "utf8");
    expect(parse(renderDeployConfig(base, { databaseId: ID, vars: {}, workersAi: true })).ai).toEqual({ binding: "AI" });
    expect(parse(renderDeployConfig(base, { databaseId: ID, vars: {} })).ai).toBeUndefined();
  });

  it("fails clearly when there is no DB binding to fill in", () => {
    expect(() => renderDeployConfig('name = "x"\n', { databaseId: ID, vars: {} })).toThrow(/no \[\[d1_databases\]\] block with binding = "DB"/);
  });
});

describe("npm run deploy", () => {
  it("regenerates the deploy config, applies migrations first, then deploys, without asking anything or putting secrets", async () => {
    const world = createWorld();
    await runSetup({ telegramApiRoot: TELEGRAM_ROOT, values: { TELEGRAM_BOT_TOKEN: BOT_TOKEN, ALLOWED_USER_IDS: "1001" } },
      { root: world.root, run: world.wrangler.run, fetch: world.fetch, prompter: noPrompter, output: world.output, nodeVersion: "22.23.3", env: {} });
    world.wrangler.applied.clear();
    const from = world.wrangler.commands.length;
    const url = await runRedeploy({ root: world.root, run: world.wrangler.run, fetch: world.fetch, output: world.output, nodeVersion: "22.23.3", env: {}, sleep: async () => {} });
    expect(url).toBe(WORKER_URL);
    const args = world.wrangler.commands.slice(from).map((c) => c.args.slice(0, 3).join(" "));
    expect(args).toEqual(["whoami --json", "secret list --format", "d1 migrations apply", "deploy --config wrangler.deploy.toml"]);
    expect([...world.wrangler.applied]).toEqual(MIGRATIONS);
    expect(world.wrangler.deployedConfig).toContain(`database_id = "${world.wrangler.databases[0]!.uuid}"`);
    expect(world.text()).toContain(`Deployed ${WORKER_URL}: health ok (version 0.1.0)`);
  });

  it("tells you to run setup first in a checkout that was never set up", async () => {
    const world = createWorld();
    await expect(runRedeploy({ root: world.root, run: world.wrangler.run, fetch: world.fetch, output: world.output, nodeVersion: "22.23.3", env: {} }))
      .rejects.toThrow("this checkout was never set up: run `npm run setup` first");
    expect(world.wrangler.commands).toEqual([]);
  });
});
