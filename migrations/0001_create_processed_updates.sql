-- Finished Telegram updates, one row each (dedupe itself lives in each chat's Durable Object).
-- Kept bounded by the retention cron.
CREATE TABLE processed_updates (
  update_id   INTEGER PRIMARY KEY,
  chat_id     INTEGER,
  user_id     INTEGER,
  kind        TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('done', 'failed')),
  attempts    INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  error       TEXT
);
CREATE INDEX processed_updates_finished_at ON processed_updates (finished_at);
CREATE INDEX processed_updates_chat ON processed_updates (chat_id, update_id);
