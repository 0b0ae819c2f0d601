CREATE TABLE t (id int NOT NULL PRIMARY KEY, code varchar(10), qty smallint, price decimal(8,2));
