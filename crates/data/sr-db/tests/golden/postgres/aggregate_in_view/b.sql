-- The aggregate changes (an initial state), so the view over it is
-- dropped before and created again after; a second aggregate is new.
CREATE TABLE film (film_id integer PRIMARY KEY, title text NOT NULL, category text);
CREATE FUNCTION _group_concat(text, text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN $2 IS NULL THEN $1 WHEN $1 IS NULL THEN $2 ELSE $1 || ', ' || $2 END
$$;
CREATE AGGREGATE group_concat(text) (SFUNC = _group_concat, STYPE = text, INITCOND = '');
CREATE FUNCTION greatest_text(text, text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN length($2) > length(coalesce($1, '')) THEN $2 ELSE $1 END $$;
CREATE AGGREGATE longest(text) (SFUNC = greatest_text, STYPE = text);
CREATE VIEW film_titles AS
    SELECT category, group_concat(title) AS titles, longest(title) AS longest FROM film GROUP BY category;
COMMENT ON AGGREGATE group_concat(text) IS 'titles joined by commas';
