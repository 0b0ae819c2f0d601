CREATE TABLE t (id integer PRIMARY KEY, status text, created_at timestamptz NOT NULL);
