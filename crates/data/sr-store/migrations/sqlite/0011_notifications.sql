-- Notifications to channels (Slack, PagerDuty, webhooks), exactly once
-- as tracker calls are: each message is committed to the outbox with its
-- idempotency id before it is sent. Grouping state per (channel,
-- fingerprint) is replaced only by whoever read its current version, so
-- two processes observing one alert at once decide once. Every message
-- sent, held or failed is in the feed with its reason. Additive: older
-- binaries never read these tables.

CREATE TABLE notification_groups (
    channel     TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    -- sr-notify's GroupState as JSON; the store does not read it.
    state       TEXT NOT NULL,
    -- Bumped by each replacement (compare-and-set).
    version     BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (channel, fingerprint)
);

CREATE TABLE notification_outbox (
    id          INTEGER PRIMARY KEY,
    -- The idempotency key, chosen at commit and sent on every attempt.
    message_id  TEXT NOT NULL UNIQUE,
    channel     TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    -- trigger, acknowledge, resolve, test
    action      TEXT NOT NULL,
    -- sr-notify's Message as JSON.
    message     TEXT NOT NULL,
    -- pending, sent, failed
    status      TEXT NOT NULL,
    attempts    BIGINT NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  BIGINT NOT NULL,
    done_at     BIGINT,
    -- A lease, as in auto_issue_outbox (see sr_store::lease).
    claimed_at  BIGINT,
    claimed_by  TEXT
);
CREATE INDEX notification_outbox_status ON notification_outbox (status, id);
CREATE INDEX notification_outbox_group ON notification_outbox (channel, fingerprint, id);

CREATE TABLE notification_feed (
    id          INTEGER PRIMARY KEY,
    at          BIGINT NOT NULL,
    channel     TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    action      TEXT NOT NULL,
    -- queued, sent, held, failed
    outcome     TEXT NOT NULL,
    -- Why (a hold reason, the service's answer, the error).
    reason      TEXT NOT NULL,
    message_id  TEXT
);
CREATE INDEX notification_feed_at ON notification_feed (id);
