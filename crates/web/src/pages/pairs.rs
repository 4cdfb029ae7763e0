//! Forms read as field pairs, for the forms with multiple choices (协办部门, 联合调解), which a
//! struct cannot take: a field's first non-empty value, a number, every value of a field.

/// The fields of a form as the browser sent them.
pub(crate) struct Pairs<'a>(pub &'a [(String, String)]);

impl Pairs<'_> {
    /// The first non-empty value of `name`, trimmed.
    pub fn text(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
    }

    /// The value of `name` as a whole number, or the message that says it is not one.
    pub fn number(&self, name: &str) -> Result<Option<i64>, String> {
        self.text(name)
            .map(|v| v.parse().map_err(|_| format!("“{v}”不是有效的数字")))
            .transpose()
    }

    /// Every value of `name` that is a number (the options chosen in a multiple choice).
    pub fn numbers(&self, name: &str) -> Vec<i64> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .filter_map(|(_, v)| v.parse().ok())
            .collect()
    }

    /// Every non-empty value of `name`, trimmed (the boxes ticked in a list of texts).
    pub fn texts(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
            .collect()
    }

    /// Whether a checkbox `name` was ticked.
    pub fn ticked(&self, name: &str) -> bool {
        self.text(name).is_some()
    }
}
