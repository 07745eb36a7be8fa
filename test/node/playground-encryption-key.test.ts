import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { playgroundEncryptionKey } from "../../dev/playground/playground.ts";

// /connect and /key must work offline in the playground (README: everything works offline), so
// the playground makes an ENCRYPTION_KEY and keeps it with its state. The browser test stores a
// key with /key end to end; this checks how the key itself is kept.
describe("the playground's ENCRYPTION_KEY", () => {
  const dirs: string[] = [];
  const stateDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "codemode-key-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("makes 32 random bytes on first start, readable only by you, and keeps them across restarts", () => {
    const dir = stateDir();
    const key = playgroundEncryptionKey(dir);
    expect(Buffer.from(key, "base64")).toHaveLength(32);
    expect(readFileSync(join(dir, "encryption-key"), "utf8").trim()).toBe(key);
    expect(statSync(join(dir, "encryption-key")).mode & 0o777).toBe(0o600);
    expect(playgroundEncryptionKey(dir)).toBe(key);
    expect(playgroundEncryptionKey(stateDir())).not.toBe(key);
  });

  it("replaces a kept key that is not 32 bytes of base64", () => {
    const dir = stateDir();
    writeFileSync(join(dir, "encryption-key"), "not-a-key\n");
    const key = playgroundEncryptionKey(dir);
    expect(Buffer.from(key, "base64")).toHaveLength(32);
    expect(playgroundEncryptionKey(dir)).toBe(key);
  });
});
