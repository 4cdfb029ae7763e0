//! Helpers for SQL text that both backends read: multi-row `VALUES` and the list query builder.

use crate::{Result, Store, dispatch};
use pingan_domain::Scope;
use pingan_domain::page::{Cursor, KeyPart, Page, PageAt, Total};

/// `($1, $2, …), ($k, …)`: `rows` groups of `cols` numbered placeholders.
pub(crate) fn values(rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| {
            let cells: Vec<String> = (1..=cols).map(|c| format!("${}", r * cols + c)).collect();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The codes that start with `prefix` (digits, as org and grid codes are) as the range
/// `[low, high)`, `high` none when every digit is 9. A range is an index range scan on both
/// backends, where `LIKE 'prefix%'` is not: SQLite does not narrow a `LIKE` whose pattern is an
/// expression, and PostgreSQL only under the "C" collation (a grid's persons took 207 ms as a
/// sequential scan of 905,678 rows under C.UTF-8). None for an empty or non-digit prefix.
pub(crate) fn prefix_range(prefix: &str) -> Option<(String, Option<String>)> {
    if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let kept = prefix.trim_end_matches('9');
    let high = kept.char_indices().last().map(|(i, last)| {
        let next = char::from_u32(u32::from(last) + 1).unwrap_or(last);
        format!("{}{next}", kept.get(..i).unwrap_or_default())
    });
    Some((prefix.to_owned(), high))
}

/// A value of a [`ListQuery`], bound in order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Text(String),
    Int(i64),
    Bytes(Vec<u8>),
}

impl From<Vec<u8>> for Value {
    fn from(b: Vec<u8>) -> Self {
        Value::Bytes(b)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_owned())
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}

impl From<&KeyPart> for Value {
    fn from(k: &KeyPart) -> Self {
        match k {
            KeyPart::Int(i) => Value::Int(*i),
            KeyPart::Text(s) => Value::Text(s.clone()),
        }
    }
}

/// 列表查询 — the WHERE clause of a list, built one condition at a time. A condition writes each
/// of its values as `?`; the query numbers them (`$1`, `$2` …) in the order they were added, so no
/// repository counts placeholders by hand, and [`Store::fetch_list`] binds them in that order.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListQuery {
    clauses: Vec<String>,
    values: Vec<Value>,
}

impl ListQuery {
    /// A list of what lies under `prefix` in `column` (an org or grid code): the scope comes
    /// first, so that no list is built without one.
    pub(crate) fn scoped(column: &str, prefix: &str) -> Self {
        let mut q = Self::default();
        match prefix_range(prefix) {
            Some((low, Some(high))) => {
                q.and(&format!("{column} >= ? AND {column} < ?"), [low, high])
            }
            Some((low, None)) => q.and(&format!("{column} >= ?"), [low]),
            None => q.and(&format!("{column} LIKE ? || '%'"), [prefix]),
        };
        q
    }

    /// Adds `clause`; each `?` in it takes the next of `values`.
    pub(crate) fn and<V: Into<Value>>(
        &mut self,
        clause: &str,
        values: impl IntoIterator<Item = V>,
    ) -> &mut Self {
        let numbered = self.number(clause, values);
        self.clauses.push(numbered);
        self
    }

    /// `text` with each `?` replaced by the number of the next of `values` (kept in order).
    fn number<V: Into<Value>>(
        &mut self,
        text: &str,
        values: impl IntoIterator<Item = V>,
    ) -> String {
        let mut values = values.into_iter().map(Into::into);
        let mut out = String::with_capacity(text.len() + 8);
        for (i, piece) in text.split('?').enumerate() {
            if i > 0 {
                let value = values.next();
                debug_assert!(value.is_some(), "fewer values than `?` in {text}");
                self.values
                    .push(value.unwrap_or(Value::Text(String::new())));
                out.push_str(&format!("${}", self.values.len()));
            }
            out.push_str(piece);
        }
        debug_assert!(values.next().is_none(), "more values than `?` in {text}");
        out
    }

    /// Adds a condition without values.
    pub(crate) fn and_always(&mut self, clause: &str) -> &mut Self {
        self.clauses.push(clause.to_owned());
        self
    }

    /// `n` placeholders for an `IN (…)` list, e.g. `?, ?, ?`.
    pub(crate) fn list(n: usize) -> String {
        vec!["?"; n].join(", ")
    }

