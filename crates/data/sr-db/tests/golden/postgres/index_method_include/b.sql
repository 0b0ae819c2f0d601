CREATE TABLE docs (id integer PRIMARY KEY, tags text[], title text);
CREATE INDEX docs_tags ON docs USING gin (tags);
CREATE INDEX docs_title ON docs (title) INCLUDE (id);
