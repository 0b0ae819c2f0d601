CREATE FUNCTION add_tax(x numeric) RETURNS numeric LANGUAGE sql AS $$ SELECT x * 1.2 $$;
CREATE FUNCTION add_tax(x numeric, rate numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT x * (1 + rate) $$;
