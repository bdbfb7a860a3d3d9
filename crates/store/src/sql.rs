//! A small builder for queries whose shape depends on the request (filters,
//! sort order), with numbered `$n` placeholders that both backends accept.
//! Values are always bound, never spliced into the text.

use sqlx::any::AnyArguments;
use sqlx::query::QueryAs;
use sqlx::{Any, AssertSqlSafe, FromRow};

/// A bound value.
#[derive(Debug, Clone)]
pub(crate) enum Param {
    Text(String),
    Int(i64),
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

    /// Adds a text parameter and returns its placeholder.
    pub fn text(&mut self, value: impl Into<String>) -> String {
        self.params.push(Param::Text(value.into()));
        format!("${}", self.params.len())
    }

    /// Adds an integer parameter and returns its placeholder.
    pub fn int(&mut self, value: i64) -> String {
        self.params.push(Param::Int(value));
        format!("${}", self.params.len())
    }

    pub fn query_as<T>(&self) -> QueryAs<'static, Any, T, AnyArguments>
    where
        T: for<'r> FromRow<'r, sqlx::any::AnyRow>,
    {
        let mut q = sqlx::query_as::<_, T>(AssertSqlSafe(self.text.clone()));
        for p in &self.params {
            q = match p {
                Param::Text(s) => q.bind(s.clone()),
                Param::Int(i) => q.bind(*i),
            };
        }
        q
    }

    pub fn query_scalar_i64(&self) -> sqlx::query::QueryScalar<'static, Any, i64, AnyArguments> {
        let mut q = sqlx::query_scalar::<_, i64>(AssertSqlSafe(self.text.clone()));
        for p in &self.params {
            q = match p {
                Param::Text(s) => q.bind(s.clone()),
                Param::Int(i) => q.bind(*i),
            };
        }
        q
    }
}
