//! A small builder for queries whose shape depends on the request (filters,
//! sort order), with numbered `$n` placeholders that both backends accept.
//! Values are always bound, never spliced into the text.

use sqlx::any::AnyArguments;
use sqlx::query::{Query, QueryAs};
use sqlx::{Any, AssertSqlSafe, FromRow};

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

    /// `INSERT INTO table (columns) VALUES (…), (…), …` for many rows at once:
    /// one round trip instead of one per row.
    pub fn insert_many(table: &str, columns: &[&str], rows: &[Vec<Param>]) -> Sql {
        let mut q = Sql::new(&format!(
            "INSERT INTO {table} ({}) VALUES ",
            columns.join(", ")
        ));
        for (i, row) in rows.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            let placeholders: Vec<String> = row.iter().map(|p| q.param(p.clone())).collect();
            q.push("(").push(&placeholders.join(", ")).push(")");
        }
        q
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
