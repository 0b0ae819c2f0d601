CREATE TABLE o (id integer PRIMARY KEY, total numeric);
