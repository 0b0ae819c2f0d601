-- Objects that have been linked at least once. Integer ids keep the link
-- table narrow; object_key is the stable identity (connection:kind:schema.name).
CREATE TABLE objects (
    id            INTEGER PRIMARY KEY,
    object_key    TEXT NOT NULL UNIQUE,
    connection    TEXT NOT NULL,
    kind          TEXT NOT NULL,
    database_name TEXT NOT NULL,
    schema_name   TEXT NOT NULL,
    name          TEXT NOT NULL,
    version_hash  TEXT,
    modified_at   INTEGER
);

-- The issue cache: the last known state of every issue we link or show.
CREATE TABLE issues (
    id            INTEGER PRIMARY KEY,
    issue_key     TEXT NOT NULL UNIQUE,
    provider      TEXT NOT NULL,
    instance      TEXT NOT NULL,
    issue_id      TEXT NOT NULL,
    display_key   TEXT NOT NULL,
    url           TEXT NOT NULL,
    title         TEXT NOT NULL,
    state         TEXT NOT NULL,
    status_name   TEXT NOT NULL,
    resolution    TEXT,
    priority      TEXT,
    labels        TEXT NOT NULL,
    assignee      TEXT,
    body          TEXT NOT NULL,
    issue_type    TEXT,
    project       TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    content_hash  TEXT NOT NULL,
    synced_at     INTEGER,
    sync_error    TEXT
);
CREATE INDEX issues_provider_instance ON issues (provider, instance);

CREATE TABLE links (
    link_id        TEXT PRIMARY KEY,
    object_id      INTEGER NOT NULL REFERENCES objects (id),
    issue_id       INTEGER NOT NULL REFERENCES issues (id),
    link_type      TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    sync_direction TEXT NOT NULL,
    UNIQUE (object_id, issue_id)
);
CREATE INDEX links_issue ON links (issue_id);

-- The built-in local tracker.
CREATE TABLE local_counters (
    instance TEXT PRIMARY KEY,
    last     INTEGER NOT NULL
);

CREATE TABLE local_issues (
    instance    TEXT NOT NULL,
    number      INTEGER NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    state       TEXT NOT NULL,
    status_name TEXT NOT NULL,
    resolution  TEXT,
    priority    TEXT,
    labels      TEXT NOT NULL,
    assignee    TEXT,
    issue_type  TEXT,
    project     TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (instance, number)
);
CREATE INDEX local_issues_updated ON local_issues (instance, updated_at);

CREATE TABLE local_comments (
    id           INTEGER PRIMARY KEY,
    instance     TEXT NOT NULL,
    issue_number INTEGER NOT NULL,
    author       TEXT NOT NULL,
    body         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    FOREIGN KEY (instance, issue_number) REFERENCES local_issues (instance, number) ON DELETE CASCADE
);
CREATE INDEX local_comments_issue ON local_comments (instance, issue_number);

CREATE TABLE local_attachments (
    id           INTEGER PRIMARY KEY,
    instance     TEXT NOT NULL,
    issue_number INTEGER NOT NULL,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    description  TEXT NOT NULL,
    size         INTEGER NOT NULL,
    bytes        BLOB NOT NULL,
    created_at   INTEGER NOT NULL,
    FOREIGN KEY (instance, issue_number) REFERENCES local_issues (instance, number) ON DELETE CASCADE
);

CREATE TABLE local_webhooks (
    id         INTEGER PRIMARY KEY,
    instance   TEXT NOT NULL,
    url        TEXT NOT NULL,
    events     TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- Append-only record of every create, link and unlink.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    object_key TEXT,
    issue_key  TEXT,
    detail     TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
