//! Where each key and value of a JSON text is: a small tree of byte spans,
//! built after serde_json has accepted the text's syntax. serde_json reports
//! where it stopped reading; this tree turns that into where the offending
//! key or value starts, names the path to it, and finds what serde cannot
//! see (a key written twice, a variable reference inside a string).

/// A JSON value and the bytes it covers, `start..end`.
#[derive(Debug)]
pub(crate) struct Node {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
}

#[derive(Debug)]
pub(crate) enum Kind {
    Object(Vec<Member>),
    Array(Vec<Node>),
    /// A string; its decoded value is [`Node::string`].
    Str,
    /// A number, `true`, `false` or `null`.
    Other,
}

/// One `"key": value` of an object.
#[derive(Debug)]
pub(crate) struct Member {
    pub key: String,
    pub key_start: usize,
    pub value: Node,
    key_end: usize,
}

/// One step of a path from the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

/// Builds the tree of `text`, or `None` when it is not JSON (callers check
/// the syntax with serde_json first, so `None` is not expected).
pub(crate) fn parse(text: &str) -> Option<Node> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        at: 0,
    };
    let node = p.value()?;
    p.skip_ws();
    (p.at == p.bytes.len()).then_some(node)
}

impl Node {
    pub fn member(&self, key: &str) -> Option<&Member> {
        match &self.kind {
            Kind::Object(members) => members.iter().find(|m| m.key == key),
            _ => None,
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.kind {
            Kind::Array(items) => items,
            _ => &[],
        }
    }

    /// The decoded value of a string node.
    pub fn string(&self, text: &str) -> Option<String> {
        match self.kind {
            Kind::Str => serde_json::from_str(text.get(self.start..self.end)?).ok(),
            _ => None,
        }
    }

    fn covers(&self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }

    /// The innermost key or value at `offset` (a span's end counts as inside
    /// it, because serde_json stops just past what it rejects): the path to
    /// it and the byte where it starts.
    pub fn locate(&self, offset: usize) -> (Vec<Seg>, usize) {
        let mut path = Vec::new();
        let mut node = self;
        loop {
            let next = match &node.kind {
                Kind::Object(members) => members.iter().find_map(|m| {
                    if m.key_start <= offset && offset <= m.key_end {
                        Some((Seg::Key(m.key.clone()), None, m.key_start))
                    } else {
                        m.value
                            .covers(offset)
                            .then(|| (Seg::Key(m.key.clone()), Some(&m.value), 0))
                    }
                }),
                Kind::Array(items) => items
                    .iter()
                    .enumerate()
                    .find(|(_, item)| item.covers(offset))
                    .map(|(i, item)| (Seg::Index(i), Some(item), 0)),
                Kind::Str | Kind::Other => None,
            };
            match next {
                Some((seg, Some(child), _)) => {
                    path.push(seg);
                    node = child;
                }
                Some((seg, None, key_start)) => {
                    path.push(seg);
                    return (path, key_start);
                }
                None => return (path, node.start),
            }
        }
    }

    /// Every key written twice in one object, anywhere in the tree: the
    /// second occurrence's path, key and start, and where the first starts.
    pub fn duplicate_keys(&self) -> Vec<Duplicate> {
        let mut found = Vec::new();
        self.collect_duplicates(&mut Vec::new(), &mut found);
        found
    }

    fn collect_duplicates(&self, path: &mut Vec<Seg>, found: &mut Vec<Duplicate>) {
        match &self.kind {
            Kind::Object(members) => {
                for (i, m) in members.iter().enumerate() {
                    if let Some(first) = members[..i].iter().find(|f| f.key == m.key) {
                        found.push(Duplicate {
                            container: path.clone(),
                            key: m.key.clone(),
                            start: m.key_start,
                            first: first.key_start,
                        });
                    }
                    path.push(Seg::Key(m.key.clone()));
                    m.value.collect_duplicates(path, found);
                    path.pop();
                }
            }
            Kind::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(Seg::Index(i));
                    item.collect_duplicates(path, found);
                    path.pop();
                }
            }
            Kind::Str | Kind::Other => {}
        }
    }

    /// Every string value (not key) under this node, with its path.
    pub fn strings(&self) -> Vec<(Vec<Seg>, &Node)> {
        let mut out = Vec::new();
        self.collect_strings(&mut Vec::new(), &mut out);
        out
    }

    fn collect_strings<'n>(&'n self, path: &mut Vec<Seg>, out: &mut Vec<(Vec<Seg>, &'n Node)>) {
        match &self.kind {
            Kind::Str => out.push((path.clone(), self)),
            Kind::Object(members) => {
                for m in members {
                    path.push(Seg::Key(m.key.clone()));
                    m.value.collect_strings(path, out);
                    path.pop();
                }
            }
            Kind::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(Seg::Index(i));
                    item.collect_strings(path, out);
                    path.pop();
                }
            }
            Kind::Other => {}
        }
    }
}

