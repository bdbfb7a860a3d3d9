//! Test fixtures shared by the crates' integration tests.
//!
//! Every storage test runs on both backends: [`backend_tests!`] turns one async
//! test function into `sqlite::NAME` and `postgres::NAME`, so the test output
//! shows that both ran. The PostgreSQL server comes from
//! `XIAOBAO_TEST_POSTGRES_URL`, which `scripts/test` sets after starting a
//! throwaway cluster; each test gets a database of its own on it.

use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::Connection;
use xiaobao_store::Store;

/// The environment variable naming the PostgreSQL server for tests.
pub const POSTGRES_ENV: &str = "XIAOBAO_TEST_POSTGRES_URL";

/// A fresh, migrated database that lives as long as this value.
pub struct TestDb {
    pub store: Store,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// A new SQLite file in a temporary directory.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let store = Store::open(&url).await.expect("open SQLite test database");
        TestDb {
            store,
            url,
            _dir: Some(dir),
        }
    }

    /// A new database on the test PostgreSQL server.
    pub async fn postgres() -> TestDb {
        let url = postgres_database().await;
        let store = Store::open(&url)
            .await
            .expect("open PostgreSQL test database");
        TestDb {
            store,
            url,
            _dir: None,
        }
    }
}

/// Creates an empty database on the test server and returns its URL.
pub async fn postgres_database() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let admin_url = std::env::var(POSTGRES_ENV).unwrap_or_else(|_| {
        panic!(
            "{POSTGRES_ENV} is not set: PostgreSQL tests need a server. \
             Run scripts/test, which starts a throwaway cluster and sets it."
        )
    });
    let name = format!(
        "t_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    );
    let mut admin = sqlx::PgConnection::connect(&admin_url)
        .await
        .expect("connect to the test PostgreSQL server");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .expect("create test database");
    admin.close().await.ok();
    with_database(&admin_url, &name)
}

/// Replaces the database name in a PostgreSQL URL, keeping any query string.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_end = base[scheme_end..]
        .find('/')
        .map(|i| scheme_end + i)
        .unwrap_or(base.len());
    let mut out = format!("{}/{}", &base[..host_end], name);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// Declares each listed `async fn NAME(store: Store)` as two tests,
/// `sqlite::NAME` and `postgres::NAME`.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = $crate::TestDb::sqlite().await;
                    super::$name(db.store.clone()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = $crate::TestDb::postgres().await;
                    super::$name(db.store.clone()).await;
                }
            )*
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            with_database("postgres://x@127.0.0.1:5/postgres", "t_1"),
            "postgres://x@127.0.0.1:5/t_1"
        );
        assert_eq!(
            with_database("postgres://x@localhost/postgres?host=/tmp/d&port=5", "t_2"),
            "postgres://x@localhost/t_2?host=/tmp/d&port=5"
        );
    }
}
