//! 翻页 — keyset pagination. A page of a list starts after (or ends before) the sort key of a row,
//! carried between requests as an opaque cursor, so that page 1,000 costs what page 1 costs and a
//! row added meanwhile neither repeats nor hides another (OFFSET does both). A list's total is
//! counted up to a cap unless asked for exactly, so that a list never counts 900,000 rows to show 50.

use std::fmt::Write as _;

/// Longest cursor accepted (a sort key of a few codes and an id is far shorter).
pub const MAX_CURSOR_LEN: usize = 256;

/// Rows counted for a list's total before it is shown as "more than" (unless counted exactly).
pub const COUNT_CAP: u64 = 10_000;

/// One column of a sort key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeyPart {
    Int(i64),
    Text(String),
}

/// What a column of a sort key holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Int,
    Text,
}

/// 游标 — the sort key of a row, as a list's next or previous page is asked for by it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cursor(pub Vec<KeyPart>);

/// Why a cursor was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("翻页参数无效，请从第一页重新打开列表")]
pub struct CursorError;

impl Cursor {
    /// The cursor as text safe in a URL: parts joined by `.`, an integer as `i` and its decimal
    /// digits, a text as `s` and its UTF-8 bytes in hex.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        for (i, part) in self.0.iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            match part {
                KeyPart::Int(n) => {
                    let _ = write!(out, "i{n}");
                }
                KeyPart::Text(s) => {
                    out.push('s');
                    for b in s.bytes() {
                        let _ = write!(out, "{b:02x}");
                    }
                }
            }
        }
        out
    }

    /// Reads a cursor written by [`Cursor::encode`] for a list whose sort key has the columns
    /// `shape`. Anything else (too long, malformed, another list's cursor) is refused.
    pub fn decode(text: &str, shape: &[KeyKind]) -> Result<Self, CursorError> {
        if text.len() > MAX_CURSOR_LEN || text.is_empty() {
            return Err(CursorError);
        }
        let key = text
            .split('.')
            .map(|piece| {
                if let Some(digits) = piece.strip_prefix('i') {
                    if digits.is_empty() || digits.starts_with('+') {
                        return Err(CursorError);
                    }
                    digits.parse().map(KeyPart::Int).map_err(|_| CursorError)
                } else if let Some(hex) = piece.strip_prefix('s') {
                    let bytes = hex
                        .as_bytes()
                        .chunks(2)
                        .map(|pair| match pair {
                            [h, l] => Ok(hex_value(*h)? << 4 | hex_value(*l)?),
                            _ => Err(CursorError),
                        })
                        .collect::<Result<Vec<u8>, _>>()?;
                    String::from_utf8(bytes)
                        .map(KeyPart::Text)
                        .map_err(|_| CursorError)
                } else {
                    Err(CursorError)
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        let fits = key.len() == shape.len()
            && key.iter().zip(shape).all(|(part, kind)| {
                matches!(
                    (part, kind),
                    (KeyPart::Int(_), KeyKind::Int) | (KeyPart::Text(_), KeyKind::Text)
                )
            });
        if fits {
            Ok(Self(key))
        } else {
            Err(CursorError)
        }
    }
}

fn hex_value(c: u8) -> Result<u8, CursorError> {
    match c {
        b'0'..=b'9' => Ok(c - b'0'),
        b'a'..=b'f' => Ok(c - b'a' + 10),
        _ => Err(CursorError),
    }
}

/// Where a page starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum PageAt {
    /// The first page.
    #[default]
    First,
    /// The rows after this key (the next page).
    After(Cursor),
    /// The rows before this key (the previous page).
    Before(Cursor),
}

impl PageAt {
    /// The start asked for by a list's `after` and `before` parameters (at most one of them),
    /// for a list sorted by columns of `shape`.
    pub fn parse(
        after: Option<&str>,
        before: Option<&str>,
        shape: &[KeyKind],
    ) -> Result<Self, CursorError> {
        match (after, before) {
            (None, None) => Ok(Self::First),
            (Some(a), None) => Cursor::decode(a, shape).map(Self::After),
            (None, Some(b)) => Cursor::decode(b, shape).map(Self::Before),
            (Some(_), Some(_)) => Err(CursorError),
        }
    }
}

/// 一页 — the rows of one page in list order, with the cursors of the pages before and after it
/// (none where there is no such page).
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub before: Option<Cursor>,
    pub after: Option<Cursor>,
}

impl<T> Page<T> {
    /// The page made of the rows fetched for it: up to `limit + 1` rows in the direction of travel
    /// (reversed before a cursor), the extra one saying that the list goes on that way.
    pub fn from_fetched(
        mut rows: Vec<T>,
        at: &PageAt,
        limit: usize,
        key: impl Fn(&T) -> Cursor,
    ) -> Self {
        let more = rows.len() > limit;
        rows.truncate(limit);
        if matches!(at, PageAt::Before(_)) {
            rows.reverse();
        }
        let first = rows.first().map(&key);
        let last = rows.last().map(&key);
        let (before, after) = match at {
            PageAt::First => (None, last.filter(|_| more)),
            // An empty page after a cursor (its rows ended meanwhile) still leads back.
            PageAt::After(c) => (first.or_else(|| Some(c.clone())), last.filter(|_| more)),
            PageAt::Before(c) => (first.filter(|_| more), last.or_else(|| Some(c.clone()))),
        };
        Self {
            rows,
            before,
            after,
        }
    }

