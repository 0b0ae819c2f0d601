CREATE TABLE t (id int NOT NULL PRIMARY KEY, code varchar(5), amount int);
