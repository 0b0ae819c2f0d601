CREATE TABLE users (id int NOT NULL PRIMARY KEY, login varchar(40) NOT NULL, email varchar(80), UNIQUE KEY users_login (login), UNIQUE KEY users_email_login (email, login));
