-- Change notices for a team store: every workbench and `serve` on the same
-- PostgreSQL hears about links, cached issues and auto-issue outbox rows
-- the others change, through LISTEN scratchrobin_changes, with no polling.
-- Statement-level triggers with transition tables: a bulk import of a
-- million links sends one notice, not a million.

CREATE FUNCTION sr_notify_links() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n BIGINT;
    r RECORD;
BEGIN
    SELECT count(*) INTO n FROM changed;
    IF n > 100 THEN
        PERFORM pg_notify('scratchrobin_changes',
            json_build_object('table', 'links', 'op', TG_OP, 'rows', n)::text);
    ELSE
        FOR r IN
            SELECT o.object_key, i.issue_key
            FROM changed c
            JOIN objects o ON o.id = c.object_id
            JOIN issues i ON i.id = c.issue_id
        LOOP
            PERFORM pg_notify('scratchrobin_changes',
                json_build_object('table', 'links', 'op', TG_OP,
                                  'object', r.object_key, 'issue', r.issue_key)::text);
        END LOOP;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER links_notify_insert AFTER INSERT ON links
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION sr_notify_links();
CREATE TRIGGER links_notify_delete AFTER DELETE ON links
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION sr_notify_links();

CREATE FUNCTION sr_notify_issues() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n BIGINT;
    r RECORD;
BEGIN
    SELECT count(*) INTO n FROM changed;
    IF n > 100 THEN
        PERFORM pg_notify('scratchrobin_changes',
            json_build_object('table', 'issues', 'op', TG_OP, 'rows', n)::text);
    ELSE
        FOR r IN SELECT issue_key FROM changed LOOP
            PERFORM pg_notify('scratchrobin_changes',
                json_build_object('table', 'issues', 'op', TG_OP, 'issue', r.issue_key)::text);
        END LOOP;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER issues_notify_insert AFTER INSERT ON issues
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION sr_notify_issues();
CREATE TRIGGER issues_notify_update AFTER UPDATE ON issues
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION sr_notify_issues();

CREATE FUNCTION sr_notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('scratchrobin_changes',
        json_build_object('table', 'auto_issue_outbox', 'op', TG_OP)::text);
    RETURN NULL;
END $$;

CREATE TRIGGER auto_issue_outbox_notify AFTER INSERT OR UPDATE ON auto_issue_outbox
    FOR EACH STATEMENT EXECUTE FUNCTION sr_notify_outbox();
