-- Webhook deliveries, written before the listener acknowledges them and
-- processed from here; a failed one keeps its body for inspection and replay.
CREATE TABLE webhook_deliveries (
    id           INTEGER PRIMARY KEY,
    provider     TEXT NOT NULL,
    tracker      TEXT NOT NULL,
    event        TEXT NOT NULL,
    delivery_id  TEXT NOT NULL,
    received_at  INTEGER NOT NULL,
    size         INTEGER NOT NULL,
    status       TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    processed_at INTEGER,
    -- Set while a processor works on it ("host:pid"); a claim whose
    -- process is gone, or that is older than the claim timeout, is taken over.
    claimed_at   INTEGER,
    claimed_by   TEXT,
    UNIQUE (tracker, delivery_id)
);
CREATE INDEX webhook_deliveries_status ON webhook_deliveries (status, id);

-- Bodies apart from the rows whose status changes, so that claiming and
-- finishing a delivery rewrites a small row, not its whole body.
CREATE TABLE webhook_delivery_bodies (
    id   INTEGER PRIMARY KEY REFERENCES webhook_deliveries (id),
    body BLOB NOT NULL
);
