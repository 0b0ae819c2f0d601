CREATE TABLE p (id int NOT NULL PRIMARY KEY, title varchar(200), at datetime);
