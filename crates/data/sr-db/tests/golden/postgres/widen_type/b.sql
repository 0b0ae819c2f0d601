CREATE TABLE t (id bigint PRIMARY KEY, code varchar(40), qty integer, price numeric(12,2));
