import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONDITIONAL_WRITES } from "../../scripts/catalog/conditional-writes.ts";
import { CREDENTIAL_OPERATIONS } from "../../scripts/catalog/credential-operations.ts";
import { READ_ONLY_POSTS } from "../../scripts/catalog/read-only-posts.ts";
import { REVIEWED_WRITES } from "../../scripts/catalog/reviewed-writes.ts";
import { SIDE_EFFECT_GETS } from "../../scripts/catalog/side-effect-gets.ts";

const doc = readFileSync(new URL("../../docs/sensitive-operations.md", import.meta.url), "utf8");

/** The operation ids listed (one `- \`id\`` bullet each) under a `### heading` of the doc. */
function section(heading: string): string[] {
  const start = doc.indexOf(`### ${heading}\n`);
  expect(start, `docs/sensitive-operations.md has no "### ${heading}" section`).toBeGreaterThan(-1);
  const rest = doc.slice(start + heading.length + 5);
  const body = rest.slice(0, rest.search(/\n### |$/));
  return [...body.matchAll(/^- `([^`]+)`/gm)].map((m) => m[1]!);
}

describe("docs/sensitive-operations.md", () => {
  it("lists exactly the operations of the code lists, each under its own heading", () => {
    expect(section("GETs that are writes")).toEqual(SIDE_EFFECT_GETS.map((e) => e.id));
    expect(section("Reads that a parameter turns into writes")).toEqual(CONDITIONAL_WRITES.map((e) => e.id));
    expect(section("Reads that return credentials")).toEqual(CREDENTIAL_OPERATIONS.filter((e) => e.method === "GET").map((e) => e.id));
    expect(section("Writes that return credentials")).toEqual(CREDENTIAL_OPERATIONS.filter((e) => e.method !== "GET").map((e) => e.id));
    expect(section("Operations other than GET that only read")).toEqual(READ_ONLY_POSTS.map((e) => e.id));
    expect(section("Look-alike reads that stay writes")).toEqual(REVIEWED_WRITES.map((e) => e.id));
  });

  it("gives each entry the reason the code gives", () => {
    for (const entry of [...SIDE_EFFECT_GETS, ...CONDITIONAL_WRITES, ...CREDENTIAL_OPERATIONS, ...READ_ONLY_POSTS, ...REVIEWED_WRITES]) {
      expect(doc, entry.id).toContain(entry.reason);
    }
  });
});
