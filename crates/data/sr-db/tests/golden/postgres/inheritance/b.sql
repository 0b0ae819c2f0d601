CREATE TABLE cities (name text, population integer);
CREATE TABLE capitals (state char(2)) INHERITS (cities);
