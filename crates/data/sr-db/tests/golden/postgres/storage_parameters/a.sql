CREATE TABLE hot (id integer PRIMARY KEY, n integer) WITH (fillfactor=90, autovacuum_enabled=false);
