/** Per-user Cloudflare API tokens and model API keys (bring your own key): re-exports only. */
export { decryptToken, encryptToken, importVaultKey, TokenVaultError, type SealedToken, type TokenVaultErrorReason } from "./token-crypto.ts";
export { deleteUserToken, last4Of, saveUserToken, storedTokenOf, userTokenFor, type StoredToken, type UserToken } from "./token-vault.ts";
export { deleteLlmKey, llmKeysFor, saveLlmKey, storedLlmKeysOf, type LlmKeys, type StoredLlmKey } from "./llm-key-vault.ts";
export { verifyToken, type VerifiedToken } from "./verify-token.ts";
