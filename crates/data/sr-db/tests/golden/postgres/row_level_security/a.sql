CREATE TABLE docs (id integer PRIMARY KEY, owner text);
