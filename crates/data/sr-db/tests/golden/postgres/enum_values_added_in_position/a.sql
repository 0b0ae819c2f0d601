CREATE TYPE level AS ENUM ('low', 'high');
CREATE TABLE alarm (id integer PRIMARY KEY, level level NOT NULL DEFAULT 'low');
