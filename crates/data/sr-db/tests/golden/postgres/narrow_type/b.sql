CREATE TABLE t (id integer PRIMARY KEY, code varchar(5), amount integer);
