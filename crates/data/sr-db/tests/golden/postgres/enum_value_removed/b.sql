CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE TABLE p (id integer PRIMARY KEY, m mood);
