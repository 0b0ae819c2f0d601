CREATE TABLE p (id integer PRIMARY KEY, name text, code varchar(20));
CREATE INDEX p_code ON p (code);
