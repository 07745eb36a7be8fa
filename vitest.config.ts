import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { CLOUDFLARE_TEST_TOKEN, NOTES_MCP_TOKEN, TEST_ENV } from "./test/support/test-env.ts";

// Two projects: "workers" runs the bot in real workerd (D1, Durable Objects, Worker Loader);
// "node" runs the Node-side tools (build scripts, CLIs, dev servers) in Node, where they live.
export default defineConfig(async () => {
  const migrations = await readD1Migrations("migrations");
  return {
    test: {
      // The AI SDK's telemetry tracing channel (which has subscribers in workerd) re-rejects a
      // provider error on a promise nobody awaits; generateText itself rejects and the bot
      // answers the person. Only those copies, from the scripted test model's fake URL, are ignored.
      onUnhandledError: (error: unknown) => (fromScriptedModel(error) ? false : undefined),
      projects: [
        {
          plugins: [
            cloudflareTest(({ inject }) => ({
              wrangler: { configPath: "./wrangler.toml" },
              additionalExports: { CodemodeRuntime: "DurableObject" },
              miniflare: {
                bindings: {
                  ...TEST_ENV,
                  TELEGRAM_API_ROOT: inject("telegramApiRoot"),
                  CLOUDFLARE_API_BASE: `${inject("cloudflareEmulatorUrl")}/client/v4`,
                  CLOUDFLARE_API_TOKEN: CLOUDFLARE_TEST_TOKEN,
                  // Two other MCP servers: the fake "notes" (with a bearer secret) and one nobody answers at.
                  MCP_SERVERS: JSON.stringify([{ name: "notes", url: `${inject("notesMcpUrl")}/mcp`, auth: "NOTES_MCP_AUTH" }, { name: "broken", url: "http://127.0.0.1:9/mcp" }]),
                  NOTES_MCP_AUTH: `Bearer ${NOTES_MCP_TOKEN}`,
                  TEST_MIGRATIONS: migrations,
                },
              },
            })),
          ],
          // grammY plugins `require("grammy")` from CommonJS, which would pick grammY's Node build
          // (node-fetch); wrangler's bundler picks the web build, so tests do the same.
          // Pre-bundling them (esbuild, as wrangler does) resolves that require to the web build.
          test: {
            name: "workers",
            globalSetup: ["./test/global-setup.ts"],
            setupFiles: ["./test/support/apply-migrations.ts"],
            include: ["test/**/*.test.ts"],
            exclude: ["test/node/**", "test/sandbox/**"],
            testTimeout: 20_000,
            hookTimeout: 30_000,
            deps: { optimizer: { ssr: { enabled: true, include: ["grammy", "@grammyjs/auto-retry", "@grammyjs/parse-mode", "@grammyjs/commands"] } } },
          },
        },
        {
          // The sandbox's own tests: a broken loop guard freezes workerd, so they get their own
          // workerd (this project) and run under a hard timeout in a separate vitest process (npm test).
          plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml" }, additionalExports: { CodemodeRuntime: "DurableObject" }, miniflare: { bindings: { ...TEST_ENV } } })],
          test: {
            name: "sandbox",
            include: ["test/sandbox/**/*.test.ts"],
            testTimeout: 20_000,
            deps: { optimizer: { ssr: { enabled: true, include: ["grammy", "@grammyjs/auto-retry", "@grammyjs/parse-mode", "@grammyjs/commands"] } } },
          },
        },
        {
          test: {
            name: "node",
            environment: "node",
            // These files start wrangler dev, Chromium and benchmarks on free ports: one at a time.
            fileParallelism: false,
            include: ["test/node/**/*.test.ts"],
            testTimeout: 60_000,
          },
        },
      ],
    },
  };
});

/** Whether an error is (or wraps) a provider error of the scripted test model, whose URL is fake. */
function fromScriptedModel(error: unknown): boolean {
  const e = error as { url?: unknown; lastError?: { url?: unknown } };
  const url = e.url ?? e.lastError?.url;
  return typeof url === "string" && url.startsWith("https://model.test/");
}
