CREATE TABLE customers (id int NOT NULL PRIMARY KEY, email varchar(120) NOT NULL);

