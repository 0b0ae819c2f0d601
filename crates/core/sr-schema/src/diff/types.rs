//! Which column type changes keep every value: widening an integer,
//! lengthening a string, adding precision. Anything else may truncate,
//! round or fail a cast, and is destructive.

/// True when every value of type `from` fits type `to` unchanged.
pub fn is_widening(from: &str, to: &str) -> bool {
    if let (Some(a), Some(b)) = (labels(from), labels(to)) {
        // MySQL ENUM and SET keep every value whose label stays.
        return a.iter().all(|l| b.contains(l));
    }
    let (f, t) = (parse(from), parse(to));
    if f == t {
        return true;
    }
    match (&f.family, &t.family) {
        (Family::Int(a), Family::Int(b)) => a <= b,
        (Family::Int(a), Family::Decimal) => match t.args.as_slice() {
            [] => true,
            [p] | [p, 0] => *p >= int_digits(*a),
            [p, s] => p - s >= int_digits(*a),
            _ => false,
        },
        (Family::Float(a), Family::Float(b)) => a <= b,
        (Family::Decimal, Family::Decimal) => match (f.args.as_slice(), t.args.as_slice()) {
            (_, []) => true,
            ([], _) => false,
            ([p1], [p2]) => p2 >= p1,
            ([p1], [p2, s2]) => p2 - s2 >= *p1,
            ([p1, s1], [p2]) => *s1 == 0 && p2 >= p1,
            ([p1, s1], [p2, s2]) => s2 >= s1 && p2 - s2 >= p1 - s1,
            _ => false,
        },
        (Family::String { .. }, Family::String { fixed: false }) => match t.args.as_slice() {
            [] => true,
            [m] => f.args.first().is_some_and(|n| n <= m),
            _ => false,
        },
        // Any value prints as text, and text of unbounded length keeps it.
        (_, Family::String { fixed: false }) => t.args.is_empty() && t.base == "text",
        (Family::Other(a), Family::Other(b)) => {
            a == b
                && f.args.len() == t.args.len()
                && f.args.iter().zip(&t.args).all(|(x, y)| x <= y)
        }
        _ => false,
    }
}

/// The labels of `enum('a','b')` or `set('a','b')`.
fn labels(ty: &str) -> Option<Vec<String>> {
    let lower = ty.trim().to_ascii_lowercase();
    let open = lower.find('(')?;
    if !matches!(lower[..open].trim(), "enum" | "set") {
        return None;
    }
    let inner = ty.trim()[open + 1..].trim_end().strip_suffix(')')?;
    Some(inner.split(',').map(|l| l.trim().to_owned()).collect())
}

#[derive(Debug, PartialEq, Eq)]
enum Family {
    /// Integer of the given byte width.
    Int(i64),
    Float(i64),
    Decimal,
    String {
        fixed: bool,
    },
    Other(String),
}

#[derive(Debug, PartialEq, Eq)]
struct Parsed {
    base: String,
    family: Family,
    args: Vec<i64>,
}

fn int_digits(bytes: i64) -> i64 {
    match bytes {
        1 => 3,
        2 => 5,
        3 => 8,
        4 => 10,
        _ => 19,
    }
}

fn parse(ty: &str) -> Parsed {
    let lower = ty.trim().to_ascii_lowercase();
    let (base, args) = match lower.split_once('(') {
        Some((b, rest)) => {
            let inner = rest.split(')').next().unwrap_or_default();
            let args = inner
                .split(',')
                .filter_map(|a| a.trim().parse::<i64>().ok())
                .collect();
            // Keep what follows the parentheses (`unsigned`, `with time zone`).
            let tail = rest.split_once(')').map_or("", |(_, t)| t);
            (format!("{} {}", b.trim(), tail.trim()), args)
        }
        None => (lower.clone(), Vec::new()),
    };
    let base = base.split_whitespace().collect::<Vec<_>>().join(" ");
    let family = match base.as_str() {
        "tinyint" | "int1" => Family::Int(1),
        "smallint" | "int2" | "smallserial" => Family::Int(2),
        "mediumint" => Family::Int(3),
        "integer" | "int" | "int4" | "serial" => Family::Int(4),
        "bigint" | "int8" | "bigserial" => Family::Int(8),
        "real" | "float4" | "float" => Family::Float(4),
        "double precision" | "float8" | "double" => Family::Float(8),
        "numeric" | "decimal" => Family::Decimal,
        "text" | "varchar" | "character varying" | "clob" | "mediumtext" | "longtext" => {
            Family::String { fixed: false }
        }
        "char" | "character" | "bpchar" => Family::String { fixed: true },
        other => Family::Other(other.to_owned()),
    };
    Parsed { base, family, args }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(from: &str, to: &str, expected: bool) {
        assert_eq!(is_widening(from, to), expected, "{from} -> {to}");
    }

    #[test]
    fn widening_rules() {
        check("integer", "integer", true);
        check("integer", "bigint", true);
        check("bigint", "integer", false);
        check("smallint", "numeric(10,0)", true);
        check("bigint", "numeric(10,2)", false);
        check("character varying(40)", "character varying(80)", true);
        check("character varying(80)", "character varying(40)", false);
        check("character varying(40)", "text", true);
        check("text", "character varying(40)", false);
        check("character(3)", "character varying(3)", true);
        check("numeric(10,2)", "numeric(12,2)", true);
        check("numeric(10,2)", "numeric(10,3)", false);
        check("numeric(10,2)", "numeric", true);
        check("real", "double precision", true);
        check("double precision", "real", false);
        check("integer", "text", true);
        check("text", "integer", false);
        check("timestamp without time zone", "date", false);
        check("varchar(10)", "VARCHAR(20)", true);
        check("int(11)", "bigint(20)", true);
        check("int unsigned", "int", false);
        check("enum('new','done')", "enum('new','paid','done')", true);
        check("enum('new','paid','done')", "enum('new','done')", false);
        check("set('a','b')", "set('a')", false);
        check(
            "timestamp(3) with time zone",
            "timestamp(6) with time zone",
            true,
        );
        check(
            "timestamp(6) with time zone",
            "timestamp with time zone",
            false,
        );
    }
}
