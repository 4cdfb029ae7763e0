//! Small text helpers shared by the layers.

/// Percent-encodes everything but ASCII letters, digits and `-_.` (RFC 3986 unreserved, minus `~`),
/// for query strings and `otpauth://` URIs.
pub fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::percent_encode;

    #[test]
    fn encodes_all_but_unreserved() {
        assert_eq!(percent_encode("a-b_c.d"), "a-b_c.d");
        assert_eq!(percent_encode("a b&c=d"), "a%20b%26c%3Dd");
        assert_eq!(percent_encode("平安"), "%E5%B9%B3%E5%AE%89");
    }
}

/// The character bigrams of a text (letters and digits only): computed once, compared with many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bigrams(std::collections::BTreeSet<(char, char)>);

impl Bigrams {
    pub fn new(s: &str) -> Self {
        let chars: Vec<char> = s.chars().filter(|c| c.is_alphanumeric()).collect();
        Self(
            chars
                .windows(2)
                .filter_map(|w| Some((*w.first()?, *w.get(1)?)))
                .collect(),
        )
    }

    /// The Jaccard index of the two sets: 0 = nothing shared, 1 = the same bigrams.
    pub fn similarity(&self, other: &Bigrams) -> f64 {
        let union = self.0.union(&other.0).count();
        if union == 0 {
            return 0.0;
        }
        self.0.intersection(&other.0).count() as f64 / union as f64
    }
}

/// How alike two texts are: the Jaccard index of their character bigrams (0 = nothing shared,
/// 1 = the same bigrams). Works for Chinese without word segmentation; spaces and punctuation
/// are ignored.
pub fn similarity(a: &str, b: &str) -> f64 {
    Bigrams::new(a).similarity(&Bigrams::new(b))
}

#[cfg(test)]
mod similarity_tests {
    use super::similarity;

    #[test]
    fn alike_texts_score_high_and_others_low() {
        let a = "朝阳路12号井盖缺失，行人易踩空";
        let b = "朝阳路12号井盖缺失";
        assert!(similarity(a, b) > 0.5, "{}", similarity(a, b));
        assert!(similarity(a, "菜市场门口占道经营") < 0.1);
        assert_eq!(similarity("", "x"), 0.0);
        assert_eq!(similarity(a, a), 1.0);
    }
}

/// The longest text a search box or list filter takes, in characters. Longer text is refused
/// before it reaches a query (a 60,000-character `q` once made SQLite give up on the pattern).
pub const MAX_FILTER_CHARS: usize = 64;

/// A filter's text as typed: trimmed, empty as none, longer than [`MAX_FILTER_CHARS`] refused
/// with a message naming the field and the limit.
pub fn filter_text(raw: Option<&str>, field: &str) -> Result<Option<String>, String> {
    let Some(t) = raw.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if t.chars().count() > MAX_FILTER_CHARS {
        return Err(format!(
            "{field} 最多 {MAX_FILTER_CHARS} 个字，请缩短查询条件"
        ));
    }
    Ok(Some(t.to_owned()))
}

/// `text` with the `LIKE` wildcards `%` and `_` and the escape `\` escaped, for a pattern used
/// with `ESCAPE '\'`: what a user types matches itself.
fn like_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The pattern for `LIKE … ESCAPE '\'` that finds `text` anywhere.
pub fn like_contains(text: &str) -> String {
    format!("%{}%", like_escaped(text))
}

/// The pattern for `LIKE … ESCAPE '\'` that finds values starting with `text`.
pub fn like_prefix(text: &str) -> String {
    format!("{}%", like_escaped(text))
}

#[cfg(test)]
mod filter_tests {
    use super::*;

    #[test]
    fn filters_are_trimmed_capped_and_named() {
        assert_eq!(filter_text(Some("  朝阳 "), "q"), Ok(Some("朝阳".into())));
        assert_eq!(filter_text(Some("   "), "q"), Ok(None));
        assert_eq!(filter_text(None, "q"), Ok(None));
        let long = "字".repeat(MAX_FILTER_CHARS + 1);
        let e = filter_text(Some(&long), "q").unwrap_err();
        assert!(e.starts_with("q 最多 64 个字"), "{e}");
        assert!(filter_text(Some(&long[..MAX_FILTER_CHARS * 3]), "q").is_ok());
    }

    #[test]
    fn wildcards_typed_by_a_user_match_themselves() {
        assert_eq!(like_contains("50%_a\\b"), "%50\\%\\_a\\\\b%");
        assert_eq!(like_prefix("5117_"), "5117\\_%");
        assert_eq!(like_contains("平安"), "%平安%");
    }
}
