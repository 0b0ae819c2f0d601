CREATE TYPE status AS ENUM ('new', 'done');
CREATE TABLE p (id integer PRIMARY KEY, s status NOT NULL DEFAULT 'new');
