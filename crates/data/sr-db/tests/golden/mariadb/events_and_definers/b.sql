-- An event's schedule changes and one with a fixed start comes; a
-- procedure and a view run with the caller's rights; a routine belongs to
-- another definer, which the migration keeps.
CREATE USER IF NOT EXISTS 'sr_golden_owner'@'localhost';
GRANT SELECT ON *.* TO 'sr_golden_owner'@'localhost';
CREATE TABLE job (id INT PRIMARY KEY, done BOOLEAN NOT NULL DEFAULT FALSE);
CREATE EVENT purge_jobs ON SCHEDULE EVERY 1 HOUR DO DELETE FROM job WHERE done;
CREATE EVENT nightly ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 02:00:00' DISABLE COMMENT 'runs at two' DO DELETE FROM job;
CREATE PROCEDURE count_jobs(OUT n INT) SQL SECURITY INVOKER SELECT COUNT(*) INTO n FROM job;
CREATE DEFINER = 'sr_golden_owner'@'localhost' FUNCTION jobs_left() RETURNS INT READS SQL DATA SQL SECURITY DEFINER RETURN (SELECT COUNT(*) FROM job WHERE NOT done);
CREATE SQL SECURITY INVOKER VIEW open_jobs AS SELECT id FROM job WHERE NOT done;
