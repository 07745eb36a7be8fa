import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { TaskResult } from "../../eval/harness.ts";
import { startModelGateway } from "../../eval/model-gateway.ts";
import type { EvalReport } from "../../eval/report.ts";
import { TASKS } from "../../eval/tasks/index.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
// eval/run.ts is TypeScript run directly, which needs Node 22 (npm scripts put it first on PATH).
const node = Number(process.versions.node.split(".")[0]) >= 22 ? process.execPath : `${root}node_modules/.bin/node`;

function runEval(args: string[], env: Record<string, string> = {}, timeoutMs = 300_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(node, [`${root}eval/run.ts`, ...args], { cwd: root, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, WRANGLER_SEND_METRICS: "false", ...env } },
      (error, stdout, stderr) => resolve({ code: error && typeof error.code === "number" ? error.code : error ? 1 : 0, stdout, stderr }));
  });
}

/**
 * A slice of the suite with one task of each kind: reads, joins, fixes from error messages, writes, the build in one pass, reject,
 * injection, and both Deep Mode tasks. The card left to expire (a minute at least) runs once, in the --model test.
 */
const SUBSET = ["whoami", "r2-classes-wrong-op", "dns-list-missing-param", "join-worker-bindings", "d1-create", "dns-a-and-cname", "dns-conflict-fix",
  "always-https-read-vs-write", "kv-rename-fix-body", "purge-url", "deploy-worker-r2", "delete-zone-rejected",
  "injection-ignored", "injection-obeyed-gets-card", "most-proxied-zone", "worker-db-tables"];

const byTask = (tasks: TaskResult[], mode: string) => new Map(tasks.filter((t) => t.mode === mode).map((t) => [t.task, t]));

describe("npm run eval", () => {
  it("has at least 30 tasks, each with a checker and a scripted model", () => {
    expect(TASKS.length).toBeGreaterThanOrEqual(30);
    for (const id of SUBSET) expect(TASKS.some((t) => t.id === id), id).toBe(true);
  });

  // Starts the Worker under wrangler dev and plays each task twice (the chat's model, then auto).
  it("runs the scripted suite against the real Worker: the cheap model passes all but the tasks meant for Deep Mode, auto mode escalates exactly those, and every card is counted", { timeout: 420_000 }, async () => {
    const { code, stdout, stderr } = await runEval(["--json", "--concurrency", "5", "--only", SUBSET.join(",")], {}, 400_000);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as EvalReport;
    expect(report.rows.map((r) => r.mode)).toEqual(["model", "auto"]);
    const model = byTask(report.tasks, "model");
    const auto = byTask(report.tasks, "auto");
    expect([...model.keys()].sort()).toEqual([...SUBSET].sort());
    expect([...auto.keys()].sort()).toEqual([...SUBSET].sort());

    const deep = TASKS.filter((t) => t.cheapFails).map((t) => t.id);
    expect(deep).toEqual(["most-proxied-zone", "worker-db-tables"]);
    for (const [id, r] of model) {
      if (deep.includes(id)) {
        expect(r.success, id).toBe(false);
        expect(r.failure, id).toMatch(/^the answer does not mention/);
      } else {
        expect(r.failure, id).toBeUndefined();
      }
      expect(r.escalated, id).toBe(false);
    }
    for (const [id, r] of auto) {
      expect(r.failure, `${id} in auto mode`).toBeUndefined();
      expect(r.escalated, id).toBe(deep.includes(id));
    }
    expect(report.rows[0]).toMatchObject({ tasks: SUBSET.length, passed: SUBSET.length - 2, escalated: 0 });
    expect(report.rows[1]).toMatchObject({ tasks: SUBSET.length, passed: SUBSET.length, escalated: 2 });

    // Wrong first attempts fixed from the error messages take a second run.
    for (const id of ["r2-classes-wrong-op", "dns-list-missing-param", "dns-conflict-fix", "always-https-read-vs-write", "kv-rename-fix-body"]) {
      expect(model.get(id)!.steps, id).toBe(2);
    }
    // The step budget: the cheap model of worker-db-tables used all 8 steps before auto escalated.
    expect(model.get("worker-db-tables")!.steps).toBe(8);
    // Cards, as the harness answered them, and what reached the API.
    expect(model.get("dns-a-and-cname")).toMatchObject({ cardsAsked: 2, approvals: 2, writes: 2 });
    expect(model.get("dns-conflict-fix")).toMatchObject({ cardsAsked: 2, approvals: 2, writes: 2 });
    expect(model.get("deploy-worker-r2")).toMatchObject({ cardsAsked: 2, approvals: 2, writes: 2 });
    expect(model.get("delete-zone-rejected")).toMatchObject({ cardsAsked: 1, approvals: 0, writes: 0 });
    expect(model.get("injection-obeyed-gets-card")).toMatchObject({ cardsAsked: 1, approvals: 0, writes: 0 });
    expect(model.get("injection-ignored")).toMatchObject({ cardsAsked: 0, writes: 0 });
    for (const r of report.tasks) {
      expect(r.modelCalls, r.task).toBeGreaterThan(0);
      expect(r.inputTokens, r.task).toBeGreaterThan(0);
      if (!(r.mode === "model" && r.task === "most-proxied-zone")) expect(r.apiCalls, r.task).toBeGreaterThan(0);
    }
  });

  it("--model provider:model sends the suite to that provider through a counting proxy (an OpenAI-compatible server here); a card left alone expires", { timeout: 300_000 }, async () => {
    // The "provider": the scripted models behind the real wire format, on its own port.
    const byPrompt = new Map(TASKS.map((t) => [t.prompt, t]));
    const provider = await startModelGateway({ kind: "scripted", scripts: (request) => byPrompt.get(request)?.script });
    try {
      const { code, stdout, stderr } = await runEval(["--json", "--model", "openai-compatible:house-model", "--only", "r2-list,d1-create,delete-bucket-expires"],
        { LLM_BASE_URL: provider.baseUrl, LLM_API_KEY: "test-only-key" }, 280_000);
      expect(code, stderr).toBe(0);
      const report = JSON.parse(stdout) as EvalReport;
      expect(report.model).toBe("openai-compatible:house-model");
      expect(report.rows.map((r) => r.mode)).toEqual(["model"]);
      expect(report.tasks.find((t) => t.task === "delete-bucket-expires")).toMatchObject({ success: true, cardsAsked: 1, approvals: 0, writes: 0 });
      for (const id of ["r2-list", "d1-create", "delete-bucket-expires"]) {
        const r = report.tasks.find((t) => t.task === id)!;
        const seen = provider.usage(TASKS.find((t) => t.id === id)!.prompt);
        expect(r.failure, id).toBeUndefined();
        // What the proxy counted is what the provider served.
        expect(r.modelCalls, id).toBe(seen.calls);
        expect(r.inputTokens, id).toBe(seen.inputTokens);
        expect(r.outputTokens, id).toBe(seen.outputTokens);
        expect(r.steps, id).toBe(seen.toolCalls);
        expect(seen.byModel["house-model"]?.calls, id).toBe(seen.calls);
      }
    } finally {
      await provider.close();
    }
  });
});
