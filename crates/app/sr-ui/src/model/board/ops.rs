//! Changes to a board as values. [`Board::apply`] performs one and returns
//! its inverse; [`History`] keeps (op, inverse) pairs for undo and redo.

use super::{Board, BoardError, Bounds, Item, ItemId, ItemKind, MIN_SIZE};

/// One change to a board.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Adds an item on top (a frame at the back).
    Add(Item),
    /// Puts an item back at `index` in drawing order (undoes a removal).
    Insert { index: usize, item: Item },
    /// Removes one item (see [`Op::delete`] for an item and its connectors).
    Remove(ItemId),
    /// Moves items by `(dx, dy)`.
    Move { ids: Vec<ItemId>, dx: f32, dy: f32 },
    /// Gives an item new bounds (resize), at least [`MIN_SIZE`] each way.
    SetBounds { id: ItemId, bounds: Bounds },
    /// Replaces what an item is and says (edit text, colour, options,
    /// chosen option, linked issue).
    SetKind { id: ItemId, kind: ItemKind },
    /// Sets or clears the board's design-review issue.
    SetReview(Option<sr_model::IssueKey>),
    /// Several ops as one step, applied in order.
    Batch(Vec<Op>),
}

impl Op {
    /// Deletes `id` with every connector that ends on it.
    pub fn delete(board: &Board, id: ItemId) -> Op {
        let mut ops: Vec<Op> = board
            .items
            .iter()
            .filter(|i| match i.kind {
                ItemKind::Connector { from, to, .. } => from == id || to == id,
                _ => false,
            })
            .map(|i| Op::Remove(i.id))
            .collect();
        ops.push(Op::Remove(id));
        Op::Batch(ops)
    }

    /// Moves `id` by `(dx, dy)`, with the contents of a frame.
    pub fn move_item(board: &Board, id: ItemId, dx: f32, dy: f32) -> Op {
        let mut ids = vec![id];
        ids.extend(board.frame_contents(id));
        Op::Move { ids, dx, dy }
    }

    /// Connects `from` to `to` with a new connector.
    pub fn connect(board: &Board, from: ItemId, to: ItemId, label: &str) -> Op {
        let kind = ItemKind::Connector {
            from,
            to,
            label: label.to_owned(),
        };
        Op::Add(board.new_item(kind, super::Vec2::default()))
    }
}

impl Board {
    /// Applies `op`; on success returns the op that undoes it. A failing
    /// op changes nothing (a batch is checked on a copy first).
    pub fn apply(&mut self, op: Op) -> Result<Op, BoardError> {
        match op {
            Op::Add(item) => {
                let index = match item.kind {
                    ItemKind::Frame { .. } => 0,
                    _ => self.items.len(),
                };
                self.insert(index, item)
            }
            Op::Insert { index, item } => self.insert(index, item),
            Op::Remove(id) => {
                let index = self.index_of(id).ok_or(BoardError::NoItem(id))?;
                let item = self.items.remove(index);
                Ok(Op::Insert { index, item })
            }
            Op::Move { ids, dx, dy } => {
                if let Some(&missing) = ids.iter().find(|&&id| self.index_of(id).is_none()) {
                    return Err(BoardError::NoItem(missing));
                }
                for item in self.items.iter_mut().filter(|i| ids.contains(&i.id)) {
                    item.bounds.x += dx;
                    item.bounds.y += dy;
                }
                Ok(Op::Move {
                    ids,
                    dx: -dx,
                    dy: -dy,
                })
            }
            Op::SetBounds { id, bounds } => {
                let index = self.index_of(id).ok_or(BoardError::NoItem(id))?;
                let clamped = Bounds {
                    w: bounds.w.max(MIN_SIZE),
                    h: bounds.h.max(MIN_SIZE),
                    ..bounds
                };
                let old = std::mem::replace(&mut self.items[index].bounds, clamped);
                Ok(Op::SetBounds { id, bounds: old })
            }
            Op::SetKind { id, kind } => {
                let index = self.index_of(id).ok_or(BoardError::NoItem(id))?;
                self.check_ends(&kind)?;
                let old = std::mem::replace(&mut self.items[index].kind, kind);
                Ok(Op::SetKind { id, kind: old })
            }
            Op::SetReview(review) => Ok(Op::SetReview(std::mem::replace(&mut self.review, review))),
            Op::Batch(ops) => {
                let mut trial = self.clone();
                let mut inverses = Vec::with_capacity(ops.len());
                for op in ops {
                    inverses.push(trial.apply(op)?);
                }
                *self = trial;
                inverses.reverse();
                Ok(Op::Batch(inverses))
            }
        }
    }

    fn insert(&mut self, index: usize, item: Item) -> Result<Op, BoardError> {
        if self.index_of(item.id).is_some() {
            return Err(BoardError::Duplicate(item.id));
        }
        self.check_ends(&item.kind)?;
        let id = item.id;
        self.next_id = self.next_id.max(id + 1);
        self.items.insert(index.min(self.items.len()), item);
        Ok(Op::Remove(id))
    }

    /// A connector's ends must be items that are not connectors.
    fn check_ends(&self, kind: &ItemKind) -> Result<(), BoardError> {
        if let ItemKind::Connector { from, to, .. } = kind {
            for end in [*from, *to] {
                match self.item(end) {
                    Some(i) if !matches!(i.kind, ItemKind::Connector { .. }) => {}
                    _ => return Err(BoardError::BadEnd(end)),
                }
            }
        }
        Ok(())
    }
}

/// Undo and redo: each step is an op as done and the op that undoes it.
#[derive(Debug, Clone, Default)]
pub struct History {
    undo: Vec<(Op, Op)>,
    redo: Vec<(Op, Op)>,
}

impl History {
    /// Applies `op` to `board` and records it; a new step clears redo.
    pub fn perform(&mut self, board: &mut Board, op: Op) -> Result<(), BoardError> {
        let inverse = board.apply(op.clone())?;
        self.record(op, inverse);
        Ok(())
    }

    /// Records a step already applied (a drag moves the items live and
    /// records one move when it ends).
    pub fn record(&mut self, op: Op, inverse: Op) {
        self.undo.push((op, inverse));
        self.redo.clear();
    }

    /// Undoes the last step; false when there is none.
    pub fn undo(&mut self, board: &mut Board) -> bool {
        self.step(board, true)
    }

    /// Redoes the last undone step; false when there is none.
    pub fn redo(&mut self, board: &mut Board) -> bool {
        self.step(board, false)
    }

    fn step(&mut self, board: &mut Board, undo: bool) -> bool {
        let (from, to) = if undo {
            (&mut self.undo, &mut self.redo)
        } else {
            (&mut self.redo, &mut self.undo)
        };
        let Some((op, inverse)) = from.pop() else {
            return false;
        };
        let todo = if undo { inverse.clone() } else { op.clone() };
        match board.apply(todo) {
            Ok(_) => {
                to.push((op, inverse));
                true
            }
            // The board changed under the history (a reload): drop it.
            Err(_) => {
                self.undo.clear();
                self.redo.clear();
                false
            }
        }
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
    }
}
