CREATE TABLE o (id integer PRIMARY KEY, c integer, placed timestamptz);
CREATE INDEX o_placed ON o (placed);
