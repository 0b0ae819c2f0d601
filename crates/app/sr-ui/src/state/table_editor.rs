//! The designer's table editor as data: an edited copy of one table (and
//! its indexes) next to the snapshot's, the migration sr-schema renders
//! from the difference for the connection's dialect, and the impact of
//! that migration.
//!
//! Column renames are kept apart: sr-schema's diff sees a rename as a drop
//! and an add, which would lose the column's data, so the editor emits
//! `RENAME COLUMN` itself and diffs against a baseline with the new names.

use sr_engine::SchemaImpact;
use sr_model::ObjectRef;
use sr_schema::{
    Column, Dialect, ForeignKey, Index, IndexColumn, MigrationScript, Schema, Snapshot, Statement,
    Table, diff, render,
};

/// The "add column" form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnForm {
    pub name: String,
    pub data_type: String,
    pub nullable: bool,
    pub default: String,
}

/// The "add index" form; columns comma-separated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexForm {
    pub name: String,
    pub columns: String,
    pub unique: bool,
}

/// The "add foreign key" form; columns comma-separated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ForeignKeyForm {
    pub columns: String,
    pub table: String,
    pub referenced: String,
}

/// One table being edited.
#[derive(Debug, Clone)]
pub struct TableEditor {
    pub object: ObjectRef,
    pub dialect: Dialect,
    pub database: String,
    /// The table's schema as the snapshot has it.
    pub before: Schema,
    /// The edited copy of the table.
    pub table: Table,
    /// The edited copies of the table's indexes.
    pub indexes: Vec<Index>,
    /// Columns renamed, old name then new, in order.
    pub renames: Vec<(String, String)>,
    pub new_column: ColumnForm,
    pub new_index: IndexForm,
    pub new_fk: ForeignKeyForm,
    /// The rename form: the column chosen and its new name.
    pub rename: (String, String),
    /// The migration for the edits so far, and what it touches.
    pub script: MigrationScript,
    pub impact: SchemaImpact,
    /// "Apply" was pressed once; the second press runs the script.
    pub confirm_apply: bool,
    /// The request of the ApplySchemaChange in flight.
    pub applying: Option<u64>,
    pub error: Option<String>,
}

impl TableEditor {
    /// An editor for `object`, a table of `snapshot`.
    pub fn open(object: &ObjectRef, snapshot: &Snapshot) -> Option<TableEditor> {
        let schema = snapshot.schema(&object.schema)?;
        let table = schema.table(&object.name)?.clone();
        let indexes = schema.indexes_of(&object.name).cloned().collect();
        let mut editor = TableEditor {
            object: object.clone(),
            dialect: snapshot.dialect,
            database: snapshot.database.clone(),
            before: schema.clone(),
            table,
            indexes,
            renames: Vec::new(),
            new_column: ColumnForm {
                nullable: true,
                ..ColumnForm::default()
            },
            new_index: IndexForm::default(),
            new_fk: ForeignKeyForm::default(),
            rename: (String::new(), String::new()),
            script: MigrationScript::default(),
            impact: SchemaImpact::default(),
            confirm_apply: false,
            applying: None,
            error: None,
        };
        editor.refresh();
        Some(editor)
    }

    /// Applies `edit` to the edited table; on success the preview is
    /// rendered again, on failure the error is shown.
    pub fn edit(&mut self, edit: impl FnOnce(&mut TableEditor) -> Result<(), String>) {
        match edit(self) {
            Ok(()) => {
                self.error = None;
                self.refresh();
            }
            Err(e) => self.error = Some(e),
        }
    }

    /// Adds the column of the form and clears it.
    pub fn add_column(&mut self) -> Result<(), String> {
        let f = &self.new_column;
        let name = f.name.trim();
        if name.is_empty() || f.data_type.trim().is_empty() {
            return Err("Give the new column a name and a type.".into());
        }
        if self.table.column(name).is_some() {
            return Err(format!("{} already has a column {name}.", self.table.name));
        }
        let mut column = Column::new(name, f.data_type.trim(), f.nullable);
        column.default = Some(f.default.trim().to_owned()).filter(|d| !d.is_empty());
        self.table.columns.push(column);
        self.new_column = ColumnForm {
            nullable: true,
            ..ColumnForm::default()
        };
        Ok(())
    }

