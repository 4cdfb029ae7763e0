//! Closed lists of codes with Chinese labels (网络, 功能, 人员类型 …), parsed from either.

/// Defines a closed list of codes, each with its Chinese label; parsed from either.
macro_rules! labelled {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $code:literal, $label:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            pub const ALL: &[Self] = &[$(Self::$variant),+];

            pub const fn code(self) -> &'static str {
                match self { $(Self::$variant => $code,)+ }
            }

            pub const fn label(self) -> &'static str {
                match self { $(Self::$variant => $label,)+ }
            }

            /// From the code or the Chinese label (as typed in a spreadsheet), trimmed.
            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| v.code() == s || v.label() == s)
            }

            /// A typed field: `default` when empty, else one of the list by code or label, or the
            /// refusal `{what}应为 … 之一`.
            pub fn parse_or(s: &str, default: Self, what: &str) -> Result<Self, String> {
                if s.trim().is_empty() {
                    return Ok(default);
                }
                Self::parse(s).ok_or_else(|| format!("{what}应为 {} 之一", Self::labels()))
            }

            /// A query parameter: none when absent or blank, else one of the list by code or
            /// label, or the refusal `{name} 应为 … 之一`.
            pub fn parse_param(s: Option<&str>, name: &str) -> Result<Option<Self>, String> {
                match s.map(str::trim).filter(|s| !s.is_empty()) {
                    None => Ok(None),
                    Some(s) => Self::parse(s)
                        .map(Some)
                        .ok_or_else(|| format!("{name} 应为 {} 之一", Self::labels())),
                }
            }

            /// The codes, for messages that say what is accepted.
            pub fn labels() -> String {
                Self::ALL.iter().map(|v| v.label()).collect::<Vec<_>>().join("、")
            }
        }
    };
}
pub(crate) use labelled;
