//! The board model checked as data: ops and their inverses, undo and redo,
//! hit-testing, frames, connectors and the JSON document.

use super::*;

fn note(text: &str) -> ItemKind {
    ItemKind::Note {
        text: text.into(),
        colour: NoteColour::Yellow,
        issue: None,
    }
}

/// A board with a note (1) at (0,0) 100×100, a text (2) at (200,0) 100×40,
/// a frame (3) at (-50,-50) 400×300 behind them, and a connector (4) 1→2.
fn sample() -> Board {
    let mut b = Board::new();
    let items = [
        (1, Bounds::new(0.0, 0.0, 100.0, 100.0), note("one")),
        (
            2,
            Bounds::new(200.0, 0.0, 100.0, 40.0),
            ItemKind::Text { text: "two".into() },
        ),
        (
            3,
            Bounds::new(-50.0, -50.0, 400.0, 300.0),
            ItemKind::Frame { title: "f".into() },
        ),
        (
            4,
            Bounds::default(),
            ItemKind::Connector {
                from: 1,
                to: 2,
                label: String::new(),
            },
        ),
    ];
    for (id, bounds, kind) in items {
        b.apply(Op::Add(Item { id, bounds, kind })).unwrap();
    }
    b
}

fn ids(b: &Board) -> Vec<ItemId> {
    b.items.iter().map(|i| i.id).collect()
}

#[test]
fn ops_apply_and_their_inverses_restore_the_board() {
    let check = |op: Op, expected_ids: &[ItemId]| {
        let mut b = sample();
        let before = b.clone();
        let inverse = b
            .apply(op.clone())
            .unwrap_or_else(|e| panic!("{op:?}: {e}"));
        assert_eq!(ids(&b), expected_ids, "{op:?}");
        b.apply(inverse).unwrap();
        assert_eq!(
            (&b.items, &b.review),
            (&before.items, &before.review),
            "undoing {op:?}"
        );
        // Ids are never reused, not even after an undone add.
        assert!(b.next_id >= before.next_id, "{op:?}");
    };
    check(Op::Remove(2), &[3, 1, 4]);
    check(Op::delete(&sample(), 2), &[3, 1]);
    check(Op::delete(&sample(), 4), &[3, 1, 2]);
    check(
        Op::Move {
            ids: vec![1, 2],
            dx: 5.0,
            dy: -3.0,
        },
        &[3, 1, 2, 4],
    );
    check(Op::move_item(&sample(), 3, 10.0, 10.0), &[3, 1, 2, 4]);
    check(
        Op::SetBounds {
            id: 1,
            bounds: Bounds::new(1.0, 2.0, 3.0, 400.0),
        },
        &[3, 1, 2, 4],
    );
    check(
        Op::SetKind {
            id: 1,
            kind: note("edited"),
        },
        &[3, 1, 2, 4],
    );
    check(Op::connect(&sample(), 2, 1, "back"), &[3, 1, 2, 4, 5]);
    check(
        Op::Add(sample().new_item(ItemKind::Frame { title: "g".into() }, Vec2::default())),
        &[5, 3, 1, 2, 4],
    );
    check(
        Op::SetReview(Some(IssueKey::new("local", "default", "9"))),
        &[3, 1, 2, 4],
    );
}

#[test]
fn bad_ops_fail_and_change_nothing() {
    let check = |op: Op, expected: BoardError| {
        let mut b = sample();
        assert_eq!(b.apply(op.clone()), Err(expected), "{op:?}");
        assert_eq!(b, sample(), "{op:?} left the board alone");
    };
    check(Op::Remove(9), BoardError::NoItem(9));
    check(
        Op::Move {
            ids: vec![1, 9],
            dx: 1.0,
            dy: 1.0,
        },
        BoardError::NoItem(9),
    );
    check(
        Op::SetKind {
            id: 9,
            kind: note("x"),
        },
        BoardError::NoItem(9),
    );
    check(Op::connect(&sample(), 1, 9, ""), BoardError::BadEnd(9));
    check(Op::connect(&sample(), 4, 1, ""), BoardError::BadEnd(4));
    check(
        Op::Add(Item {
            id: 1,
            bounds: Bounds::default(),
            kind: note("dup"),
        }),
        BoardError::Duplicate(1),
    );
    // A batch fails as a whole: the first removal is not kept.
    check(
        Op::Batch(vec![Op::Remove(1), Op::Remove(9)]),
        BoardError::NoItem(9),
    );
}

#[test]
fn moves_carry_frame_contents_and_resizes_clamp() {
    let mut b = sample();
    b.apply(Op::move_item(&b.clone(), 3, 10.0, 20.0)).unwrap();
    let at = |b: &Board, id| b.item(id).map(|i| (i.bounds.x, i.bounds.y));
    assert_eq!(
        (at(&b, 3), at(&b, 1), at(&b, 2)),
        (
            Some((-40.0, -30.0)),
            Some((10.0, 20.0)),
            Some((210.0, 20.0))
        )
    );
    b.apply(Op::SetBounds {
        id: 1,
        bounds: Bounds::new(0.0, 0.0, 2.0, -5.0),
    })
    .unwrap();
    assert_eq!(
        b.item(1).map(|i| (i.bounds.w, i.bounds.h)),
        Some((MIN_SIZE, MIN_SIZE))
    );
    assert_eq!(
        b.frame_contents(1),
        Vec::<ItemId>::new(),
        "a note is no frame"
    );
}

