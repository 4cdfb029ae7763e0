//! Database URLs: the scheme chooses the backend; the password never reaches a log.

use crate::StoreError;
use std::fmt;

/// Which database engine a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database URL, `sqlite://PATH` or `postgres://…`. `Display` and `Debug` hide the password.
#[derive(Clone, PartialEq, Eq)]
pub struct DbUrl {
    raw: String,
    backend: Backend,
}

impl DbUrl {
    /// Checks the scheme. Anything but `sqlite:` and `postgres:`/`postgresql:` is refused with a
    /// message that shows both forms.
    pub fn parse(raw: &str) -> Result<Self, StoreError> {
        let raw = raw.trim();
        let backend = if raw.starts_with("sqlite:") {
            Backend::Sqlite
        } else if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::BadUrl(format!(
                "无法识别的数据库地址 \"{}\"：应为 sqlite://路径/pingan.db 或 postgres://用户@主机:端口/库名",
                redact(raw)
            )));
        };
        if backend == Backend::Sqlite
            && raw
                .trim_start_matches("sqlite:")
                .trim_start_matches('/')
                .is_empty()
        {
            return Err(StoreError::BadUrl(
                "SQLite 地址缺少文件路径：应为 sqlite://路径/pingan.db".into(),
            ));
        }
        Ok(Self {
            raw: raw.to_owned(),
            backend,
        })
    }

    /// A SQLite URL for a file path.
    pub fn sqlite_file(path: &std::path::Path) -> Self {
        Self {
            raw: format!("sqlite://{}", path.display()),
            backend: Backend::Sqlite,
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The full URL, password included: only for handing to the driver.
    pub fn expose(&self) -> &str {
        &self.raw
    }

    /// The file path of a SQLite URL.
    pub fn sqlite_path(&self) -> Option<&str> {
        (self.backend == Backend::Sqlite).then(|| {
            let rest = self.raw.trim_start_matches("sqlite:");
            let rest = rest.strip_prefix("//").unwrap_or(rest);
            rest.split('?').next().unwrap_or(rest)
        })
    }
}

/// Replaces the password of `scheme://user:password@host` with `***`.
fn redact(raw: &str) -> String {
    let Some((scheme, rest)) = raw.split_once("://") else {
        return raw.to_owned();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) if userinfo.contains(':') => {
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}")
        }
        _ => raw.to_owned(),
    }
}

impl fmt::Display for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact(&self.raw))
    }
}

impl fmt::Debug for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DbUrl({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_choose_the_backend() {
        assert_eq!(
            DbUrl::parse("sqlite://data/pingan.db").unwrap().backend(),
            Backend::Sqlite
        );
        assert_eq!(
            DbUrl::parse("postgres://root@127.0.0.1:5432/test")
                .unwrap()
                .backend(),
            Backend::Postgres
        );
        assert_eq!(
            DbUrl::parse("sqlite://data/pingan.db?mode=rwc")
                .unwrap()
                .sqlite_path(),
            Some("data/pingan.db")
        );
        assert_eq!(
            DbUrl::parse("sqlite:///tmp/x.db").unwrap().sqlite_path(),
            Some("/tmp/x.db")
        );
    }

    #[test]
    fn bad_urls_are_refused_with_both_forms_shown() {
        let e = DbUrl::parse("mysql://root:secret@localhost/db")
            .unwrap_err()
            .to_string();
        assert!(e.contains("sqlite://") && e.contains("postgres://"), "{e}");
        assert!(!e.contains("secret"), "{e}");
        assert!(DbUrl::parse("sqlite://").is_err());
    }

    #[test]
    fn passwords_never_print() {
        let u = DbUrl::parse("postgres://pingan:s3cret@db:5432/pingan").unwrap();
        assert_eq!(u.to_string(), "postgres://pingan:***@db:5432/pingan");
        assert!(!format!("{u:?}").contains("s3cret"));
        assert!(u.expose().contains("s3cret"));
    }
}
