-- The audit log: every execution of code against the Cloudflare API, and every call it made or
-- asked to make, with who approved what and when. Secrets are never written here.
CREATE TABLE audit_executions (
  id            TEXT PRIMARY KEY,          -- our run id, written before the code runs
  execution_id  TEXT UNIQUE,               -- codemode's execution id, once the runtime assigned it
  chat_id       INTEGER NOT NULL,
  user_id       INTEGER NOT NULL,
  source        TEXT NOT NULL,             -- run | snippet | model
  code_hash     TEXT NOT NULL,             -- sha-256 of the code, hex
  code          TEXT NOT NULL,
  status        TEXT NOT NULL,             -- requested | paused | completed | error | rejected | rolled_back
  error         TEXT,
  result_bytes  INTEGER,
  started_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  duration_ms   INTEGER
);
CREATE INDEX audit_executions_chat ON audit_executions (chat_id, started_at);

CREATE TABLE audit_calls (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  execution_id  TEXT NOT NULL,             -- codemode's execution id
  chat_id       INTEGER NOT NULL,
  seq           INTEGER,                   -- the call's place in the run (approval-gated calls)
  operation     TEXT NOT NULL,
  method        TEXT NOT NULL,
  path          TEXT NOT NULL,
  access        TEXT NOT NULL,             -- read | write
  risk          TEXT,                      -- write | destructive (writes only)
  status        TEXT NOT NULL,             -- started | ok | failed | pending | approved | rejected | expired | reverted
  http_status   INTEGER,
  requester_id  INTEGER,
  approver_id   INTEGER,
  decided_at    INTEGER,
  error         TEXT,
  started_at    INTEGER NOT NULL,
  finished_at   INTEGER,
  duration_ms   INTEGER
);
CREATE INDEX audit_calls_execution ON audit_calls (execution_id, id);
CREATE INDEX audit_calls_chat ON audit_calls (chat_id, started_at);
