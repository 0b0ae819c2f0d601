CREATE TABLE t (id int NOT NULL PRIMARY KEY, qty int unsigned);