    /// The query of one page, `select WHERE … ORDER BY key LIMIT limit + 1` (the extra row says
    /// whether there is a next page): after or before a cursor, the rows whose sort key (the
    /// columns of `key`, all ascending, the last unique) lies past it — a range of an index, never
    /// an OFFSET. Before a cursor the rows come in reverse; [`Store::fetch_page`] turns them back.
    pub(crate) fn keyset(mut self, select: &str, key: &[&str], at: &PageAt, limit: i64) -> Built {
        let columns = key.join(", ");
        let (cursor, op, desc) = match at {
            PageAt::First => (None, "", false),
            PageAt::After(c) => (Some(c), ">", false),
            PageAt::Before(c) => (Some(c), "<", true),
        };
        if let Some(c) = cursor {
            let marks = Self::list(c.0.len());
            let clause = if key.len() == 1 {
                format!("{columns} {op} {marks}")
            } else {
                format!("({columns}) {op} ({marks})")
            };
            self.and(&clause, c.0.iter());
        }
        let order: Vec<String> = key
            .iter()
            .map(|c| {
                if desc {
                    format!("{c} DESC")
                } else {
                    (*c).to_owned()
                }
            })
            .collect();
        self.values.push(Value::Int(limit.saturating_add(1)));
        Built {
            sql: format!(
                "{select} WHERE {} ORDER BY {} LIMIT ${}",
                self.clauses.join(" AND "),
                order.join(", "),
                self.values.len()
            ),
            values: self.values,
        }
    }

    /// The query counting the rows of `from` (`FROM table alias`) that match, stopping after
    /// `cap + 1` of them when a cap is given.
    pub(crate) fn count(self, from: &str, cap: Option<u64>) -> Built {
        let filter = format!("{from} WHERE {}", self.clauses.join(" AND "));
        let sql = match cap {
            Some(cap) => format!(
                "SELECT COUNT(*) FROM (SELECT 1 {filter} LIMIT {}) counted",
                cap.saturating_add(1)
            ),
            None => format!("SELECT COUNT(*) {filter}"),
        };
        Built {
            sql,
            values: self.values,
        }
    }

    /// The query `select WHERE …` where each `?` in `select` (a SELECT list that compares) takes
    /// the next of `values`, numbered after the conditions' own.
    pub(crate) fn select_with<V: Into<Value>>(
        mut self,
        select: &str,
        values: impl IntoIterator<Item = V>,
    ) -> Built {
        let select = self.number(select, values);
        self.filter(&select)
    }

    /// The query `select WHERE …` and its values.
    pub(crate) fn filter(self, select: &str) -> Built {
        Built {
            sql: format!("{select} WHERE {}", self.clauses.join(" AND ")),
            values: self.values,
        }
    }

    /// The query `select WHERE … ORDER BY order` (every row) and its values.
    pub(crate) fn all(self, select: &str, order: &str) -> Built {
        let mut built = self.filter(select);
        built.sql.push_str(" ORDER BY ");
        built.sql.push_str(order);
        built
    }
}

/// A list query ready to run: its text and its values in placeholder order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Built {
    pub sql: String,
    pub values: Vec<Value>,
}

