-- Pagila (see ../../samples/SOURCES.md) with changes: the table a
-- function returns the rows of gains a column, the aggregate the views
-- call changes (the views over it dropped and created again), the enum
-- of film ratings gains a label, a partition is added and a column of the
-- partitioned table widened.
-- @include ../../samples/pagila/pagila-schema.sql
SET search_path TO public;
ALTER TABLE customer ADD COLUMN loyalty_tier text;
DROP AGGREGATE group_concat(text) CASCADE;
CREATE AGGREGATE group_concat(text) (SFUNC = _group_concat, STYPE = text, INITCOND = '');
CREATE VIEW actor_info AS
 SELECT a.actor_id, a.first_name, a.last_name,
    group_concat(DISTINCT c.name) AS film_info
   FROM actor a
     LEFT JOIN film_actor fa ON a.actor_id = fa.actor_id
     LEFT JOIN film_category fc ON fa.film_id = fc.film_id
     LEFT JOIN category c ON fc.category_id = c.category_id
  GROUP BY a.actor_id, a.first_name, a.last_name;
CREATE VIEW film_list AS
 SELECT film.film_id AS fid, film.title, film.description, category.name AS category,
    film.rental_rate AS price, film.length, film.rating,
    group_concat(((actor.first_name || ' '::text) || actor.last_name)) AS actors
   FROM category
     LEFT JOIN film_category ON category.category_id = film_category.category_id
     LEFT JOIN film ON film_category.film_id = film.film_id
     JOIN film_actor ON film.film_id = film_actor.film_id
     JOIN actor ON film_actor.actor_id = actor.actor_id
  GROUP BY film.film_id, film.title, film.description, category.name, film.rental_rate, film.length, film.rating;
CREATE TABLE payment_p2022_08 PARTITION OF payment
    FOR VALUES FROM ('2022-08-01 01:00:00+01') TO ('2022-09-01 01:00:00+01');
ALTER TABLE payment ALTER COLUMN customer_id TYPE bigint;
ALTER TYPE mpaa_rating ADD VALUE 'R-18' AFTER 'R';
