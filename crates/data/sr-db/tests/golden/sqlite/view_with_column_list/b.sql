CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT);
CREATE VIEW named(key, label) AS SELECT id, name FROM t;
