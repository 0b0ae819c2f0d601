//! The CREATE-statement parsers, case by case.

use sr_schema::{IndexColumn, IndexKey, TriggerEvent, TriggerTiming};

use super::parse::*;

fn col(
    name: &str,
    collation: Option<&str>,
    generated: Option<(&str, bool)>,
    autoincrement: bool,
) -> ParsedColumn {
    ParsedColumn {
        name: name.into(),
        collation: collation.map(Into::into),
        generated: generated.map(|(e, s)| (e.into(), s)),
        autoincrement,
    }
}

fn check_table(sql: &str, expected: ParsedTable) {
    assert_eq!(parse_create_table(sql), Ok(expected), "{sql}");
}

#[test]
fn create_table() {
    check_table(
        "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, \"e mail\" TEXT NOT NULL COLLATE NOCASE)",
        ParsedTable {
            columns: vec![
                col("id", None, None, true),
                col("e mail", Some("NOCASE"), None, false),
            ],
            ..ParsedTable::default()
        },
    );
    check_table(
        "CREATE TABLE t (price NUMERIC(10, 2) CHECK (price >= 0), \
         lname TEXT GENERATED ALWAYS AS (lower(name)) STORED, \
         v AS (a + b), \
         CONSTRAINT t_pk PRIMARY KEY (price), \
         CONSTRAINT positive CHECK(price > 0 AND (lname <> '')), \
         CONSTRAINT t_u UNIQUE (lname COLLATE NOCASE, v), \
         UNIQUE (v), \
         CONSTRAINT t_fk FOREIGN KEY (v, price) REFERENCES o (a, b) ON DELETE CASCADE\
         ) WITHOUT ROWID, STRICT",
        ParsedTable {
            columns: vec![
                col("price", None, None, false),
                col("lname", None, Some(("lower(name)", true)), false),
                col("v", None, Some(("a + b", false)), false),
            ],
            checks: vec![
                (None, "price >= 0".into()),
                (
                    Some("positive".into()),
                    "price > 0 AND (lname <> '')".into(),
                ),
            ],
            primary_key_name: Some("t_pk".into()),
            unique_names: vec![("t_u".into(), vec!["lname".into(), "v".into()])],
            foreign_key_names: vec![("t_fk".into(), vec!["v".into(), "price".into()])],
            without_rowid: true,
            strict: true,
            virtual_module: None,
            virtual_using: None,
        },
    );
    check_table(
        "CREATE TABLE t (a INT CONSTRAINT a_pos CHECK (a > 0) CONSTRAINT a_small CHECK (a < 9), \
         b TEXT DEFAULT ('x, y') CHECK (b <> 'CHECK (1)'))",
        ParsedTable {
            columns: vec![col("a", None, None, false), col("b", None, None, false)],
            checks: vec![
                (Some("a_pos".into()), "a > 0".into()),
                (Some("a_small".into()), "a < 9".into()),
                (None, "b <> 'CHECK (1)'".into()),
            ],
            ..ParsedTable::default()
        },
    );
    check_table(
        "CREATE VIRTUAL TABLE docs USING FTS5(title, body)",
        ParsedTable {
            virtual_module: Some("fts5".into()),
            virtual_using: Some("FTS5(title, body)".into()),
            ..ParsedTable::default()
        },
    );
    assert!(parse_create_table("CREATE INDEX i ON t (a)").is_err());
}

fn check_index(sql: &str, columns: Vec<IndexColumn>, predicate: Option<&str>) {
    let want = ParsedIndex {
        columns,
        predicate: predicate.map(Into::into),
    };
    assert_eq!(parse_create_index(sql), Ok(want), "{sql}");
}

#[test]
fn create_index() {
    let desc = |c: IndexColumn| IndexColumn {
        descending: true,
        ..c
    };
    check_index(
        "CREATE INDEX i ON t (a, b DESC)",
        vec![IndexColumn::column("a"), desc(IndexColumn::column("b"))],
        None,
    );
    check_index(
        "CREATE UNIQUE INDEX IF NOT EXISTS main.i ON t (lower(email))",
        vec![IndexColumn::expression("lower(email)")],
        None,
    );
    check_index(
        "CREATE INDEX i ON t (\"a b\" COLLATE NOCASE ASC, x + y DESC) WHERE status IN ('a', 'b');",
        vec![
            IndexColumn {
                key: IndexKey::Column("a b".into()),
                descending: false,
                collation: Some("NOCASE".into()),
                opclass: None,
            },
            desc(IndexColumn::expression("x + y")),
        ],
        Some("status IN ('a', 'b')"),
    );
    assert!(parse_create_index("CREATE TABLE t (a)").is_err());
}

#[test]
fn create_view() {
    let check = |sql: &str, expected: &str| {
        assert_eq!(parse_view_query(sql).as_deref(), Ok(expected), "{sql}");
    };
    check("CREATE VIEW v AS SELECT 1", "SELECT 1");
    check(
        "CREATE VIEW v(a, b) AS\n  SELECT x AS a, y AS b FROM t;",
        "SELECT x AS a, y AS b FROM t",
    );
    check(
        "CREATE TEMP VIEW IF NOT EXISTS \"as\" AS SELECT 2",
        "SELECT 2",
    );
}

fn check_trigger(sql: &str, timing: TriggerTiming, event: TriggerEvent, when: Option<&str>) {
    let want = ParsedTrigger {
        timing,
        event,
        when: when.map(Into::into),
    };
    assert_eq!(parse_create_trigger(sql), Ok(want), "{sql}");
}

#[test]
fn create_trigger() {
    use TriggerTiming::*;
    check_trigger(
        "CREATE TRIGGER t AFTER INSERT ON o FOR EACH ROW BEGIN SELECT 1; END",
        After,
        TriggerEvent::Insert,
        None,
    );
    check_trigger(
        "CREATE TRIGGER t UPDATE OF a, \"b\" ON o WHEN NEW.a <> OLD.a AND CASE WHEN 1 THEN 1 END BEGIN SELECT 1; END",
        Before,
        TriggerEvent::Update {
            columns: vec!["a".into(), "b".into()],
        },
        Some("NEW.a <> OLD.a AND CASE WHEN 1 THEN 1 END"),
    );
    check_trigger(
        "CREATE TRIGGER t INSTEAD OF DELETE ON v BEGIN DELETE FROM o; END",
        InsteadOf,
        TriggerEvent::Delete,
        None,
    );
    assert!(parse_create_trigger("CREATE TRIGGER t AFTER ON o BEGIN END").is_err());
}
