import { DEMO_API_TOKEN } from "../../dev/cloudflare-emulator/seed.ts";

/** Values the test Worker is configured with (shared by vitest.config.ts and the tests). */
export const TEST_ENV = {
  TELEGRAM_BOT_TOKEN: "123456:TEST-bot-token",
  TELEGRAM_WEBHOOK_SECRET: "test-webhook-secret",
  /** 1001 is the owner, 1002 a second allowed user, 1003 an approver, 1004 a user of the gate tests' own; 6666 is a stranger. */
  ALLOWED_USER_IDS: "1001,1002,1003,1004",
  APPROVER_IDS: "1003",
  APPROVAL_TTL_MINUTES: "15",
  /** Short inbox backoff so retry tests take a fraction of a second. */
  INBOX_RETRY_BASE_MS: "100",
  INBOX_MAX_ATTEMPTS: "5",
  /** Every status edit goes out at once, so tests see each step (the throttle has its own test). */
  CHAT_EDIT_INTERVAL_MS: "0",
  /** Room for one test file's model requests by the owner within a minute; the limit test fills it. */
  LLM_REQUESTS_PER_MINUTE: "30",
  /** A fixed, test-only key for per-user tokens: base64 of "test-only-encryption-key-32bytes" (never use it anywhere else). */
  ENCRYPTION_KEY: "dGVzdC1vbmx5LWVuY3J5cHRpb24ta2V5LTMyYnl0ZXM=",
} as const;

/** User ids used across tests. */
export const USERS = { owner: 1001, member: 1002, approver: 1003, switcher: 1004, stranger: 6666 } as const;

/** The Worker's CLOUDFLARE_API_TOKEN in tests: the emulator's demo token (never a real one). */
export const CLOUDFLARE_TEST_TOKEN = DEMO_API_TOKEN;

/** The bearer token the fake "notes" MCP server requires (test-only). */
export const NOTES_MCP_TOKEN = "notes-test-secret";
