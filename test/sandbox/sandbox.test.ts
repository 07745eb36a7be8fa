/**
 * The sandbox and its loop guard, in real workerd with the real Worker Loader.
 * These run in their own vitest project (and process) under a hard timeout, because a broken
 * loop guard freezes workerd itself: it must not be able to hang the main suite.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { normalizeCode } from "@cloudflare/codemode";
import { GuardedExecutor } from "../../skills/cloudflare/sandbox/guarded-executor.ts";
import { alreadyNormalized, guardSnippet } from "../../skills/cloudflare/sandbox/loop-guard.ts";

const executor = new GuardedExecutor({ loader: env.LOADER, timeoutMs: 5_000, stepBudget: 2_000_000 });
const echo = [{ name: "tools", fns: { echo: async (...args: unknown[]) => args[0] } }];

async function run(code: string) {
  return executor.execute(code, echo);
}

describe("the loop guard", () => {
  it("stops while (true) {} with a clear error, in well under the time limit", async () => {
    const started = Date.now();
    const result = await run("while (true) {}");
    expect(result.error).toMatch(/^the snippet ran too long: it passed 2,000,000 loop iterations and function calls/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("stops for (;;) with a try/catch inside that swallows errors", async () => {
    const result = await run("for (;;) { try { JSON.parse('{'); } catch (e) {} }");
    expect(result.error).toMatch(/ran too long/);
  });

  it("keeps throwing when the snippet catches the guard outside the loop and loops again", async () => {
    const result = await run("let n = 0; for (;;) { try { while (true) { n++; } } catch (e) { } }");
    expect(result.error).toMatch(/ran too long/);
  });

  it("stops a recursion bomb that never overflows the stack", async () => {
    const result = await run("function f(n) { if (n > 20) return 0; return f(n + 1) + f(n + 1); } return f(0);");
    expect(result.error).toMatch(/ran too long/);
  });

  it("turns plain infinite recursion into an error, not a crash", async () => {
    const result = await run("const f = () => f(); f();");
    expect(result.error).toMatch(/ran too long|Maximum call stack/);
  });

  it("guards single-statement loop bodies and expression-bodied arrows", async () => {
    expect((await run("let i = 0; while (true) i++;")).error).toMatch(/ran too long/);
    expect((await run("const xs = Array.from({ length: 3 }, (_, i) => ({ i })); return xs;")).result).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
  });

  it("refuses code that reaches for the guard's reserved names", async () => {
    expect((await run("__cmgStep = () => {}; while (true) {}")).error).toBe("the name __cmgStep is reserved by the sandbox; please rename it");
  });

  it("lets ordinary loops and calls finish with their result", async () => {
    const result = await run(`
      let total = 0;
      for (let i = 0; i < 10000; i++) total += i;
      const echoed = await tools.echo({ total });
      return echoed;`);
    expect(result).toMatchObject({ result: { total: 49995000 } });
  });
});

describe("other bad snippets", () => {
  it("reports a syntax error with its line and column", async () => {
    const result = await run("const a = 1;\nconst b = ;\nreturn a;");
    expect(result.error).toBe("syntax error at line 2, column 11: Unexpected token");
  });

  it("reports the person's line, not the wrapper's, for code that went through codemode's normalizer", async () => {
    const result = await run(normalizeCode("const a = 1;\nconst b = ;\nreturn a;"));
    expect(result.error).toBe("syntax error at line 2, column 11: Unexpected token");
    const fenced = await run(normalizeCode("```js\nconst a = 1;\nconst b = ;\n```"));
    expect(fenced.error).toBe("syntax error at line 2, column 11: Unexpected token");
  });

  it("blocks fetch and says how to reach the API instead", async () => {
    const result = await run("const r = await fetch('https://example.com'); return r.status;");
    expect(result.error).toMatch(/^the sandbox has no network; use cloudflare\.\* calls/);
  });

  it("returns a thrown error's message", async () => {
    expect((await run("throw new TypeError('bad input')")).error).toBe("bad input");
  });

  it("turns a thrown non-Error value into an error instead of a silent success", async () => {
    expect((await run("throw { code: 42 }")).error).toBe('the snippet threw a non-Error value: {"code":42}');
    expect((await run("throw 'nope'")).error).toBe('the snippet threw a non-Error value: "nope"');
  });

  it("survives an unhandled rejection and still returns the result", async () => {
    const result = await run("Promise.reject(new Error('ignored')); return 7;");
    expect(result.result).toBe(7);
  });

  it("reports an impossible allocation as running out of memory", async () => {
    expect((await run("return 'x'.repeat(2 ** 31);")).error).toMatch(/^the snippet ran out of memory/);
    expect((await run("const a = new Array(2 ** 32); return a.length;")).error).toMatch(/^the snippet ran out of memory/);
  });

  it("stops a snippet that waits forever at the wall-clock limit", async () => {
    const result = await run("await new Promise(() => {}); return 1;");
    expect(result.error).toMatch(/ran too long: it was still waiting/);
  });

  it("keeps working after all of the above", async () => {
    expect((await run("return 1 + 1")).result).toBe(2);
  });
});

describe("code codemode already normalized", () => {
  // runCode hands the executor one arrow function; the guard then parses it once instead of three
  // times. A leading space takes the long way (the text is no longer exactly what codemode made),
  // which must come to the same instrumented code, or to the same error.
  const snippets = [
    "return 1 + 1",
    'const zones = await cloudflare.read({ op: "zones.list" });\nreturn zones.map((z) => z.name);',
    "let n = 0; for (let i = 0; i < 3; i++) n += i; while (n < 10) n++; do { n--; } while (n > 5); return n;",
    "function f(x) { return x > 0 ? f(x - 1) : 0; }\nreturn [1, 2].map((x) => x * 2).filter(function (y) { return y; }).length + f(3);",
    "async (input) => { for (const k of Object.keys(input ?? {})) { await tools.echo(k); } return input; }",
    "const __cmgStep = 1; return __cmgStep;",
    "await tools.echo(1)",
  ];
  for (const raw of snippets) {
    it(`prepares ${JSON.stringify(raw.slice(0, 40))} as the long way does`, () => {
      const normalized = normalizeCode(raw);
      expect(alreadyNormalized(normalized), "the one-parse way").toBeDefined();
      expect(alreadyNormalized(` ${normalized}`), "the long way").toBeUndefined();
      expect(guardSnippet(normalized)).toEqual(guardSnippet(` ${normalized}`));
    });
  }

  it("still reports errors where the person wrote them, strict-mode ones included", () => {
    expect(guardSnippet(normalizeCode("const a = 1;\nconst b = ;"))).toEqual({ ok: false, error: "syntax error at line 2, column 11: Unexpected token" });
    expect(guardSnippet(normalizeCode("with (Math) { return max(1, 2); }"))).toMatchObject({ ok: false, error: expect.stringMatching(/^syntax error at line 1, column 1: /) });
    expect(guardSnippet(normalizeCode("return 010;"))).toMatchObject({ ok: false, error: expect.stringMatching(/^syntax error at line 1, column 8: /) });
  });

  it("runs code that went through codemode's normalizer with the loop guard in place", async () => {
    const result = await run(normalizeCode("let n = 0; while (true) { n++; }"));
    expect(result.error).toMatch(/ran too long/);
    expect((await run(normalizeCode("const xs = [1, 2, 3]; return xs.reduce((a, b) => a + b, 0);"))).result).toBe(6);
  });
});
