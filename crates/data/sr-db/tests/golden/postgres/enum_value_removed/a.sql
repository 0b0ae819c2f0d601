CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE p (id integer PRIMARY KEY, m mood);
INSERT INTO p VALUES (1, 'sad');
