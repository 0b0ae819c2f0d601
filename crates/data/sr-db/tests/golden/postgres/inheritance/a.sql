CREATE TABLE cities (name text, population integer);
