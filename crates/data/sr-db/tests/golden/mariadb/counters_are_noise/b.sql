CREATE TABLE events (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(20), KEY events_name (name));
