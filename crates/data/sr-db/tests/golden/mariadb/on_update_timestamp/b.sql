CREATE TABLE o (id int NOT NULL PRIMARY KEY, updated_at timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(), touched datetime ON UPDATE current_timestamp());