    /// Drops column `name`, unless a key or an index uses it.
    pub fn drop_column(&mut self, name: &str) -> Result<(), String> {
        let t = &self.table;
        let in_pk = t
            .primary_key
            .as_ref()
            .is_some_and(|k| k.columns.iter().any(|c| c == name));
        let in_fk = t
            .foreign_keys
            .iter()
            .any(|k| k.columns.iter().any(|c| c == name));
        let in_index = self.indexes.iter().find(|i| {
            i.columns
                .iter()
                .any(|c| matches!(&c.key, sr_schema::IndexKey::Column(n) if n == name))
        });
        if in_pk || in_fk {
            return Err(format!("{name} is part of a key; drop the key first."));
        }
        if let Some(i) = in_index {
            return Err(format!(
                "{name} is in index {}; drop the index first.",
                i.name
            ));
        }
        self.table.columns.retain(|c| c.name != name);
        Ok(())
    }

    /// Renames column `from` to `to` everywhere the table names it.
    pub fn rename_column(&mut self, from: &str, to: &str) -> Result<(), String> {
        let to = to.trim();
        if to.is_empty() || self.table.column(from).is_none() {
            return Err("Choose a column and type its new name.".into());
        }
        if self.table.column(to).is_some() {
            return Err(format!("{} already has a column {to}.", self.table.name));
        }
        rename_in(&mut self.table, &mut self.indexes, from, to);
        self.renames.push((from.to_owned(), to.to_owned()));
        self.rename = (String::new(), String::new());
        Ok(())
    }

    /// Sets column `i`'s default from text (blank: none).
    pub fn set_default(&mut self, i: usize, text: &str) {
        if let Some(c) = self.table.columns.get_mut(i) {
            c.default = Some(text.trim().to_owned()).filter(|d| !d.is_empty());
        }
    }

    /// Adds the index of the form and clears it.
    pub fn add_index(&mut self) -> Result<(), String> {
        let f = &self.new_index;
        let columns = self.known_columns(&f.columns)?;
        let name = match f.name.trim() {
            "" => format!("{}_{}_idx", self.table.name, columns.join("_")),
            n => n.to_owned(),
        };
        if self
            .before
            .indexes
            .iter()
            .any(|i| i.name == name && i.table != self.table.name)
            || self.indexes.iter().any(|i| i.name == name)
        {
            return Err(format!(
                "An index {name} exists already; choose another name."
            ));
        }
        self.indexes.push(Index {
            name,
            table: self.table.name.clone(),
            unique: f.unique,
            columns: columns.into_iter().map(IndexColumn::column).collect(),
            ..Index::default()
        });
        self.new_index = IndexForm::default();
        Ok(())
    }

    pub fn drop_index(&mut self, name: &str) -> Result<(), String> {
        self.indexes.retain(|i| i.name != name);
        Ok(())
    }

    /// Adds the foreign key of the form and clears it.
    pub fn add_foreign_key(&mut self) -> Result<(), String> {
        let f = &self.new_fk;
        let columns = self.known_columns(&f.columns)?;
        let target = self
            .before
            .table(f.table.trim())
            .ok_or_else(|| format!("No table {} in {}.", f.table.trim(), self.before.name))?;
        let referenced = split(&f.referenced);
        let referenced = if referenced.is_empty() {
            target
                .primary_key
                .as_ref()
                .map(|k| k.columns.clone())
                .unwrap_or_default()
        } else {
            referenced
        };
        if referenced.len() != columns.len()
            || referenced.iter().any(|c| target.column(c).is_none())
        {
            return Err(format!(
                "Name as many columns of {} as the key has ({}).",
                target.name,
                columns.len()
            ));
        }
        self.table.foreign_keys.push(ForeignKey {
            columns,
            referenced_schema: self.before.name.clone(),
            referenced_table: target.name.clone(),
            referenced_columns: referenced,
            ..ForeignKey::default()
        });
        self.new_fk = ForeignKeyForm::default();
        Ok(())
    }

    fn known_columns(&self, text: &str) -> Result<Vec<String>, String> {
        let columns = split(text);
        if columns.is_empty() {
            return Err("Name at least one column.".into());
        }
        match columns.iter().find(|c| self.table.column(c).is_none()) {
            Some(c) => Err(format!("{} has no column {c}.", self.table.name)),
            None => Ok(columns),
        }
    }

