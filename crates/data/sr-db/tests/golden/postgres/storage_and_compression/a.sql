CREATE TABLE document (id integer PRIMARY KEY, body text, blob bytea, meta jsonb);
