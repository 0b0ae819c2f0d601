CREATE TABLE p (id int NOT NULL PRIMARY KEY, title varchar(200), at datetime, KEY p_title (title(20)), UNIQUE KEY p_title_at (title(10), at));
