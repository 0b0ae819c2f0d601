CREATE TABLE docs (id integer PRIMARY KEY, tags text[], title text);
