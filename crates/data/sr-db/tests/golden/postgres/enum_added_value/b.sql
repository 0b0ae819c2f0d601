CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'ecstatic');
CREATE TABLE p (id integer PRIMARY KEY, m mood);
