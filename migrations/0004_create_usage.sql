-- Model usage per request: who asked, which model, tokens and estimated cost. Drives the answer
-- footer, the per-user limits (requests per minute, tokens per day) and the audit of model work.
CREATE TABLE usage (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  chat_id       INTEGER NOT NULL,
  user_id       INTEGER NOT NULL,
  model         TEXT NOT NULL,
  input_tokens  INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cost_usd      REAL,
  api_calls     INTEGER NOT NULL DEFAULT 0,
  execution_id  TEXT,
  at            INTEGER NOT NULL
);
CREATE INDEX usage_user_at ON usage (user_id, at);
