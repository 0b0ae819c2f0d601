//! Steps of a migration and the order they run in.
//!
//! A renderer emits steps: statements about one object (dropping,
//! creating or altering it) with a rank, the phase it would take in a
//! fixed kind-by-kind order. [`Steps::order`] then sorts them
//! topologically over the dependency graph: a step creating or altering an
//! object comes after the steps creating what it depends on in `b`; a step
//! dropping an object comes after the steps dropping or altering what
//! depends on it in `a`; an object is dropped before it is created again.
//! Among steps free to go, the lowest rank goes first, then the one
//! emitted first, so without dependencies the fixed order is kept and the
//! output is deterministic. A dependency cycle (which a database cannot
//! hold, but a snapshot with inferred edges can) is broken at the lowest
//! rank.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use super::Statement;
use crate::diff::ObjectType;
use crate::model::{Dependency, ObjectId};

/// What a step does to its object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Action {
    Drop,
    Create,
    Alter,
}

/// One object and what a step does to it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Node {
    pub action: Action,
    pub id: ObjectId,
}

impl Node {
    pub fn drop(id: ObjectId) -> Self {
        Node {
            action: Action::Drop,
            id,
        }
    }
    pub fn create(id: ObjectId) -> Self {
        Node {
            action: Action::Create,
            id,
        }
    }
    pub fn alter(id: ObjectId) -> Self {
        Node {
            action: Action::Alter,
            id,
        }
    }
}

#[derive(Debug)]
pub(crate) struct Step {
    rank: u16,
    node: Option<Node>,
    after: Vec<Node>,
    /// Runs before the transaction the rest of the script runs in.
    outside_transaction: bool,
    statements: Vec<Statement>,
}

impl Step {
    pub fn sql(&mut self, sql: impl Into<String>) -> &mut Self {
        self.statements.push(Statement {
            sql: sql.into(),
            destructive: false,
        });
        self
    }

    pub fn destructive(&mut self, sql: impl Into<String>, destructive: bool) -> &mut Self {
        self.statements.push(Statement {
            sql: sql.into(),
            destructive,
        });
        self
    }

    /// The step also waits for every step on `node`.
    pub fn after(&mut self, node: Node) -> &mut Self {
        self.after.push(node);
        self
    }

    pub fn outside_transaction(&mut self) -> &mut Self {
        self.outside_transaction = true;
        self
    }
}

/// The steps of one migration, in the order they were emitted.
#[derive(Debug, Default)]
pub(crate) struct Steps {
    list: Vec<Step>,
}

/// The statements in order: those that must run outside a transaction
/// first, then the rest.
pub(crate) struct Ordered {
    pub outside: Vec<Statement>,
    pub inside: Vec<Statement>,
}

impl Steps {
    /// A new step of `rank` about `node` (`None` for one that orders only
    /// by rank and its `after` list).
    pub fn add(&mut self, rank: u16, node: Option<Node>) -> &mut Step {
        self.list.push(Step {
            rank,
            node,
            after: Vec::new(),
            outside_transaction: false,
            statements: Vec::new(),
        });
        let last = self.list.len() - 1;
        &mut self.list[last]
    }

    /// A one-statement step.
    pub fn one(&mut self, rank: u16, node: Option<Node>, sql: impl Into<String>) -> &mut Step {
        self.add(rank, node).sql(sql)
    }

