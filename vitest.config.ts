import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig, type Plugin } from "vitest/config";
import { CLOUDFLARE_TEST_TOKEN, NOTES_MCP_TOKEN, TEST_ENV } from "./test/support/test-env.ts";

/*
 * Why the workerd projects load code the way they do (measured on 2 cores, see issue 11):
 * every test file gets a fresh workerd (vitest's `isolate`, which the tests rely on: storage,
 * rate-limit windows and the model registry start empty per file), and the plugin loads the
 * whole Worker graph into it through `main`, whatever the file imports. So each of the ~23 files
 * ships every module over a WebSocket and compiles it again; vitest reports that as "transform".
 * Unbundled and with source maps (vitest's disk cache appends them to the code) that was 222
 * modules and 16.5 MB per file. Pre-bundling the dependencies, without source maps and
 * whitespace, makes it ~110 modules and ~4.7 MB; our own code keeps its source maps.
 */

/**
 * Dependencies pre-bundled for workerd (vite's optimizer, as wrangler's esbuild bundles them):
 * - grammY plugins `require("grammy")` from CommonJS, which would pick grammY's Node build
 *   (node-fetch); wrangler's bundler picks the web build, and pre-bundling does the same;
 * - the rest are large, many-file packages: one bundle each loads far faster per test file.
 */
const PREBUNDLED = [
  "grammy", "@grammyjs/auto-retry", "@grammyjs/parse-mode", "@grammyjs/commands", "@grammyjs/auto-chat-action",
  "@modelcontextprotocol/server", "@modelcontextprotocol/client", "@modelcontextprotocol/sdk/client/index.js",
  "@modelcontextprotocol/sdk/client/streamableHttp.js", "@modelcontextprotocol/sdk/validation/cfworker-provider.js", "@modelcontextprotocol/ext-tasks/client",
  "ai", "ai/test", "@ai-sdk/anthropic", "@ai-sdk/openai", "@ai-sdk/openai-compatible", "workers-ai-provider",
  "@cloudflare/codemode", "acorn", "zod", "gpt-tokenizer/encoding/o200k_base",
];

/** The optimizer settings both workerd projects share. */
const deps = {
  optimizer: {
    ssr: {
      enabled: true,
      include: PREBUNDLED,
      // Whitespace and comments only: names and code stay as the packages wrote them.
      rolldownOptions: { output: { minify: { compress: false, mangle: false, codegen: { removeWhitespace: true } } } },
    },
  },
};

/**
 * Drops the source maps of dependencies and of the generated API catalog before they reach
 * workerd: they tripled the bytes every test file loads, and a stack frame inside a package
 * is rarely what a failing test needs. Our own modules keep theirs. (The appended newline makes
 * vite take this result: it keeps the file's own map when a transform leaves the code as is.)
 */
function withoutDependencySourceMaps(): Plugin {
  return {
    name: "without-dependency-source-maps",
    enforce: "post",
    transform(code, id) {
      if (!id.includes("/node_modules/") && !id.includes("/catalog/generated/")) return null;
      return { code: `${code}\n`, map: { mappings: "" } };
    },
  };
}

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
            withoutDependencySourceMaps(),
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
          test: {
            name: "workers",
            globalSetup: ["./test/global-setup.ts"],
            setupFiles: ["./test/support/apply-migrations.ts"],
            include: ["test/**/*.test.ts"],
            exclude: ["test/node/**", "test/sandbox/**"],
            testTimeout: 20_000,
            hookTimeout: 30_000,
            deps,
          },
        },
        {
          // The sandbox's own tests: a broken loop guard freezes workerd, so they get their own
          // workerd (this project) and run under a hard timeout in a separate vitest process (npm test).
          plugins: [
            withoutDependencySourceMaps(),
            cloudflareTest({ wrangler: { configPath: "./wrangler.toml" }, additionalExports: { CodemodeRuntime: "DurableObject" }, miniflare: { bindings: { ...TEST_ENV } } }),
          ],
          test: {
            name: "sandbox",
            include: ["test/sandbox/**/*.test.ts"],
            testTimeout: 20_000,
            deps,
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