    /// The page with each row turned into another type.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            rows: self.rows.into_iter().map(f).collect(),
            before: self.before,
            after: self.after,
        }
    }
}

/// 总数 — how many rows a list has: exact, or at least `count` when counting stopped at the cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Total {
    pub count: u64,
    pub exact: bool,
}

impl Total {
    /// A count of at most `cap + 1` rows read as a total: exact when within the cap.
    pub fn capped(counted: u64, cap: u64) -> Self {
        Self {
            count: counted.min(cap),
            exact: counted <= cap,
        }
    }

    /// As a page shows it: `905,678`, or `10,000+` when counting stopped at the cap.
    pub fn label(&self) -> String {
        let n = crate::time::format_count(self.count);
        if self.exact { n } else { format!("{n}+") }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn shape(key: &[KeyPart]) -> Vec<KeyKind> {
        key.iter()
            .map(|p| match p {
                KeyPart::Int(_) => KeyKind::Int,
                KeyPart::Text(_) => KeyKind::Text,
            })
            .collect()
    }

    fn part() -> impl Strategy<Value = KeyPart> {
        prop_oneof![
            any::<i64>().prop_map(KeyPart::Int),
            ".{0,12}".prop_map(KeyPart::Text),
        ]
    }

    proptest! {
        #[test]
        fn every_short_key_survives_the_round_trip(key in prop::collection::vec(part(), 1..4)) {
            let cursor = Cursor(key);
            let text = cursor.encode();
            prop_assume!(text.len() <= MAX_CURSOR_LEN);
            prop_assert!(text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-'));
            prop_assert_eq!(Cursor::decode(&text, &shape(&cursor.0)), Ok(cursor));
        }

        #[test]
        fn any_text_decodes_or_is_refused_without_panic(
            text in ".{0,300}",
            kinds in prop::collection::vec(prop_oneof![Just(KeyKind::Int), Just(KeyKind::Text)], 1..4),
        ) {
            if let Ok(c) = Cursor::decode(&text, &kinds) {
                prop_assert_eq!(shape(&c.0), kinds.clone());
                prop_assert_eq!(Cursor::decode(&c.encode(), &kinds), Ok(c));
            }
        }
    }

    #[test]
    fn a_cursor_of_another_shape_or_form_is_refused() {
        let id = Cursor(vec![KeyPart::Int(42)]);
        assert_eq!(id.encode(), "i42");
        const ID: &[KeyKind] = &[KeyKind::Int];
        assert_eq!(
            Cursor::decode("i42", &[KeyKind::Int, KeyKind::Int]),
            Err(CursorError)
        );
        for bad in [
            "s31",
            "",
            "i",
            "x1",
            "s4",
            "sZZ",
            "i+1",
            "i1.",
            "sff",
            &"i1".repeat(200),
        ] {
            assert_eq!(Cursor::decode(bad, ID), Err(CursorError), "{bad}");
        }
        let key = Cursor(vec![
            KeyPart::Text("511702001001001".into()),
            KeyPart::Text("户0001".into()),
        ]);
        assert_eq!(Cursor::decode(&key.encode(), &[KeyKind::Text; 2]), Ok(key));
    }

    #[test]
    fn both_directions_at_once_are_refused() {
        let id = &[KeyKind::Int];
        assert_eq!(PageAt::parse(None, None, id), Ok(PageAt::First));
        assert!(matches!(
            PageAt::parse(Some("i3"), None, id),
            Ok(PageAt::After(_))
        ));
        assert_eq!(PageAt::parse(Some("i3"), Some("i9"), id), Err(CursorError));
    }

    fn id(n: &i64) -> Cursor {
        Cursor(vec![KeyPart::Int(*n)])
    }

    #[test]
    fn a_page_links_to_its_neighbours_only_where_they_exist() {
        let first = Page::from_fetched(vec![1, 2, 3], &PageAt::First, 2, id);
        assert_eq!(first.rows, [1, 2]);
        assert_eq!((first.before, first.after), (None, Some(id(&2))));
        let last = Page::from_fetched(vec![3], &PageAt::After(id(&2)), 2, id);
        assert_eq!((last.before, last.after), (Some(id(&3)), None));
        // Before a cursor the rows arrive newest first and are put back in order.
        let back = Page::from_fetched(vec![4, 3, 2], &PageAt::Before(id(&5)), 2, id);
        assert_eq!(back.rows, [3, 4]);
        assert_eq!((back.before, back.after), (Some(id(&3)), Some(id(&4))));
        let start = Page::from_fetched(vec![2, 1], &PageAt::Before(id(&3)), 2, id);
        assert_eq!((start.before, start.after), (None, Some(id(&2))));
        let emptied = Page::<i64>::from_fetched(vec![], &PageAt::After(id(&9)), 2, id);
        assert_eq!((emptied.before, emptied.after), (Some(id(&9)), None));
    }

    #[test]
    fn a_capped_total_says_more_than() {
        assert_eq!(Total::capped(12, COUNT_CAP).label(), "12");
        let t = Total::capped(COUNT_CAP + 1, COUNT_CAP);
        assert_eq!((t.count, t.exact), (COUNT_CAP, false));
        assert_eq!(t.label(), "10,000+");
    }
}
