CREATE TABLE o (id int NOT NULL PRIMARY KEY, total decimal(10,2), updated_at datetime);
CREATE TRIGGER o_touch BEFORE UPDATE ON o FOR EACH ROW SET NEW.updated_at = now();
