import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { TEST_ENV } from "./test/support/test-env.ts";

export default defineConfig(async () => {
  const migrations = await readD1Migrations("migrations");
  return {
    plugins: [
      cloudflareTest(({ inject }) => ({
        wrangler: { configPath: "./wrangler.toml" },
        additionalExports: { CodemodeRuntime: "DurableObject" },
        miniflare: {
          bindings: {
            ...TEST_ENV,
            TELEGRAM_API_ROOT: inject("telegramApiRoot"),
            TEST_MIGRATIONS: migrations,
          },
        },
      })),
    ],
    test: {
      globalSetup: ["./test/global-setup.ts"],
      setupFiles: ["./test/support/apply-migrations.ts"],
      include: ["test/**/*.test.ts"],
      testTimeout: 20_000,
      hookTimeout: 30_000,
    },
  };
});
