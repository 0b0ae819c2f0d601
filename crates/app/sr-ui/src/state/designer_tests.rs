//! The designer's state: positions for new tables, the propose and apply
//! round trips, as data.

use std::sync::Arc;

use sr_engine::{Command, Event};
use sr_model::{ObjectKind, ObjectRef};

use super::*;
use crate::model::er_layout::tests::snapshot;
use crate::state::{ColumnForm, Persisted};
use sr_engine::{IssueCommand, IssueEvent, SchemaCommand, SchemaEvent};

fn ready() -> UiState {
    let mut s = UiState::new(Persisted::default());
    s.apply(Event::Ready);
    s.apply(Event::Schema(SchemaEvent::Snapshot {
        connection: "demo".into(),
        snapshot: Arc::new(snapshot(&[("customers", &[]), ("orders", &["customers"])])),
    }));
    s.take_commands();
    s.jobs.clear();
    s
}

fn orders() -> ObjectRef {
    ObjectRef::new("demo", ObjectKind::Table, "test", "main", "orders")
}

#[test]
fn new_tables_go_below_the_saved_ones() {
    let model = ErModel::from_snapshot(&snapshot(&[("a", &[]), ("b", &["a"]), ("c", &[])]));
    let mut positions = BTreeMap::from([("main.a".to_owned(), [500.0, 100.0])]);
    place_new_tables(&model, &mut positions);
    assert_eq!(positions["main.a"], [500.0, 100.0], "a saved place stays");
    let bottom = 100.0 + model.tables[0].size()[1];
    for key in ["main.b", "main.c"] {
        assert!(positions[key][1] > bottom, "{key} at {:?}", positions[key]);
    }
    let before = positions.clone();
    place_new_tables(&model, &mut positions);
    assert_eq!(
        positions, before,
        "nothing moves once every table has a place"
    );
}

#[test]
fn the_model_follows_the_snapshot_and_positions_persist() {
    let mut s = ready();
    s.open_designer("demo");
    let model = s.er_model_now("demo").expect("a model");
    assert_eq!(model.tables.len(), 2);
    assert!(Arc::ptr_eq(
        &model,
        &s.er_model_now("demo").expect("cached")
    ));
    s.move_table("demo", "main.orders", [10.0, 5.0]);
    let saved = s.persisted();
    let restored = UiState::new(saved.clone());
    assert_eq!(restored.designer.saved, saved.designer);
    assert_eq!(saved.tabs, vec![Tab::Designer("demo".into())]);
    s.relayout("demo");
    assert!(s.designer.saved["demo"].positions.is_empty());
    assert_eq!(s.er_model_now("demo").map(|m| m.tables.len()), Some(2));
    assert_eq!(s.designer.saved["demo"].positions.len(), 2);
}

#[test]
fn propose_opens_a_schema_change_issue_and_asks_the_engine_for_its_body() {
    let mut s = ready();
    s.open_table_editor(&orders());
    s.propose_schema_change();
    let error = s.designer.editor.as_ref().and_then(|e| e.error.clone());
    assert_eq!(
        error.as_deref(),
        Some("Nothing to propose: change the table first.")
    );
    if let Some(e) = &mut s.designer.editor {
        e.new_column = ColumnForm {
            name: "note".into(),
            data_type: "TEXT".into(),
            nullable: true,
            default: String::new(),
        };
        e.edit(TableEditor::add_column);
    }
    s.propose_schema_change();
    let Some(Dialog::CreateIssue(d)) = &s.dialog else {
        panic!("no Create Issue dialog");
    };
    assert_eq!(d.title, "Schema change: orders");
    assert!(
        d.description
            .starts_with("```sql\nBEGIN;\n\nALTER TABLE \"orders\" ADD COLUMN \"note\" TEXT;"),
        "{}",
        d.description
    );
    assert!(!d.attach_ddl);
    let drafting = d.drafting;
    let commands = s.take_commands();
    let draft = commands.iter().find_map(|c| match c {
        Command::Schema(SchemaCommand::DraftChange {
            request,
            ddl,
            impact,
            ..
        }) => Some((*request, ddl.clone(), impact.clone())),
        _ => None,
    });
    let (request, ddl, impact) = draft.expect("a DraftSchemaChange");
    assert_eq!(Some(request), drafting);
    assert!(ddl.contains("ADD COLUMN \"note\""), "{ddl}");
    assert_eq!(impact.referencing_keys, [] as [String; 0]);
    s.apply(Event::Issues(IssueEvent::Draft {
        request,
        object: orders(),
        title: "Schema change: orders".into(),
        body: "rendered".into(),
    }));
    let Some(Dialog::CreateIssue(d)) = &s.dialog else {
        panic!("no Create Issue dialog");
    };
    assert_eq!(d.description, "rendered");
}

