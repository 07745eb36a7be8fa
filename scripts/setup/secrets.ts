/**
 * Puts the Worker's secrets with `wrangler secret put` (value on stdin), only when needed:
 * a secret that is missing, whose supplied value changed (by fingerprint), or that is rotated.
 * Generated secrets (webhook secret, encryption key) are made here and never written anywhere else.
 */
import { randomBytes } from "node:crypto";
import type { Output } from "./output.ts";
import { fingerprint, type DeploySettings } from "./settings.ts";
import type { Wrangler } from "./wrangler.ts";

/** A new webhook secret: 32 random bytes, base64url (Telegram allows A-Z a-z 0-9 _ -). */
export function newWebhookSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** A new ENCRYPTION_KEY: 32 random bytes, base64. */
export function newEncryptionKey(): string {
  return randomBytes(32).toString("base64");
}

/** Puts secrets on the Worker and keeps track of what changed. */
export class SecretWriter {
  readonly put: string[] = [];
  private readonly wrangler: Wrangler;
  private readonly config: string;
  private readonly existing: Set<string>;
  private readonly settings: DeploySettings;
  private readonly output: Output;

  constructor(options: { wrangler: Wrangler; config: string; existing: Iterable<string>; settings: DeploySettings; output: Output }) {
    this.wrangler = options.wrangler;
    this.config = options.config;
    this.existing = new Set(options.existing);
    this.settings = options.settings;
    this.output = options.output;
  }

  /** Whether the Worker has this secret. */
  has(name: string): boolean {
    return this.existing.has(name);
  }

  /** Puts a supplied value when it is missing, changed, or `force`d; remembers its fingerprint. */
  async ensure(name: string, value: string, force = false): Promise<boolean> {
    const print = fingerprint(value);
    const same = this.existing.has(name) && this.settings.secretFingerprints[name] === print;
    if (same && !force) return false;
    // A secret put by hand before setup ran has no fingerprint: put it once so it is known from now on.
    await this.putNow(name, value);
    this.settings.secretFingerprints[name] = print;
    return true;
  }

  /** Puts a generated value when the secret is missing or `force`d; returns the value it put. */
  async generate(name: string, make: () => string, force = false): Promise<string | undefined> {
    if (this.existing.has(name) && !force) return undefined;
    const value = make();
    await this.putNow(name, value);
    delete this.settings.secretFingerprints[name];
    return value;
  }

  private async putNow(name: string, value: string): Promise<void> {
    this.output.secret(value);
    await this.wrangler.putSecret(this.config, name, value);
    this.existing.add(name);
    this.put.push(name);
    this.output.line(`  + secret ${name} put`);
  }
}
