CREATE TABLE o (id integer PRIMARY KEY, c integer, placed timestamptz);
CREATE INDEX o_c_placed ON o (c, placed DESC);
