CREATE TABLE events (id int NOT NULL PRIMARY KEY, name varchar(20));
