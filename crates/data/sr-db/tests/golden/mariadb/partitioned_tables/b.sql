-- Partitions split, a table partitioned, another's partitioning removed;
-- the rows stay.
CREATE TABLE sale (id INT NOT NULL, sold DATE NOT NULL, amount DECIMAL(10, 2))
    PARTITION BY RANGE (YEAR(sold)) (
        PARTITION p2024 VALUES LESS THAN (2025),
        PARTITION p2025 VALUES LESS THAN (2026),
        PARTITION pmax VALUES LESS THAN MAXVALUE);
CREATE TABLE visit (id INT NOT NULL, at DATETIME NOT NULL) PARTITION BY KEY (id) PARTITIONS 2;
CREATE TABLE event_log (id INT NOT NULL, kind INT NOT NULL);
