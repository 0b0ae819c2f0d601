CREATE TABLE t (id bigint NOT NULL PRIMARY KEY, code varchar(40), qty int, price decimal(12,2));
