-- Issue comments, both ways: the tracker's comments on the issues the
-- workbench follows (pulled when the issue changed), and comments written
-- in the workbench, pending until a sync has sent them. A sent comment
-- keeps its row and gains the tracker's id, so the next pull matches it
-- instead of adding it twice.
CREATE TABLE issue_comments (
    id          INTEGER PRIMARY KEY,
    issue_key   TEXT NOT NULL,
    -- The tracker's comment id; NULL until a local comment is sent.
    remote_id   TEXT,
    author      TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    -- The issue's updated_at (the tracker's clock) when a workbench comment
    -- was written: the tracker's copy of it cannot be older.
    written_after INTEGER,
    updated_at  INTEGER,
    -- synced, pending, rejected (refused by the tracker for good)
    state       TEXT NOT NULL,
    -- Sends tried; after one, the next looks for the comment first.
    attempts    INTEGER NOT NULL DEFAULT 0,
    -- A process sending it holds it until then (ms), so two never send
    -- the same comment at once.
    claimed_until INTEGER,
    last_error  TEXT,
    UNIQUE (issue_key, remote_id)
);
CREATE INDEX issue_comments_issue ON issue_comments (issue_key, created_at);
CREATE INDEX issue_comments_pending ON issue_comments (state, issue_key);

-- Which issues' comments are cached, and the issue's updated_at when they
-- were read: a poll that sees the issue newer reads its comments again.
CREATE TABLE issue_comment_reads (
    issue_key      TEXT PRIMARY KEY,
    issue_updated  INTEGER NOT NULL,
    read_at        INTEGER NOT NULL
);
