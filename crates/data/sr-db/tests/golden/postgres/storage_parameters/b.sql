CREATE TABLE hot (id integer PRIMARY KEY, n integer) WITH (fillfactor=70);
CREATE TABLE cold (id integer PRIMARY KEY) WITH (autovacuum_vacuum_scale_factor=0.4);