    /// Sorts the steps (see the module comment); `from` and `to` are the
    /// dependencies in `a` and in `b`.
    pub fn order(self, from: &[Dependency], to: &[Dependency]) -> Ordered {
        let n = self.list.len();
        let mut made: HashMap<&ObjectId, Vec<usize>> = HashMap::new();
        let mut dropped: HashMap<&ObjectId, Vec<usize>> = HashMap::new();
        let mut changed: HashMap<&ObjectId, Vec<usize>> = HashMap::new();
        let mut by_node: HashMap<&Node, Vec<usize>> = HashMap::new();
        for (i, s) in self.list.iter().enumerate() {
            let Some(node) = &s.node else { continue };
            by_node.entry(node).or_default().push(i);
            match node.action {
                Action::Drop => dropped.entry(&node.id).or_default().push(i),
                Action::Create => made.entry(&node.id).or_default().push(i),
                Action::Alter => {
                    made.entry(&node.id).or_default().push(i);
                    changed.entry(&node.id).or_default().push(i);
                }
            }
        }
        let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut indeg = vec![0usize; n];
        let mut edge = |a: usize, b: usize| {
            if a != b {
                succ[a].push(b);
                indeg[b] += 1;
            }
        };
        let none: Vec<usize> = Vec::new();
        let get = |m: &HashMap<&ObjectId, Vec<usize>>, id: &ObjectId| -> Vec<usize> {
            m.get(id).cloned().unwrap_or_default()
        };
        for d in to {
            if d.object == d.on {
                continue;
            }
            for x in get(&made, &d.on) {
                for y in made.get(&d.object).unwrap_or(&none) {
                    edge(x, *y);
                }
            }
        }
        // An index, trigger or policy without a drop of its own goes with
        // its table or view: that drop stands for it.
        let drops_of = |id: &ObjectId| -> Vec<usize> {
            let own = get(&dropped, id);
            match (&id.table, own.is_empty()) {
                (Some(t), true) => [
                    ObjectType::Table,
                    ObjectType::View,
                    ObjectType::MaterializedView,
                ]
                .into_iter()
                .flat_map(|k| get(&dropped, &ObjectId::new(k, &id.schema, t)))
                .collect(),
                _ => own,
            }
        };
        for d in from {
            if d.object == d.on {
                continue;
            }
            // What depended on an object is dropped or changed before the
            // object goes, and dropped before the object changes.
            let gone = get(&dropped, &d.on);
            let altered = get(&changed, &d.on);
            if gone.is_empty() && altered.is_empty() {
                continue;
            }
            for y in drops_of(&d.object) {
                for x in gone.iter().chain(&altered) {
                    edge(y, *x);
                }
            }
            for y in get(&changed, &d.object) {
                for x in &gone {
                    edge(y, *x);
                }
            }
        }
        for (i, s) in self.list.iter().enumerate() {
            if let Some(Node {
                action: Action::Create | Action::Alter,
                id,
            }) = &s.node
            {
                for d in get(&dropped, id) {
                    edge(d, i);
                }
            }
            for a in &s.after {
                for p in by_node.get(a).unwrap_or(&none) {
                    edge(*p, i);
                }
            }
        }

        let key = |i: usize| Reverse((self.list[i].rank, i));
        let mut ready: BinaryHeap<Reverse<(u16, usize)>> =
            (0..n).filter(|&i| indeg[i] == 0).map(key).collect();
        let mut done = vec![false; n];
        let mut order = Vec::with_capacity(n);
        while order.len() < n {
            let next = match ready.pop() {
                Some(Reverse((_, i))) if !done[i] => i,
                Some(_) => continue,
                // A cycle: release the lowest-ranked step still waiting.
                None => match (0..n)
                    .filter(|&i| !done[i])
                    .min_by_key(|&i| (self.list[i].rank, i))
                {
                    Some(i) => i,
                    None => break,
                },
            };
            done[next] = true;
            order.push(next);
            for &b in &succ[next] {
                indeg[b] = indeg[b].saturating_sub(1);
                if indeg[b] == 0 && !done[b] {
                    ready.push(key(b));
                }
            }
        }
        let mut slots: Vec<Option<Step>> = self.list.into_iter().map(Some).collect();
        let mut out = Ordered {
            outside: Vec::new(),
            inside: Vec::new(),
        };
        for i in order {
            if let Some(step) = slots[i].take() {
                if step.outside_transaction {
                    out.outside.extend(step.statements);
                } else {
                    out.inside.extend(step.statements);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(kind: ObjectType, name: &str) -> ObjectId {
        ObjectId::new(kind, "s", name)
    }

    fn dep(object: ObjectId, on: ObjectId) -> Dependency {
        Dependency { object, on }
    }

    fn sqls(o: Ordered) -> Vec<String> {
        o.outside
            .into_iter()
            .chain(o.inside)
            .map(|s| s.sql)
            .collect()
    }

    #[test]
    fn ranks_hold_without_dependencies_and_dependencies_win() {
        let t = id(ObjectType::Table, "t");
        let f = id(ObjectType::Function, "f");
        let v = id(ObjectType::View, "v");
        let build = || {
            let mut s = Steps::default();
            s.one(30, Some(Node::create(v.clone())), "view");
            s.one(10, Some(Node::create(f.clone())), "function");
            s.one(20, Some(Node::create(t.clone())), "table");
            s
        };
        assert_eq!(sqls(build().order(&[], &[])), ["function", "table", "view"]);
        // The function returns the table's rows; the view calls it.
        let to = [dep(f.clone(), t.clone()), dep(v.clone(), f.clone())];
        assert_eq!(sqls(build().order(&[], &to)), ["table", "function", "view"]);
    }

    #[test]
    fn drops_go_dependents_first_and_before_a_create() {
        let t = id(ObjectType::Table, "t");
        let v = id(ObjectType::View, "v");
        let mut s = Steps::default();
        s.one(50, Some(Node::drop(t.clone())), "drop t");
        s.one(60, Some(Node::drop(v.clone())), "drop v");
        s.one(10, Some(Node::create(v.clone())), "create v");
        let from = [dep(v.clone(), t.clone())];
        assert_eq!(sqls(s.order(&from, &[])), ["drop v", "create v", "drop t"]);
    }

    #[test]
    fn cycles_are_broken_at_the_lowest_rank() {
        let a = id(ObjectType::Function, "a");
        let b = id(ObjectType::Function, "b");
        let mut s = Steps::default();
        s.one(20, Some(Node::create(a.clone())), "a");
        s.one(10, Some(Node::create(b.clone())), "b");
        s.one(5, None, "first").outside_transaction();
        let to = [dep(a.clone(), b.clone()), dep(b.clone(), a.clone())];
        assert_eq!(sqls(s.order(&[], &to)), ["first", "b", "a"]);
    }
}

/// The phases steps are ranked by: the order a kind-by-kind renderer
/// would use, which the dependency graph refines.
pub(crate) mod rank {
    /// Session settings.
    pub const SETUP: u16 = 0;
    pub const DROP_TRIGGER: u16 = 10;
    /// Releasing a sequence from a column before the column goes.
    pub const DISOWN: u16 = 15;
    pub const DROP_VIEW: u16 = 20;
    pub const DROP_SECURITY: u16 = 25;
    pub const DROP_FOREIGN_KEY: u16 = 30;
    pub const DROP_INDEX: u16 = 40;
    pub const DROP_TABLE: u16 = 50;
    pub const DROP_ROUTINE: u16 = 60;
    pub const DROP_DEFINED: u16 = 65;
    pub const SCHEMA: u16 = 100;
    pub const EXTENSION: u16 = 110;
    pub const COLLATION: u16 = 115;
    pub const ENUM: u16 = 120;
    pub const DOMAIN: u16 = 130;
    pub const TYPE: u16 = 135;
    pub const SEQUENCE: u16 = 140;
    pub const ROUTINE: u16 = 150;
    pub const AGGREGATE: u16 = 155;
    pub const OPERATOR: u16 = 156;
    pub const CAST: u16 = 157;
    pub const TABLE: u16 = 160;
    pub const ALTER_TABLE: u16 = 170;
    /// Sequences, types, extensions and schemas nothing uses any more.
    pub const DROP_LATE: u16 = 180;
    pub const FOREIGN_KEY: u16 = 190;
    pub const DEFERRABLE: u16 = 195;
    pub const OWNED_BY: u16 = 200;
    pub const VIEW: u16 = 210;
    pub const INDEX: u16 = 220;
    pub const TRIGGER: u16 = 230;
    pub const SECURITY: u16 = 240;
    pub const COMMENT: u16 = 250;
    /// Event triggers and publications, which watch everything else.
    pub const LAST: u16 = 260;
}
