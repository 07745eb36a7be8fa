import { describe, expect, it } from "vitest";
import { CATALOG_META } from "../../skills/cloudflare/catalog/generated/meta.ts";
import { runBench as run } from "./support/bench-runner.ts";

// The token count runs here, in Node, where the tokenizer (2.4 MB of ranks) loads once in about
// half a second; inside workerd every test file would load it again over the test runner's socket.
describe("npm run bench -- tokens", () => {
  it("counts what the model sees on every request with the o200k tokenizer: within the 1,000-token budget, and far below one tool per operation", { timeout: 120_000 }, async () => {
    const { code, stdout, stderr } = await run("tokens", ["--json"], 110_000);
    expect(code, stderr).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0] ?? "") as Record<string, unknown>;
    for (const key of ["total", "systemPrompt", "tools", "allOperationsAsTools"]) expect(typeof result[key], key).toBe("number");
    const { total, systemPrompt, tools, allOperationsAsTools } = result as Record<"total" | "systemPrompt" | "tools" | "allOperationsAsTools", number>;
    expect(systemPrompt).toBeGreaterThan(0);
    expect(tools).toBeGreaterThan(0);
    expect(total).toBe(systemPrompt + tools);
    expect(total).toBeLessThanOrEqual(1000);
    expect(result).toMatchObject({ operations: CATALOG_META.operations, budget: 1000, withinBudget: true });
    expect(allOperationsAsTools).toBeGreaterThan(100 * total);
  });
});
