CREATE TABLE tags (id int NOT NULL PRIMARY KEY, name varchar(40));
