CREATE TABLE film (film_id integer PRIMARY KEY, title text NOT NULL, category text);
CREATE FUNCTION _group_concat(text, text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN $2 IS NULL THEN $1 WHEN $1 IS NULL THEN $2 ELSE $1 || ', ' || $2 END
$$;
CREATE AGGREGATE group_concat(text) (SFUNC = _group_concat, STYPE = text);
CREATE VIEW film_titles AS
    SELECT category, group_concat(title) AS titles FROM film GROUP BY category;
