CREATE TABLE events (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(20), KEY events_name (name));
INSERT INTO events (name) VALUES ('a'), ('b'), ('c');
ANALYZE TABLE events;