    /// Renders the migration and its impact for the edits so far.
    pub fn refresh(&mut self) {
        self.confirm_apply = false;
        let mut baseline = self.before.clone();
        if let Some(t) = baseline
            .tables
            .iter_mut()
            .find(|t| t.name == self.table.name)
        {
            let mut indexes: Vec<Index> = baseline
                .indexes
                .iter()
                .filter(|i| i.table == t.name)
                .cloned()
                .collect();
            for (from, to) in &self.renames {
                rename_in(t, &mut indexes, from, to);
            }
            baseline.indexes.retain(|i| i.table != t.name);
            baseline.indexes.extend(indexes);
        }
        let mut after = baseline.clone();
        if let Some(t) = after.tables.iter_mut().find(|t| t.name == self.table.name) {
            *t = self.table.clone();
        }
        after.indexes.retain(|i| i.table != self.table.name);
        after.indexes.extend(self.indexes.iter().cloned());
        let snapshot = |schema: Schema| {
            let mut s = Snapshot::new(self.dialect, self.database.clone());
            s.schemas.push(schema);
            s
        };
        let renames: Vec<Statement> = self
            .renames
            .iter()
            .map(|(from, to)| Statement {
                sql: rename_sql(
                    self.dialect,
                    &self.object.schema,
                    &self.table.name,
                    from,
                    to,
                ),
                destructive: false,
            })
            .collect();
        let mut migration = render(&diff(&snapshot(baseline), &snapshot(after)), self.dialect);
        // The renames run first, inside the migration's transaction.
        let at = migration
            .statements
            .iter()
            .position(|s| s.sql == "BEGIN")
            .map_or(0, |i| i + 1);
        migration.statements.splice(at..at, renames);
        self.script = migration;
        self.impact = impact(self.dialect, &self.before, &self.table.name, &self.script);
    }
}

/// Renames column `from` to `to` in `table`'s columns, keys and indexes.
fn rename_in(table: &mut Table, indexes: &mut [Index], from: &str, to: &str) {
    let fix = |names: &mut Vec<String>| {
        names
            .iter_mut()
            .filter(|n| *n == from)
            .for_each(|n| *n = to.to_owned());
    };
    table
        .columns
        .iter_mut()
        .filter(|c| c.name == from)
        .for_each(|c| c.name = to.to_owned());
    if let Some(pk) = &mut table.primary_key {
        fix(&mut pk.columns);
    }
    table
        .foreign_keys
        .iter_mut()
        .for_each(|k| fix(&mut k.columns));
    table
        .unique_constraints
        .iter_mut()
        .for_each(|k| fix(&mut k.columns));
    for i in indexes.iter_mut() {
        for c in &mut i.columns {
            if matches!(&c.key, sr_schema::IndexKey::Column(n) if n == from) {
                c.key = sr_schema::IndexKey::Column(to.to_owned());
            }
        }
    }
}

/// `ALTER TABLE … RENAME COLUMN …` in `dialect`.
pub fn rename_sql(dialect: Dialect, schema: &str, table: &str, from: &str, to: &str) -> String {
    let q = |name: &str| match dialect {
        Dialect::MySql => format!("`{}`", name.replace('`', "``")),
        _ => format!("\"{}\"", name.replace('"', "\"\"")),
    };
    let table = match dialect {
        Dialect::Sqlite => q(table),
        _ => format!("{}.{}", q(schema), q(table)),
    };
    format!("ALTER TABLE {table} RENAME COLUMN {} TO {}", q(from), q(to))
}

/// What `script`, a change of `table` in `schema`, touches.
pub fn impact(
    dialect: Dialect,
    schema: &Schema,
    table: &str,
    script: &MigrationScript,
) -> SchemaImpact {
    let dependent_views = schema
        .views
        .iter()
        .filter(|v| mentions(&v.definition, table))
        .map(|v| format!("{}.{}", schema.name, v.name))
        .collect();
    let referencing_keys = schema
        .tables
        .iter()
        .filter(|t| t.name != table)
        .flat_map(|t| {
            t.foreign_keys
                .iter()
                .filter(|k| k.referenced_table == table && k.referenced_schema == schema.name)
                .map(move |k| format!("{}.{} ({})", schema.name, t.name, k.columns.join(", ")))
        })
        .collect();
    let indexes = schema.indexes_of(table).map(|i| i.name.clone()).collect();
    let rewrites_table = script.statements.iter().any(|s| {
        let sql = s.sql.to_ascii_uppercase();
        match dialect {
            Dialect::Sqlite => sql.contains("_SR_NEW_"),
            Dialect::Postgres => sql.contains("ALTER COLUMN") && sql.contains(" TYPE "),
            Dialect::MySql => sql.contains(" MODIFY ") || sql.contains(" CHANGE "),
        }
    });
    SchemaImpact {
        dependent_views,
        referencing_keys,
        indexes,
        row_estimate: None,
        rewrites_table,
        destructive: script.statements.iter().any(|s| s.destructive),
    }
}

/// Whether SQL `text` names `word` as a whole word (any case).
fn mentions(text: &str, word: &str) -> bool {
    let text = text.to_lowercase();
    let word = word.to_lowercase();
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(&word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}

fn split(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
#[path = "table_editor_tests.rs"]
mod tests;
