//! A small builder for queries whose shape depends on the request (filters,
//! sort order), with numbered `$n` placeholders that both backends accept.
//! Values are always bound, never spliced into the text.

use sqlx::any::AnyArguments;
use sqlx::query::{Query, QueryAs};
use sqlx::{Any, AssertSqlSafe, FromRow};

use crate::StoreError;
use crate::db::Backend;

/// A bound value.
#[derive(Debug, Clone)]
pub(crate) enum Param {
    Text(String),
    Int(i64),
    /// NULL in a text column.
    NullText,
    /// NULL in an integer column (typed, for PostgreSQL).
    NullInt,
}

/// Rows of parameters travel as JSON in [`Sql::insert_json_rows`]: text as
/// strings, integers as numbers, NULL as null.
impl serde::Serialize for Param {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Param::Text(s) => serializer.serialize_str(s),
            Param::Int(v) => serializer.serialize_i64(*v),
            Param::NullText | Param::NullInt => serializer.serialize_none(),
        }
    }
}

impl Param {
    pub fn text(v: impl Into<String>) -> Param {
        Param::Text(v.into())
    }

    pub fn opt_text(v: Option<String>) -> Param {
        v.map_or(Param::NullText, Param::Text)
    }

    pub fn opt_int(v: Option<i64>) -> Param {
        v.map_or(Param::NullInt, Param::Int)
    }
}

/// Binds every parameter to a sqlx query, query_as or query_scalar.
macro_rules! bind_all {
    ($q:ident, $params:expr) => {
        for p in &$params {
            $q = match p {
                Param::Text(s) => $q.bind(s.clone()),
                Param::Int(i) => $q.bind(*i),
                Param::NullText => $q.bind(None::<String>),
                Param::NullInt => $q.bind(None::<i64>),
            };
        }
    };
}

#[derive(Debug, Default, Clone)]
pub(crate) struct Sql {
    text: String,
    params: Vec<Param>,
}

impl Sql {
    pub fn new(text: &str) -> Sql {
        Sql {
            text: text.to_string(),
            params: Vec::new(),
        }
    }

    /// Appends SQL text (never user input).
    pub fn push(&mut self, text: &str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    /// The same query with text put around it (as a subquery), keeping its
    /// parameters.
    pub fn wrapped(&self, before: &str, after: &str) -> Sql {
        Sql {
            text: format!("{before}{}{after}", self.text),
            params: self.params.clone(),
        }
    }

    /// Adds a text parameter and returns its placeholder.
    pub fn text(&mut self, value: impl Into<String>) -> String {
        self.params.push(Param::Text(value.into()));
        format!("${}", self.params.len())
    }

    /// Adds any parameter and returns its placeholder.
    pub fn param(&mut self, value: Param) -> String {
        self.params.push(value);
        format!("${}", self.params.len())
    }

    /// Adds an integer parameter and returns its placeholder.
    pub fn int(&mut self, value: i64) -> String {
        self.params.push(Param::Int(value));
        format!("${}", self.params.len())
    }

    pub fn query(&self) -> Query<'static, Any, AnyArguments> {
        let mut q = sqlx::query(AssertSqlSafe(self.text.clone()));
        bind_all!(q, self.params);
        q
    }

    /// `INSERT INTO table (columns)` for many rows in one statement with one
    /// bound value: the rows travel as a JSON array of arrays and the
    /// database unpacks them (`jsonb_each` in SQLite, `jsonb_array_elements`
    /// in PostgreSQL). A statement per row costs a round trip to the
    /// driver's connection thread each, which made writing an import slower
    /// than preparing it; a `VALUES` list of thousands of placeholders is
    /// slower still through the `Any` driver. Every row must have one value
    /// per column, of the same kind in every row (integer columns are told
    /// apart by their [`Param::Int`] / [`Param::NullInt`] values).
    pub fn insert_json_rows(
        backend: Backend,
        table: &str,
        columns: &[&str],
        rows: &[Vec<Param>],
    ) -> Result<Sql, StoreError> {
        let integer: Vec<bool> = match rows.first() {
            Some(row) => row
                .iter()
                .map(|p| matches!(p, Param::Int(_) | Param::NullInt))
                .collect(),
            None => vec![false; columns.len()],
        };
        let values: Vec<String> = (0..columns.len())
            .map(|i| match backend {
                Backend::Postgres if integer.get(i) == Some(&true) => {
                    format!("(r.value ->> {i})::bigint")
                }
                _ => format!("r.value ->> {i}"),
            })
            .collect();
        let mut q = Sql::new(&format!(
            "INSERT INTO {table} ({}) SELECT {} FROM ",
            columns.join(", "),
            values.join(", ")
        ));
        let p = q.text(json_rows(rows)?);
        match backend {
            Backend::Sqlite => q.push(&format!("jsonb_each({p}) r ORDER BY r.key")),
            Backend::Postgres => q.push(&format!(
                "jsonb_array_elements({p}::jsonb) WITH ORDINALITY AS r(value, n) ORDER BY r.n"
            )),
        };
        Ok(q)
    }

    pub fn query_as<T>(&self) -> QueryAs<'static, Any, T, AnyArguments>
    where
        T: for<'r> FromRow<'r, sqlx::any::AnyRow>,
    {
        let mut q = sqlx::query_as::<_, T>(AssertSqlSafe(self.text.clone()));
        bind_all!(q, self.params);
        q
    }

    pub fn query_scalar_i64(&self) -> sqlx::query::QueryScalar<'static, Any, i64, AnyArguments> {
        let mut q = sqlx::query_scalar::<_, i64>(AssertSqlSafe(self.text.clone()));
        bind_all!(q, self.params);
        q
    }
}

/// Rows as one JSON array of arrays (see [`Sql::insert_json_rows`]).
pub(crate) fn json_rows(rows: &[Vec<Param>]) -> Result<String, StoreError> {
    serde_json::to_string(rows)
        .map_err(|e| StoreError::Internal(format!("无法编码待写入的行 cannot encode rows: {e}")))
}
