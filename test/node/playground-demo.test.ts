import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
// scripts/demo.ts is TypeScript run directly, which needs Node 22 (npm scripts put it first on PATH).
const node = Number(process.versions.node.split(".")[0]) >= 22 ? process.execPath : `${root}node_modules/.bin/node`;

function runDemo(): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // The tour always uses the demo account emulator; with LLM_* in .dev.vars it adds a plain-words step.
    execFile(node, [`${root}scripts/demo.ts`], { cwd: root, timeout: 110_000, maxBuffer: 8 * 1024 * 1024, env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === "number" ? error.code : error ? 1 : 0;
        resolve({ code, stdout, stderr });
      });
  });
}

describe("npm run demo", () => {
  it("plays the tour against the local stack, prints the transcript, and exits 0", async () => {
    const { code, stdout, stderr } = await runDemo();
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    for (const line of [
      "Olivia › /start",
      "Olivia › /cloudflare whoami",
      "Approval needed",
      "Olivia › [taps “✅ Approve”]",
      "toast to Olivia: Approved. Running…",
      "↩️ Undone by Olivia (@owner): deleted D1 database ",
      "Sam    › [taps “✅ Approve”]",
      "alert to Sam: Sorry, this bot is private",
    ]) expect(stdout).toContain(line);
    expect(stdout).toMatch(/All \d+ steps behaved as expected/);
  }, 120_000);
});
