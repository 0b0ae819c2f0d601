//! A whiteboard as plain data: sticky notes, decision nodes, text, frames
//! and connectors, each with an id and bounds in board coordinates.
//!
//! Every change is an [`Op`] applied through [`Board::apply`], which
//! returns the op that undoes it; [`History`] keeps both so undo and redo
//! are one `apply` each. Hit-testing and JSON (the document the store
//! keeps per connection) live here too, so the canvas only draws and
//! turns input into ops.

mod ops;

use serde::{Deserialize, Serialize};
use sr_model::IssueKey;

pub use ops::{History, Op};

/// An item's id, unique within its board and never reused.
pub type ItemId = u64;

/// The version of the JSON document [`Board::to_json`] writes.
pub const FORMAT: u32 = 1;

/// The smallest width and height an item can be resized to.
pub const MIN_SIZE: f32 = 24.0;

/// How close (in board units) a point must be to a connector to hit it.
pub const CONNECTOR_SLACK: f32 = 6.0;

/// What went wrong with a board or an op.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BoardError {
    #[error(
        "the whiteboard has no item {0}; it was deleted (reload the board if it was deleted elsewhere)"
    )]
    NoItem(ItemId),
    #[error("a connector joins two items; item {0} is a connector or missing")]
    BadEnd(ItemId),
    #[error("the whiteboard already has an item {0}")]
    Duplicate(ItemId),
    #[error(
        "the stored whiteboard is not valid JSON ({0}); it was written by another program or damaged"
    )]
    Json(String),
    #[error(
        "the stored whiteboard has format {found}, newer than this program knows ({FORMAT}); upgrade ScratchRobin"
    )]
    TooNew { found: u32 },
}

/// A point or a size in board coordinates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Vec2 {
    pub x: f32,
    pub y: f32,
}

impl Vec2 {
    pub const fn new(x: f32, y: f32) -> Self {
        Vec2 { x, y }
    }
}

/// An axis-aligned rectangle: top-left corner and size.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Bounds {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Bounds {
    pub const fn new(x: f32, y: f32, w: f32, h: f32) -> Self {
        Bounds { x, y, w, h }
    }

    pub fn contains(&self, p: Vec2) -> bool {
        p.x >= self.x && p.x <= self.x + self.w && p.y >= self.y && p.y <= self.y + self.h
    }

    /// Whether `other` lies wholly inside.
    pub fn encloses(&self, other: &Bounds) -> bool {
        other.x >= self.x
            && other.y >= self.y
            && other.x + other.w <= self.x + self.w
            && other.y + other.h <= self.y + self.h
    }

    pub fn centre(&self) -> Vec2 {
        Vec2::new(self.x + self.w / 2.0, self.y + self.h / 2.0)
    }

    /// The bottom-right corner, where the resize handle is.
    pub fn corner(&self) -> Vec2 {
        Vec2::new(self.x + self.w, self.y + self.h)
    }
}

/// A sticky note's colour.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteColour {
    #[default]
    Yellow,
    Pink,
    Blue,
    Green,
}

impl NoteColour {
    pub const ALL: [NoteColour; 4] = [
        NoteColour::Yellow,
        NoteColour::Pink,
        NoteColour::Blue,
        NoteColour::Green,
    ];

    pub fn name(self) -> &'static str {
        match self {
            NoteColour::Yellow => "yellow",
            NoteColour::Pink => "pink",
            NoteColour::Blue => "blue",
            NoteColour::Green => "green",
        }
    }
}

/// What an item is, with what it says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ItemKind {
    /// A sticky note; `issue` is the issue it was turned into.
    Note {
        text: String,
        #[serde(default)]
        colour: NoteColour,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        issue: Option<IssueKey>,
    },
    /// A question with options, one of them perhaps chosen; `issue` is the
    /// ADR it was recorded as.
    Decision {
        question: String,
        #[serde(default)]
        options: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        chosen: Option<usize>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        issue: Option<IssueKey>,
    },
    /// Free text on the board.
    Text { text: String },
    /// A titled area; the items wholly inside it move with it.
    Frame { title: String },
    /// An arrow from one item to another.
    Connector {
        from: ItemId,
        to: ItemId,
        #[serde(default)]
        label: String,
    },
}

impl ItemKind {
    /// The kind's name as the UI says it.
    pub fn label(&self) -> &'static str {
        match self {
            ItemKind::Note { .. } => "Note",
            ItemKind::Decision { .. } => "Decision",
            ItemKind::Text { .. } => "Text",
            ItemKind::Frame { .. } => "Frame",
            ItemKind::Connector { .. } => "Connector",
        }
    }

    /// The text edited in place: a note's or text's text, a decision's
    /// question, a frame's title, a connector's label.
    pub fn text(&self) -> &str {
        match self {
            ItemKind::Note { text, .. } | ItemKind::Text { text } => text,
            ItemKind::Decision { question, .. } => question,
            ItemKind::Frame { title } => title,
            ItemKind::Connector { label, .. } => label,
        }
    }

    /// The same item with its in-place text replaced.
    pub fn with_text(&self, new: &str) -> ItemKind {
        let mut kind = self.clone();
        match &mut kind {
            ItemKind::Note { text, .. } | ItemKind::Text { text } => *text = new.to_owned(),
            ItemKind::Decision { question, .. } => *question = new.to_owned(),
            ItemKind::Frame { title } => *title = new.to_owned(),
            ItemKind::Connector { label, .. } => *label = new.to_owned(),
        }
        kind
    }

    /// The issue this item was turned into, if any.
    pub fn issue(&self) -> Option<&IssueKey> {
        match self {
            ItemKind::Note { issue, .. } | ItemKind::Decision { issue, .. } => issue.as_ref(),
            _ => None,
        }
    }
}

