CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT);
CREATE INDEX events_name ON events(name);
INSERT INTO events(name) VALUES ('a'), ('b'), ('c');
ANALYZE;
