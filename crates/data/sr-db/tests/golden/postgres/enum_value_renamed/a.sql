CREATE TYPE payment AS ENUM ('new', 'paid', 'refunded');
CREATE TABLE invoice (id integer PRIMARY KEY, state payment NOT NULL DEFAULT 'paid');
CREATE VIEW refunds AS SELECT id FROM invoice WHERE state = 'refunded';
