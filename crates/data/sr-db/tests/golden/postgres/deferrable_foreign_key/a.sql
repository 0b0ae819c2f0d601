CREATE TABLE a (id integer PRIMARY KEY);
CREATE TABLE b (id integer PRIMARY KEY, a_id integer CONSTRAINT b_a_fk REFERENCES a (id));
CREATE TABLE c (id integer PRIMARY KEY, a_id integer CONSTRAINT c_a_fk REFERENCES a (id) DEFERRABLE);
