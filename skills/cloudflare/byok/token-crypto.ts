/**
 * Encryption of per-user API tokens at rest: AES-256-GCM through WebCrypto only, so the same
 * code runs in workerd and in Node.
 *
 * Invariants:
 * - The AES key is derived with HKDF-SHA-256 from `ENCRYPTION_KEY` (32 random bytes, base64),
 *   never used raw, so the secret could later serve other purposes under other `info` labels.
 * - Every encryption draws a fresh random 12-byte IV; an IV is never reused with the same key.
 * - The owner's user id is bound in as additional authenticated data: a row copied to another
 *   user, or altered in any way, fails to decrypt instead of yielding a token.
 * - No error message ever contains the key or a token.
 */

/** Why the vault could not do its work. */
export type TokenVaultErrorReason =
  | "missing_key" // ENCRYPTION_KEY is not set
  | "malformed_key" // ENCRYPTION_KEY is set but is not 32 bytes of base64
  | "decrypt_failed"; // the key changed since the token was stored, or the row was altered

const KEY_HOW_TO = "Generate one with: openssl rand -base64 32; set it in .dev.vars locally, or with wrangler secret put ENCRYPTION_KEY when deployed.";

/** A problem with the encryption key or a stored token; the message says what to do. */
export class TokenVaultError extends Error {
  override readonly name = "TokenVaultError";
  readonly reason: TokenVaultErrorReason;
  constructor(reason: TokenVaultErrorReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** A token encrypted for storage: base64 ciphertext (with the GCM tag) and base64 IV. */
export interface SealedToken {
  ciphertext: string;
  iv: string;
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const HKDF_SALT = new TextEncoder().encode("cloudflare-codemode-bot");
const HKDF_INFO = new TextEncoder().encode("user-tokens/aes-256-gcm/v1");

let cached: { secret: string; key: Promise<CryptoKey> } | undefined;

/**
 * Validates `ENCRYPTION_KEY` and derives the AES-GCM key from it (cached per secret).
 * Throws a `TokenVaultError` ("missing_key" or "malformed_key") with a message a person can act on.
 */
export function importVaultKey(encryptionKey: string | undefined): Promise<CryptoKey> {
  const secret = encryptionKey?.trim() ?? "";
  if (cached?.secret === secret) return cached.key;
  if (secret === "") {
    return Promise.reject(new TokenVaultError("missing_key", `ENCRYPTION_KEY is not set. ${KEY_HOW_TO}`));
  }
  const bytes = decodeBase64(secret);
  if (!bytes || bytes.length !== KEY_BYTES) {
    const what = bytes ? `decodes to ${bytes.length} bytes instead of ${KEY_BYTES}` : "is not base64";
    return Promise.reject(new TokenVaultError("malformed_key", `ENCRYPTION_KEY ${what}: it must be 32 random bytes, base64-encoded. ${KEY_HOW_TO}`));
  }
  const key = deriveKey(bytes);
  cached = { secret, key };
  return key;
}

/** Encrypts `token` for `owner` (e.g. the Telegram user id) with a fresh random IV. */
export async function encryptToken(key: CryptoKey, token: string, owner: string): Promise<SealedToken> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: ownerBytes(owner) }, key, new TextEncoder().encode(token));
  return { ciphertext: encodeBase64(new Uint8Array(sealed)), iv: encodeBase64(iv) };
}

/** Decrypts a sealed token of `owner`; throws `TokenVaultError("decrypt_failed")` on a wrong key or altered data. */
export async function decryptToken(key: CryptoKey, sealed: SealedToken, owner: string): Promise<string> {
  const iv = decodeBase64(sealed.iv);
  const data = decodeBase64(sealed.ciphertext);
  try {
    if (!iv || iv.length !== IV_BYTES || !data) throw new Error("malformed row");
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: ownerBytes(owner) }, key, data);
    return new TextDecoder().decode(plain);
  } catch {
    // WebCrypto's OperationError says nothing useful; the likely causes are what a person can act on.
    throw new TokenVaultError("decrypt_failed",
      "The stored Cloudflare token could not be decrypted: ENCRYPTION_KEY changed since it was stored, or the stored row was altered. Send /disconnect, then /connect the token again.");
  }
}

async function deriveKey(bytes: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey("raw", bytes, "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt: HKDF_SALT, info: HKDF_INFO }, base,
    { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
}

function ownerBytes(owner: string): Uint8Array {
  return new TextEncoder().encode(`user:${owner}`);
}

/** Standard or URL-safe base64 (padding optional) to bytes; `undefined` when it is not base64. */
function decodeBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  const normal = text.replace(/-/g, "+").replace(/_/g, "/");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(normal) || normal.replace(/=+$/, "").length % 4 === 1) return undefined;
  const padded = normal.replace(/=+$/, "").padEnd(Math.ceil(normal.replace(/=+$/, "").length / 4) * 4, "=");
  try {
    const binary = atob(padded);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return undefined;
  }
}

function encodeBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
