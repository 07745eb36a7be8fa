-- The retention cron and /audit filter audit rows by time across chats: index those columns.
CREATE INDEX audit_calls_started_at ON audit_calls (started_at);
CREATE INDEX audit_executions_started_at ON audit_executions (started_at);
