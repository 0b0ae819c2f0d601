CREATE TYPE address AS (street text, city text);
CREATE TABLE person (id integer PRIMARY KEY, home address);
