CREATE TABLE users (id int NOT NULL PRIMARY KEY, login varchar(40) NOT NULL, email varchar(80));
