-- Whiteboards: one board per connection, kept as a JSON document with a
-- version that every save increments; a save names the version it read,
-- so two workbenches cannot overwrite each other's edits unseen.
CREATE TABLE whiteboards (
    connection TEXT PRIMARY KEY,
    document   TEXT NOT NULL,
    version    INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
