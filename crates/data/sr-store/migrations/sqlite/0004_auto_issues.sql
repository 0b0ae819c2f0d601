-- Auto-issues: one row per alert fingerprint (the issue it opened, how
-- often it came back), and the outbox of tracker calls, each committed
-- before it is sent so that a crash between commit and send loses nothing
-- and creates nothing twice.
CREATE TABLE auto_issues (
    fingerprint        TEXT PRIMARY KEY,
    rule               TEXT NOT NULL,
    tracker            TEXT NOT NULL,
    event              TEXT NOT NULL,
    connection         TEXT NOT NULL,
    object             TEXT,
    -- NULL until the create in the outbox is done.
    issue_key          TEXT,
    -- The issue an earlier round of this fingerprint opened (closed long ago).
    previous_issue_key TEXT,
    occurrences        INTEGER NOT NULL,
    first_seen         INTEGER NOT NULL,
    last_seen          INTEGER NOT NULL,
    last_data          TEXT NOT NULL
);
CREATE INDEX auto_issues_object ON auto_issues (connection, object, event);

CREATE TABLE auto_issue_outbox (
    id          INTEGER PRIMARY KEY,
    rule        TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    tracker     TEXT NOT NULL,
    -- create, comment, reopen, close
    action      TEXT NOT NULL,
    -- occurrence, summary, resolution, reopen, create
    purpose     TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    labels      TEXT NOT NULL,
    priority    TEXT,
    assignee    TEXT,
    -- The object to link a created issue to (ObjectRef as JSON).
    object      TEXT,
    -- pending, done, failed
    status      TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    issue_key   TEXT,
    created_at  INTEGER NOT NULL,
    done_at     INTEGER,
    -- Set while a worker sends it ("host:pid:starttime"); a claim whose
    -- process is gone, or that is older than the claim timeout, is taken over.
    claimed_at  INTEGER,
    claimed_by  TEXT
);
CREATE INDEX auto_issue_outbox_status ON auto_issue_outbox (status, id);
CREATE INDEX auto_issue_outbox_fingerprint ON auto_issue_outbox (fingerprint, id);
CREATE INDEX auto_issue_outbox_rule ON auto_issue_outbox (rule, action, created_at);