impl Store {
    /// The row of `select` whose `id_column` is `id`, if its `scope_column` (an org or grid code)
    /// lies in `scope`: the read by id of every scoped entity, so that none is read without it.
    pub(crate) async fn fetch_in_scope<T>(
        &self,
        select: &str,
        id_column: &str,
        scope_column: &str,
        id: i64,
        scope: &Scope,
    ) -> Result<Option<T>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
            + Send
            + Unpin,
    {
        let sql = format!("{select} WHERE {id_column} = $1 AND {scope_column} LIKE $2 || '%'");
        Ok(dispatch!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(id)
                .bind(scope.prefix())
                .fetch_optional(p)
                .await
        })?)
    }

    /// The rows of a list query. Its filters make the best plan depend on the values, so on
    /// PostgreSQL it is planned with them every time ([`Store::plans_are_generic_safe`]).
    pub(crate) async fn fetch_list<T>(&self, q: &Built) -> Result<Vec<T>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
            + Send
            + Unpin,
    {
        let generic_safe = self.plans_are_generic_safe();
        Ok(dispatch!(self, |p| {
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(q.sql.clone()));
            for v in &q.values {
                query = match v {
                    Value::Text(s) => query.bind(s),
                    Value::Int(i) => query.bind(i),
                    Value::Bytes(b) => query.bind(b),
                };
            }
            query.persistent(generic_safe).fetch_all(p).await
        })?)
    }

    /// One page of a list built by [`ListQuery::keyset`], with the cursors of its neighbours.
    pub(crate) async fn fetch_page<T>(
        &self,
        q: &Built,
        at: &PageAt,
        limit: i64,
        key: impl Fn(&T) -> Cursor,
    ) -> Result<Page<T>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
            + Send
            + Unpin,
    {
        let rows = self.fetch_list(q).await?;
        Ok(Page::from_fetched(
            rows,
            at,
            usize::try_from(limit).unwrap_or(0),
            key,
        ))
    }

    /// The total of a list built by [`ListQuery::count`] (`cap` as given to it).
    pub(crate) async fn fetch_total(&self, q: &Built, cap: Option<u64>) -> Result<Total> {
        let rows: Vec<(i64,)> = self.fetch_list(q).await?;
        let counted = rows
            .first()
            .map_or(0, |(n,)| u64::try_from(*n).unwrap_or(0));
        Ok(match cap {
            Some(cap) => Total::capped(counted, cap),
            None => Total {
                count: counted,
                exact: true,
            },
        })
    }

    /// The active rows of `kind` (`persons`, `persons/<residence>`, `households`, `places`) in the
    /// grids under `prefix`,
    /// from the counts the triggers of migration 0014 keep.
    pub(crate) async fn kept_total(&self, kind: &str, prefix: &str) -> Result<Total> {
        let mut q = ListQuery::scoped("grid_code", prefix);
        q.and("kind = ?", [kind]);
        let q = q.filter("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM registry_counts");
        self.fetch_total(&q, None).await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_number_rows_then_columns() {
        assert_eq!(super::values(2, 3), "($1, $2, $3), ($4, $5, $6)");
    }

    proptest::proptest! {
        #[test]
        fn a_prefix_range_holds_exactly_the_codes_that_start_with_it(
            prefix in "[0-9]{1,6}",
            code in "[0-9]{0,9}",
        ) {
            let (low, high) = super::prefix_range(&prefix).unwrap();
            let inside = code.as_str() >= low.as_str()
                && high.as_deref().is_none_or(|h| code.as_str() < h);
            proptest::prop_assert_eq!(inside, code.starts_with(&prefix), "{} {:?}", low, high);
        }
    }

    #[test]
    fn a_prefix_of_nines_has_no_upper_end_and_other_text_keeps_like() {
        assert_eq!(
            super::prefix_range("5117029"),
            Some(("5117029".into(), Some("511703".into())))
        );
        assert_eq!(super::prefix_range("999"), Some(("999".into(), None)));
        assert_eq!(super::prefix_range(""), None);
        assert_eq!(super::prefix_range("51a"), None);
    }

    #[test]
    fn a_list_query_numbers_its_values_in_order_after_the_scope() {
        use super::{Cursor, KeyPart, ListQuery, PageAt, Value};
        let mut q = ListQuery::scoped("p.grid_code", "511702001");
        q.and_always("p.ended_at IS NULL")
            .and("p.tag = ?", ["elderly"])
            .and(
                &format!(
                    "p.id IN (SELECT id FROM grams WHERE gram IN ({}))",
                    ListQuery::list(2)
                ),
                ["通川", "川区"],
            )
            .and("(p.code = ? OR p.name LIKE ? ESCAPE '\\')", ["a", "%a%"]);
        let counted = q.clone().count("FROM persons p", Some(100));
        assert_eq!(
            counted.sql,
            "SELECT COUNT(*) FROM (SELECT 1 FROM persons p WHERE p.grid_code >= $1 AND \
             p.grid_code < $2 AND p.ended_at IS NULL AND p.tag = $3 AND p.id IN (SELECT id FROM \
             grams WHERE gram IN ($4, $5)) AND (p.code = $6 OR p.name LIKE $7 ESCAPE '\\') LIMIT \
             101) counted"
        );
        let at = PageAt::Before(Cursor(vec![KeyPart::Text("5117".into()), KeyPart::Int(7)]));
        let built = q.keyset(
            "SELECT p.id FROM persons p",
            &["p.grid_code", "p.id"],
            &at,
            20,
        );
        assert_eq!(
            built.sql,
            "SELECT p.id FROM persons p WHERE p.grid_code >= $1 AND p.grid_code < $2 AND \
             p.ended_at IS NULL AND p.tag = $3 AND p.id IN (SELECT id FROM grams WHERE gram IN \
             ($4, $5)) AND (p.code = $6 OR p.name LIKE $7 ESCAPE '\\') AND (p.grid_code, p.id) \
             < ($8, $9) ORDER BY p.grid_code DESC, p.id DESC LIMIT $10"
        );
        assert_eq!(built.values.len(), 10);
        assert_eq!(
            built.values[..2],
            [
                Value::Text("511702001".into()),
                Value::Text("511702002".into())
            ]
        );
        assert_eq!(
            built.values[7..],
            [Value::Text("5117".into()), Value::Int(7), Value::Int(21)]
        );
    }
}