#[test]
fn apply_asks_first_then_runs_and_closes_on_success() {
    let mut s = ready();
    s.open_table_editor(&orders());
    if let Some(e) = &mut s.designer.editor {
        e.edit(|e| e.rename_column("id", "order_id"));
    }
    s.apply_schema_change();
    assert!(s.take_commands().is_empty(), "the first press asks");
    s.apply_schema_change();
    let request = s.take_commands().iter().find_map(|c| match c {
        Command::Schema(SchemaCommand::ApplyChange {
            request, script, ..
        }) => {
            assert!(!script.is_empty());
            Some(*request)
        }
        _ => None,
    });
    let request = request.expect("an ApplySchemaChange");
    s.apply(Event::Schema(SchemaEvent::Applied {
        request,
        connection: "demo".into(),
        result: Err("locked".into()),
    }));
    let error = s.designer.editor.as_ref().and_then(|e| e.error.clone());
    assert_eq!(error.as_deref(), Some("The change was not applied: locked"));
    s.apply_schema_change();
    s.apply_schema_change();
    let request = s.take_commands().iter().find_map(|c| match c {
        Command::Schema(SchemaCommand::ApplyChange { request, .. }) => Some(*request),
        _ => None,
    });
    s.apply(Event::Schema(SchemaEvent::Applied {
        request: request.expect("sent again"),
        connection: "demo".into(),
        result: Ok(()),
    }));
    assert!(s.designer.editor.is_none());
    assert!(s.jobs.is_empty());
}

#[test]
fn the_er_diagram_is_attached_only_when_ticked_in_the_designer() {
    let check = |from_designer: bool, tick: bool, expected: &[&str]| {
        let mut s = ready();
        if from_designer {
            // The designer showed its diagram before its Create Issue.
            s.er_model_now("demo");
            s.create_issue_from_designer(&orders());
        } else {
            s.open_create_dialog(&orders());
        }
        let Some(Dialog::CreateIssue(d)) = &mut s.dialog else {
            panic!("no Create Issue dialog");
        };
        assert_eq!(d.attach_er, from_designer.then_some(false), "off at first");
        if tick {
            d.attach_er = d.attach_er.map(|_| true);
        }
        d.tracker = "Local".into();
        s.take_commands();
        s.submit_create();
        let attachments = s
            .take_commands()
            .into_iter()
            .find_map(|c| match c {
                Command::Issues(IssueCommand::Create { attachments, .. }) => Some(attachments),
                _ => None,
            })
            .unwrap_or_default();
        let names: Vec<&str> = attachments.iter().map(|a| a.filename.as_str()).collect();
        assert_eq!(names, expected, "designer {from_designer}, ticked {tick}");
        for a in &attachments {
            let svg = String::from_utf8_lossy(&a.bytes);
            assert_eq!(a.content_type, "image/svg+xml");
            assert!(svg.contains("<svg") && svg.contains("orders"), "{svg}");
        }
    };
    check(true, false, &[]);
    check(true, true, &["demo-er.svg"]);
    check(false, true, &[]);
}

#[test]
fn a_large_database_is_shown_one_schema_at_a_time() {
    let mut s = UiState::new(Persisted::default());
    s.apply(Event::Ready);
    let mut two = snapshot(&[("customers", &[]), ("orders", &["customers"])]);
    let mut sales = two.schemas[0].clone();
    sales.name = "sales".into();
    sales.tables.truncate(1);
    let empty = sr_schema::Schema::new("audit");
    two.schemas.insert(0, empty);
    two.schemas.push(sales);
    s.apply(Event::Schema(SchemaEvent::Snapshot {
        connection: "demo".into(),
        snapshot: Arc::new(two),
    }));
    s.open_designer("demo");
    // The first schema with tables, not the empty one listed first.
    assert_eq!(s.designer_schema("demo").as_deref(), Some("main"));
    let main = s.er_model_now("demo").expect("main's model");
    assert_eq!(main.tables.len(), 2);
    assert!(main.tables.iter().all(|t| t.schema == "main"));
    s.show_designer_schema("demo", "sales");
    assert!(
        !s.er_model_building("demo"),
        "nothing is laid out before the designer asks"
    );
    let sales = s.er_model_now("demo").expect("sales' model");
    assert_eq!(sales.tables.len(), 1);
    assert_eq!(sales.tables[0].schema, "sales");
    assert!(
        s.designer.saved["demo"]
            .positions
            .contains_key("sales.customers")
    );
    // Kept between runs.
    assert_eq!(
        s.persisted().designer["demo"].schema.as_deref(),
        Some("sales")
    );
    assert_eq!(
        s.designer_schemas("demo"),
        vec![("audit".into(), 0), ("main".into(), 2), ("sales".into(), 1)]
    );
}
