CREATE TABLE measurement (
    city_id integer NOT NULL,
    logdate date NOT NULL,
    peaktemp integer
) PARTITION BY RANGE (logdate);
CREATE TABLE measurement_y2024 PARTITION OF measurement
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE measurement_y2025 PARTITION OF measurement
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE measurement_y2026 (city_id integer NOT NULL, logdate date NOT NULL, peaktemp integer);
CREATE INDEX measurement_logdate ON measurement (logdate);
