//! Helpers for SQL text that both backends read: multi-row `VALUES` and the list query builder.

use crate::{Result, Store, dispatch};
use pingan_domain::Scope;

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

/// A value of a [`ListQuery`], bound in order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Text(String),
    Int(i64),
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
        q.and(&format!("{column} LIKE ? || '%'"), [prefix]);
        q
    }

    /// Adds `clause`; each `?` in it takes the next of `values`.
    pub(crate) fn and<V: Into<Value>>(
        &mut self,
        clause: &str,
        values: impl IntoIterator<Item = V>,
    ) -> &mut Self {
        let mut values = values.into_iter().map(Into::into);
        let mut out = String::with_capacity(clause.len() + 8);
        for (i, piece) in clause.split('?').enumerate() {
            if i > 0 {
                let value = values.next();
                debug_assert!(value.is_some(), "fewer values than `?` in {clause}");
                self.values
                    .push(value.unwrap_or(Value::Text(String::new())));
                out.push_str(&format!("${}", self.values.len()));
            }
            out.push_str(piece);
        }
        debug_assert!(values.next().is_none(), "more values than `?` in {clause}");
        self.clauses.push(out);
        self
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

    /// The query `select WHERE … ORDER BY order LIMIT … OFFSET …` and its values.
    pub(crate) fn page(mut self, select: &str, order: &str, limit: i64, offset: i64) -> Built {
        self.values.push(Value::Int(limit));
        self.values.push(Value::Int(offset));
        let n = self.values.len();
        Built {
            sql: format!(
                "{select} WHERE {} ORDER BY {order} LIMIT ${} OFFSET ${n}",
                self.clauses.join(" AND "),
                n - 1
            ),
            values: self.values,
        }
    }

    /// The query `select WHERE … ORDER BY order` (every row) and its values.
    pub(crate) fn all(self, select: &str, order: &str) -> Built {
        Built {
            sql: format!(
                "{select} WHERE {} ORDER BY {order}",
                self.clauses.join(" AND ")
            ),
            values: self.values,
        }
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
                };
            }
            query.persistent(generic_safe).fetch_all(p).await
        })?)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_number_rows_then_columns() {
        assert_eq!(super::values(2, 3), "($1, $2, $3), ($4, $5, $6)");
    }

    #[test]
    fn a_list_query_numbers_its_values_in_order_after_the_scope() {
        use super::{ListQuery, Value};
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
        let built = q.page("SELECT p.id FROM persons p", "p.id", 20, 40);
        assert_eq!(
            built.sql,
            "SELECT p.id FROM persons p WHERE p.grid_code LIKE $1 || '%' AND p.ended_at IS NULL \
             AND p.tag = $2 AND p.id IN (SELECT id FROM grams WHERE gram IN ($3, $4)) \
             AND (p.code = $5 OR p.name LIKE $6 ESCAPE '\\') ORDER BY p.id LIMIT $7 OFFSET $8"
        );
        assert_eq!(built.values.len(), 8);
        assert_eq!(built.values[0], Value::Text("511702001".into()));
        assert_eq!(built.values[6..], [Value::Int(20), Value::Int(40)]);
    }
}
