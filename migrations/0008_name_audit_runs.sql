-- What /audit shows a person instead of ids: a short number per run within its chat (#1, #2, …),
-- the name of who asked and who decided, and how a write was approved (a tap on Approve, a tap
-- on "Approve all in this run", or automatically under that "Approve all").
ALTER TABLE audit_executions ADD COLUMN number INTEGER;
ALTER TABLE audit_executions ADD COLUMN user_name TEXT;
ALTER TABLE audit_calls ADD COLUMN approver_name TEXT;
ALTER TABLE audit_calls ADD COLUMN approved_via TEXT; -- tap | approve_all | automatic
CREATE INDEX audit_executions_chat_number ON audit_executions (chat_id, number);
