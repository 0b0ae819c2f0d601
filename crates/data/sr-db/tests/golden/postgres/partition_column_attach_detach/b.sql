-- A column and an index added to the partitioned parent only; one
-- partition detached (it stays a table), a table attached, a default
-- partition added.
CREATE TABLE measurement (
    city_id integer NOT NULL,
    logdate date NOT NULL,
    peaktemp integer,
    unitsales integer
) PARTITION BY RANGE (logdate);
CREATE TABLE measurement_y2024 PARTITION OF measurement
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE measurement_y2025 (city_id integer NOT NULL, logdate date NOT NULL, peaktemp integer, unitsales integer);
CREATE TABLE measurement_y2026 PARTITION OF measurement
    FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE TABLE measurement_other PARTITION OF measurement DEFAULT;
CREATE INDEX measurement_logdate ON measurement (logdate);
CREATE INDEX measurement_city ON measurement (city_id);
