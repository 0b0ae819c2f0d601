//! Toasts: short messages in a corner that go away by themselves, some with
//! an action (Undo).

use sr_engine::Command;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastLevel {
    Info,
    Success,
    Error,
}

#[derive(Debug, Clone)]
pub struct Toast {
    pub id: u64,
    pub level: ToastLevel,
    pub text: String,
    /// What "Undo" sends, when the toast offers it.
    pub undo: Option<Command>,
    /// When the toast was first drawn (seconds of UI time); it expires
    /// counting from then, so one that arrives while the window is hidden
    /// is still seen.
    pub shown_at: Option<f64>,
}

impl Toast {
    /// How long the toast stays, in seconds: longer for errors and for
    /// toasts with an action, so there is time to read and to click.
    pub fn lifetime(&self) -> f64 {
        match (self.level, self.undo.is_some()) {
            (_, true) => 10.0,
            (ToastLevel::Error, false) => 12.0,
            _ => 5.0,
        }
    }
}

/// The toasts on screen, oldest first.
#[derive(Debug, Clone, Default)]
pub struct Toasts {
    toasts: Vec<Toast>,
    next_id: u64,
}

impl Toasts {
    /// At most this many stay; older ones make room.
    pub const MAX: usize = 5;

    pub fn push(
        &mut self,
        level: ToastLevel,
        text: impl Into<String>,
        undo: Option<Command>,
    ) -> u64 {
        self.next_id += 1;
        self.toasts.push(Toast {
            id: self.next_id,
            level,
            text: text.into(),
            undo,
            shown_at: None,
        });
        if self.toasts.len() > Self::MAX {
            self.toasts.remove(0);
        }
        self.next_id
    }

    /// Marks new toasts as shown at `now` and drops the expired ones.
    /// Returns the seconds until the next one expires, for a timed repaint.
    pub fn tick(&mut self, now: f64) -> Option<f64> {
        for t in &mut self.toasts {
            t.shown_at.get_or_insert(now);
        }
        self.toasts
            .retain(|t| now - t.shown_at.unwrap_or(now) < t.lifetime());
        self.toasts
            .iter()
            .map(|t| t.shown_at.unwrap_or(now) + t.lifetime() - now)
            .reduce(f64::min)
    }

    /// Removes the toast `id` and returns it.
    pub fn take(&mut self, id: u64) -> Option<Toast> {
        let i = self.toasts.iter().position(|t| t.id == id)?;
        Some(self.toasts.remove(i))
    }

    pub fn iter(&self) -> impl Iterator<Item = &Toast> {
        self.toasts.iter()
    }

    pub fn len(&self) -> usize {
        self.toasts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.toasts.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toasts_expire_counting_from_first_draw() {
        let mut t = Toasts::default();
        t.push(ToastLevel::Success, "created", None);
        assert_eq!(t.tick(100.0), Some(5.0));
        t.push(ToastLevel::Error, "failed", None);
        assert_eq!(t.tick(103.0), Some(2.0));
        assert_eq!(t.tick(105.0), Some(10.0));
        assert_eq!(t.len(), 1);
        assert_eq!(t.tick(115.0), None);
        assert!(t.is_empty());
    }

    #[test]
    fn only_the_newest_toasts_stay() {
        let mut t = Toasts::default();
        for i in 0..7 {
            t.push(ToastLevel::Info, format!("t{i}"), None);
        }
        let texts: Vec<&str> = t.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["t2", "t3", "t4", "t5", "t6"]);
        let first = t.iter().next().map(|t| t.id).unwrap_or_default();
        assert_eq!(t.take(first).map(|t| t.text), Some("t2".to_owned()));
        assert_eq!(t.take(first).map(|t| t.text), None);
    }
}