#[test]
fn undo_and_redo_walk_the_history() {
    let mut b = Board::new();
    let mut h = History::default();
    let states = |b: &Board| {
        b.items
            .iter()
            .map(|i| i.kind.text().to_owned())
            .collect::<Vec<_>>()
    };
    let first = b.new_item(note("a"), Vec2::new(0.0, 0.0));
    h.perform(&mut b, Op::Add(first)).unwrap();
    let second = b.new_item(note("b"), Vec2::new(300.0, 0.0));
    assert_eq!(second.id, 2, "ids are never reused");
    h.perform(&mut b, Op::Add(second)).unwrap();
    h.perform(
        &mut b,
        Op::SetKind {
            id: 1,
            kind: note("a2"),
        },
    )
    .unwrap();
    assert_eq!(states(&b), ["a2", "b"]);
    assert!(h.undo(&mut b));
    assert_eq!(states(&b), ["a", "b"]);
    assert!(h.undo(&mut b));
    assert_eq!(states(&b), ["a"]);
    assert!(h.redo(&mut b));
    assert_eq!(states(&b), ["a", "b"]);
    // A new step clears what could be redone.
    let op = Op::delete(&b, 1);
    h.perform(&mut b, op).unwrap();
    assert!(!h.can_redo());
    assert!(!h.redo(&mut b));
    assert_eq!(states(&b), ["b"]);
    assert!(h.undo(&mut b) && h.undo(&mut b) && h.undo(&mut b));
    assert!(!h.undo(&mut b), "nothing left to undo");
    assert!(b.items.is_empty());
}

#[test]
fn hits_prefer_connectors_then_the_topmost_box() {
    let b = sample();
    let check = |x: f32, y: f32, expected: Option<ItemId>| {
        assert_eq!(b.hit(Vec2::new(x, y)), expected, "at ({x}, {y})");
    };
    check(50.0, 80.0, Some(1));
    check(250.0, 30.0, Some(2));
    // On the line from (50,50) to (250,20), within the slack.
    check(150.0, 37.0, Some(4));
    check(150.0, 200.0, Some(3));
    check(-60.0, 0.0, None);
    check(1000.0, 1000.0, None);
    let handle = |x: f32, y: f32| b.handle_at(Vec2::new(x, y), 5.0);
    assert_eq!(
        (
            handle(100.0, 98.0),
            handle(349.0, 250.0),
            handle(50.0, 50.0)
        ),
        (Some(1), Some(3), None)
    );
}

#[test]
fn json_round_trips_and_refuses_what_it_cannot_read() {
    let mut b = sample();
    b.apply(Op::SetKind {
        id: 1,
        kind: ItemKind::Note {
            text: "x".into(),
            colour: NoteColour::Pink,
            issue: Some(IssueKey::new("local", "default", "3")),
        },
    })
    .unwrap();
    b.apply(Op::Add(b.new_item(
        ItemKind::Decision {
            question: "q?".into(),
            options: vec!["a".into(), "b".into()],
            chosen: Some(1),
            issue: None,
        },
        Vec2::default(),
    )))
    .unwrap();
    let json = b.to_json();
    assert!(json.contains(r#""issue":"local:default:3""#), "{json}");
    assert!(json.contains(r#""type":"decision""#), "{json}");
    assert_eq!(Board::from_json(&json), Ok(b));

    let check = |text: &str, expected: Result<(usize, ItemId), BoardError>| {
        let got = Board::from_json(text).map(|b| (b.items.len(), b.next_id));
        match (&got, &expected) {
            (Err(BoardError::Json(_)), Err(BoardError::Json(_))) => {}
            _ => assert_eq!(got, expected, "{text}"),
        }
    };
    check("{}", Ok((0, 1)));
    // An old document without next_id gets one past its largest id.
    check(
        r#"{"items":[{"id":7,"bounds":{"x":0,"y":0,"w":1,"h":1},"type":"text","text":"t"}]}"#,
        Ok((1, 8)),
    );
    check(r#"{"format":2}"#, Err(BoardError::TooNew { found: 2 }));
    check("not json", Err(BoardError::Json(String::new())));
    check(
        r#"{"items":[{"id":1,"type":"blob"}]}"#,
        Err(BoardError::Json(String::new())),
    );
}

#[test]
fn issues_lists_every_key_once() {
    let mut b = sample();
    let k = |id: &str| IssueKey::new("local", "default", id);
    b.apply(Op::SetKind {
        id: 1,
        kind: ItemKind::Note {
            text: "n".into(),
            colour: NoteColour::Blue,
            issue: Some(k("2")),
        },
    })
    .unwrap();
    b.apply(Op::SetReview(Some(k("1")))).unwrap();
    assert_eq!(b.issues(), vec![k("1"), k("2")]);
}
