-- Labels added before, between and after the old ones, in order; the new
-- default uses a label added by the same migration.
CREATE TYPE level AS ENUM ('lowest', 'low', 'mid', 'upper', 'high', 'highest');
CREATE TABLE alarm (id integer PRIMARY KEY, level level NOT NULL DEFAULT 'mid');
