CREATE FUNCTION add_tax(x numeric) RETURNS numeric LANGUAGE sql AS $$ SELECT x * 1.1 $$;
