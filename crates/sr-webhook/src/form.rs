//! Just enough of `application/x-www-form-urlencoded` to take GitHub's
//! `payload=` field out of a form body.

/// The decoded value of `name`, or `None` when it is absent or not valid
/// percent-encoding.
pub fn field(body: &[u8], name: &str) -> Option<Vec<u8>> {
    body.split(|b| *b == b'&').find_map(|pair| {
        let mut it = pair.splitn(2, |b| *b == b'=');
        let key = decode(it.next()?)?;
        (key == name.as_bytes())
            .then(|| decode(it.next().unwrap_or(b"")))
            .flatten()
    })
}

fn decode(s: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields() {
        assert_eq!(
            field(b"a=1&payload=%7B%22x%22%3A+1%7D", "payload"),
            Some(b"{\"x\": 1}".to_vec())
        );
        assert_eq!(field(b"a=1", "payload"), None);
        assert_eq!(field(b"payload=%zz", "payload"), None);
        assert_eq!(field(b"payload=%4", "payload"), None);
    }
}
