-- Sakila for MySQL (see ../../samples/SOURCES.md) with changes: a column
-- widened under a foreign key and the views that read it, a generated
-- column, a check, an index and a trigger changed, a procedure changed,
-- a view over a function added.
-- @include-client ../../samples/sakila-mysql/mysql-sakila-schema.sql sakila
ALTER TABLE language MODIFY name VARCHAR(40) NOT NULL;
ALTER TABLE film ADD COLUMN title_length INT AS (CHAR_LENGTH(title)) VIRTUAL,
    ADD CONSTRAINT film_length_positive CHECK (length IS NULL OR length > 0);
ALTER TABLE payment DROP INDEX idx_fk_staff_id, ADD INDEX idx_fk_staff_id (staff_id, payment_date);
DROP TRIGGER del_film;
CREATE TRIGGER del_film AFTER DELETE ON film FOR EACH ROW BEGIN
    DELETE FROM film_text WHERE film_id = old.film_id;
    DELETE FROM film_text WHERE title = old.title;
END;
DROP PROCEDURE film_not_in_stock;
CREATE PROCEDURE film_not_in_stock(IN p_film_id INT, IN p_store_id INT, OUT p_film_count INT)
READS SQL DATA
BEGIN
     SELECT COUNT(*) INTO p_film_count
     FROM inventory
     WHERE film_id = p_film_id
     AND store_id = p_store_id
     AND NOT inventory_in_stock(inventory_id);
END;
CREATE VIEW inventory_status AS
SELECT inventory_id, inventory_in_stock(inventory_id) AS in_stock FROM inventory;
