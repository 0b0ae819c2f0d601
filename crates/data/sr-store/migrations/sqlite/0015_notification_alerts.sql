-- The alerts the engine sent towards channels, one row per (channel,
-- fingerprint) beside notification_groups: what a later event needs to
-- find them (a healed drift, a passing health check or a regression gone
-- clears the alerts of its connection, object and kind, and resolves them
-- on the channels they went to), and when a group holding a message
-- (group wait, repeat interval) must be decided again, so whichever
-- process scans first decides it. Additive: older binaries never read it.

CREATE TABLE notification_alerts (
    channel      TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    rule         TEXT NOT NULL,
    connection   TEXT NOT NULL,
    -- schema.name, or '' for the connection as a whole.
    object       TEXT NOT NULL,
    -- The event kind that fires it (drift.detected, health.failed, ...).
    event        TEXT NOT NULL,
    -- What the condition is about within its object (a health check's
    -- name, a tracked query's fingerprint), or ''.
    finding      TEXT NOT NULL,
    -- 1 while the condition holds, 0 once cleared.
    firing       BIGINT NOT NULL,
    -- sr-notify's Notification as JSON, as last seen.
    notification TEXT NOT NULL,
    -- When to decide again (ms); NULL when nothing waits.
    due_at       BIGINT,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (channel, fingerprint)
);
CREATE INDEX notification_alerts_due ON notification_alerts (due_at);
CREATE INDEX notification_alerts_source ON notification_alerts (connection, event, firing);