/// One thing on the board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub id: ItemId,
    /// Where it is; a connector's bounds are unused (it follows its ends).
    pub bounds: Bounds,
    #[serde(flatten)]
    pub kind: ItemKind,
}

/// The default size of a new item of each kind.
pub fn default_size(kind: &ItemKind) -> Vec2 {
    match kind {
        ItemKind::Note { .. } => Vec2::new(160.0, 120.0),
        ItemKind::Decision { .. } => Vec2::new(200.0, 110.0),
        ItemKind::Text { .. } => Vec2::new(160.0, 32.0),
        ItemKind::Frame { .. } => Vec2::new(420.0, 300.0),
        ItemKind::Connector { .. } => Vec2::new(0.0, 0.0),
    }
}

/// A whiteboard: items in drawing order (frames first, so they stay
/// behind), the next free id, and the design-review issue it was
/// submitted as.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Board {
    pub format: u32,
    pub items: Vec<Item>,
    pub next_id: ItemId,
    pub review: Option<IssueKey>,
}

impl Board {
    pub fn new() -> Self {
        Board {
            format: FORMAT,
            items: Vec::new(),
            next_id: 1,
            review: None,
        }
    }

    pub fn item(&self, id: ItemId) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    pub(crate) fn index_of(&self, id: ItemId) -> Option<usize> {
        self.items.iter().position(|i| i.id == id)
    }

    /// A new item of `kind` centred on `at`, with a fresh id; add it with
    /// [`Op::Add`].
    pub fn new_item(&self, kind: ItemKind, at: Vec2) -> Item {
        let size = default_size(&kind);
        Item {
            id: self.next_id.max(1),
            bounds: Bounds::new(at.x - size.x / 2.0, at.y - size.y / 2.0, size.x, size.y),
            kind,
        }
    }

    /// The topmost item at `p`: a connector when `p` is within
    /// [`CONNECTOR_SLACK`] of its line, else the last-drawn box holding it.
    pub fn hit(&self, p: Vec2) -> Option<ItemId> {
        let mut boxed = None;
        for item in self.items.iter().rev() {
            match &item.kind {
                ItemKind::Connector { from, to, .. } => {
                    if let Some((a, b)) = self.ends(*from, *to)
                        && distance_to_segment(p, a, b) <= CONNECTOR_SLACK
                    {
                        return Some(item.id);
                    }
                }
                _ if boxed.is_none() && item.bounds.contains(p) => boxed = Some(item.id),
                _ => {}
            }
        }
        boxed
    }

    /// The item whose resize handle (its bottom-right corner, `slack` wide)
    /// is at `p`; connectors have none.
    pub fn handle_at(&self, p: Vec2, slack: f32) -> Option<ItemId> {
        self.items.iter().rev().find_map(|item| {
            let c = item.bounds.corner();
            let near = (p.x - c.x).abs() <= slack && (p.y - c.y).abs() <= slack;
            (near && !matches!(item.kind, ItemKind::Connector { .. })).then_some(item.id)
        })
    }

    /// The centres of a connector's two ends, when both exist.
    pub fn ends(&self, from: ItemId, to: ItemId) -> Option<(Vec2, Vec2)> {
        Some((
            self.item(from)?.bounds.centre(),
            self.item(to)?.bounds.centre(),
        ))
    }

    /// The items wholly inside frame `id` (connectors excluded), which move
    /// with it.
    pub fn frame_contents(&self, id: ItemId) -> Vec<ItemId> {
        let Some(frame) = self
            .item(id)
            .filter(|i| matches!(i.kind, ItemKind::Frame { .. }))
        else {
            return Vec::new();
        };
        self.items
            .iter()
            .filter(|i| i.id != id && !matches!(i.kind, ItemKind::Connector { .. }))
            .filter(|i| frame.bounds.encloses(&i.bounds))
            .map(|i| i.id)
            .collect()
    }

    /// Every issue the board refers to: notes', decisions' and the review.
    pub fn issues(&self) -> Vec<IssueKey> {
        let mut keys: Vec<IssueKey> = self
            .items
            .iter()
            .filter_map(|i| i.kind.issue().cloned())
            .collect();
        keys.extend(self.review.clone());
        keys.sort();
        keys.dedup();
        keys
    }

    /// The board as the JSON document the store keeps.
    pub fn to_json(&self) -> String {
        // Plain data with string keys cannot fail to serialise.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A board from its stored document.
    pub fn from_json(text: &str) -> Result<Board, BoardError> {
        let board: Board =
            serde_json::from_str(text).map_err(|e| BoardError::Json(e.to_string()))?;
        if board.format > FORMAT {
            return Err(BoardError::TooNew {
                found: board.format,
            });
        }
        let max = board.items.iter().map(|i| i.id).max().unwrap_or(0);
        Ok(Board {
            format: FORMAT,
            next_id: board.next_id.max(max + 1),
            ..board
        })
    }
}

fn distance_to_segment(p: Vec2, a: Vec2, b: Vec2) -> f32 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0)
    };
    let (cx, cy) = (a.x + t * dx, a.y + t * dy);
    ((p.x - cx).powi(2) + (p.y - cy).powi(2)).sqrt()
}

#[cfg(test)]
mod tests;
