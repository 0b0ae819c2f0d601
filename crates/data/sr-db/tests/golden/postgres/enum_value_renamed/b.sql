-- A label replaced at its position is renamed in place: rows keep their
-- value, the default and the view follow the new name.
CREATE TYPE payment AS ENUM ('new', 'settled', 'refunded');
CREATE TABLE invoice (id integer PRIMARY KEY, state payment NOT NULL DEFAULT 'settled');
CREATE VIEW refunds AS SELECT id FROM invoice WHERE state = 'refunded';
