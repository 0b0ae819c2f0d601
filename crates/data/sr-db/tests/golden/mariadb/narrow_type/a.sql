CREATE TABLE t (id int NOT NULL PRIMARY KEY, code text, amount bigint);
