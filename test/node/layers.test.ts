// The layering the README states: imports run one way, bot/ → mcp/ → skills/ → approvals/ →
// core/, nothing imports a layer above it, and there are no import cycles. Read from the sources.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";

const LAYERS = ["core", "approvals", "skills", "mcp", "bot"] as const;
const root = normalize(join(import.meta.dirname, "..", ".."));

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return name === "generated" ? [] : sources(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

/** Our own modules each file imports (relative specifiers, resolved to repository paths). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  const specifiers = [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/gms)].map((m) => m[1]!);
  return specifiers.map((s) => relative(root, normalize(join(root, dirname(file), s))));
}

const files = LAYERS.flatMap((layer) => sources(layer));
const layerOf = (file: string) => LAYERS.indexOf(file.split("/")[0] as (typeof LAYERS)[number]);

describe("the layers", () => {
  it("import only their own layer and the ones below it", () => {
    const upward = files.flatMap((file) => importsOf(file)
      .filter((target) => layerOf(target) > layerOf(file))
      .map((target) => `${file} imports ${target}`));
    expect(upward).toEqual([]);
  });

  it("have no import cycles", () => {
    const graph = new Map(files.map((file) => [file, importsOf(file).filter((t) => files.includes(t))]));
    const cycles: string[] = [];
    const state = new Map<string, "visiting" | "done">();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "visiting") {
        cycles.push([...path.slice(path.indexOf(file)), file].join(" → "));
        return;
      }
      state.set(file, "visiting");
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, "done");
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it("keep Telegram's Bot API out of everything but bot/", () => {
    const outside = files.filter((file) => !file.startsWith("bot/"))
      .filter((file) => /from "grammy"|\bApi\b.*from "grammy"|sendMessage\(/.test(readFileSync(join(root, file), "utf8")));
    expect(outside).toEqual([]);
  });
});
