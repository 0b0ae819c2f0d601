-- Pull requests (GitHub) and merge requests (GitLab) that name a linked
-- issue or change migration files, and what they link to: issues named in
-- their title, branch or body, and the objects their SQL creates, alters
-- or drops. One row per (tracker, repo, number) whoever writes it first
-- (a delivery and a poll at once); an older report never replaces a newer
-- one. Additive: older binaries never read these tables.

CREATE TABLE pull_requests (
    id          INTEGER PRIMARY KEY,
    -- The trackers.json entry it came through.
    tracker     TEXT NOT NULL,
    provider    TEXT NOT NULL,
    repo        TEXT NOT NULL,
    number      BIGINT NOT NULL,
    title       TEXT NOT NULL,
    branch      TEXT NOT NULL,
    -- open, closed, merged
    state       TEXT NOT NULL,
    draft       BIGINT NOT NULL,
    merged_at   BIGINT,
    checks      TEXT,
    review      TEXT,
    url         TEXT NOT NULL,
    updated_at  BIGINT NOT NULL,
    -- 1 once any of its files matched the migration globs.
    migrations  BIGINT NOT NULL DEFAULT 0,
    UNIQUE (tracker, repo, number)
);
CREATE INDEX pull_requests_merged ON pull_requests (state, migrations);

CREATE TABLE pull_issue_links (
    pull_id      BIGINT NOT NULL REFERENCES pull_requests (id),
    issue_key    TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    -- Set by whoever queued the "merged" comment on the issue (once).
    commented_at BIGINT,
    PRIMARY KEY (pull_id, issue_key)
);
CREATE INDEX pull_issue_links_issue ON pull_issue_links (issue_key);

CREATE TABLE pull_object_links (
    pull_id    BIGINT NOT NULL REFERENCES pull_requests (id),
    object_id  BIGINT NOT NULL REFERENCES objects (id),
    -- create, alter, drop (the last statement of the request on it)
    action     TEXT NOT NULL,
    -- The migration file that changes it.
    file       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (pull_id, object_id)
);
CREATE INDEX pull_object_links_object ON pull_object_links (object_id);