#[derive(Debug)]
pub(crate) struct Duplicate {
    pub container: Vec<Seg>,
    pub key: String,
    pub start: usize,
    pub first: usize,
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while matches!(self.bytes.get(self.at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        self.skip_ws();
        (self.bytes.get(self.at) == Some(&byte)).then(|| self.at += 1)
    }

    fn peek_is(&mut self, byte: u8) -> bool {
        self.skip_ws();
        self.bytes.get(self.at) == Some(&byte)
    }

    fn value(&mut self) -> Option<Node> {
        self.skip_ws();
        let start = self.at;
        let kind = match *self.bytes.get(self.at)? {
            b'{' => Kind::Object(self.object()?),
            b'[' => Kind::Array(self.array()?),
            b'"' => {
                self.string()?;
                Kind::Str
            }
            _ => {
                while !matches!(
                    self.bytes.get(self.at),
                    None | Some(b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r')
                ) {
                    self.at += 1;
                }
                (self.at > start).then_some(Kind::Other)?
            }
        };
        Some(Node {
            start,
            end: self.at,
            kind,
        })
    }

    fn object(&mut self) -> Option<Vec<Member>> {
        self.eat(b'{')?;
        let mut members = Vec::new();
        if self.peek_is(b'}') {
            self.at += 1;
            return Some(members);
        }
        loop {
            self.skip_ws();
            let key_start = self.at;
            self.string()?;
            let key_end = self.at;
            let key = serde_json::from_str(self.text.get(key_start..key_end)?).ok()?;
            self.eat(b':')?;
            let value = self.value()?;
            members.push(Member {
                key,
                key_start,
                key_end,
                value,
            });
            if self.eat(b',').is_none() {
                self.eat(b'}')?;
                return Some(members);
            }
        }
    }

    fn array(&mut self) -> Option<Vec<Node>> {
        self.eat(b'[')?;
        let mut items = Vec::new();
        if self.peek_is(b']') {
            self.at += 1;
            return Some(items);
        }
        loop {
            items.push(self.value()?);
            if self.eat(b',').is_none() {
                self.eat(b']')?;
                return Some(items);
            }
        }
    }

    /// Moves past a string, escapes included.
    fn string(&mut self) -> Option<()> {
        self.eat(b'"')?;
        loop {
            match *self.bytes.get(self.at)? {
                b'\\' => self.at += 2,
                b'"' => {
                    self.at += 1;
                    return Some(());
                }
                _ => self.at += 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Seg {
        Seg::Key(k.to_owned())
    }

    #[test]
    fn locates_keys_and_values() {
        let text = r#"{"a": [1, {"b\"": "x"}], "c": {}}"#;
        let root = parse(text).unwrap();
        let cases: &[(usize, Vec<Seg>, usize)] = &[
            (0, vec![], 0),
            (3, vec![key("a")], 1),
            (6, vec![key("a")], 6),
            (8, vec![key("a"), Seg::Index(0)], 7),
            (16, vec![key("a"), Seg::Index(1), key("b\"")], 11),
            (21, vec![key("a"), Seg::Index(1), key("b\"")], 18),
            (22, vec![key("a"), Seg::Index(1)], 10),
            (23, vec![key("a")], 6),
            (24, vec![], 0),
            (32, vec![key("c")], 30),
            (33, vec![], 0),
        ];
        for (offset, path, start) in cases {
            assert_eq!(
                root.locate(*offset),
                (path.clone(), *start),
                "offset {offset}"
            );
        }
        assert_eq!(root.member("c").unwrap().value.start, 30);
        assert_eq!(root.member("a").unwrap().value.items().len(), 2);
    }

    #[test]
    fn finds_duplicates_and_strings() {
        let text = r#"{"a": 1, "b": [{"x": "s", "x": 2}], "a": "t"}"#;
        let root = parse(text).unwrap();
        let dups: Vec<_> = root
            .duplicate_keys()
            .into_iter()
            .map(|d| (d.container, d.key, d.start, d.first))
            .collect();
        assert_eq!(
            dups,
            vec![
                (vec![key("b"), Seg::Index(0)], "x".to_owned(), 26, 16),
                (vec![], "a".to_owned(), 36, 1),
            ]
        );
        let strings: Vec<_> = root
            .strings()
            .into_iter()
            .map(|(p, n)| (p, n.string(text).unwrap()))
            .collect();
        assert_eq!(
            strings,
            vec![
                (vec![key("b"), Seg::Index(0), key("x")], "s".to_owned()),
                (vec![key("a")], "t".to_owned()),
            ]
        );
    }

    #[test]
    fn rejects_what_is_not_json() {
        for text in ["", "{", "[1,", r#"{"a" 1}"#, "1 2", r#""abc"#] {
            assert!(parse(text).is_none(), "{text}");
        }
    }
}
