use std::path::Path;
use std::str::FromStr;
use std::sync::Once;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

use crate::StoreError;

/// Which database engine a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A handle to the database: a connection pool plus the backend it runs on.
/// Cheap to clone; share one per process.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: AnyPool,
    backend: Backend,
}

/// A snapshot of the connection pool, for `/metrics`.
#[derive(Debug, Clone, Copy)]
pub struct PoolStats {
    pub size: u32,
    pub idle: usize,
    pub max: u32,
}

static DRIVERS: Once = Once::new();

/// The page cache of each pooled SQLite connection, in KiB.
pub(crate) const SQLITE_CACHE_KIB: i64 = 64 * 1024;

impl Store {
    /// Opens (creating it when missing) and migrates the database at `url`.
    ///
    /// `sqlite:PATH` or `sqlite://PATH` opens an embedded file in WAL mode with
    /// full fsync on commit, so that an acknowledged write survives a crash;
    /// `postgres://…` connects to a server. Migrations run before this returns,
    /// serialised across instances by the migrator's database lock.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connects without migrating.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        DRIVERS.call_once(sqlx::any::install_default_drivers);
        let backend = backend_of(url)?;
        let url = match backend {
            Backend::Sqlite => sqlite_url_with_create(url)?,
            Backend::Postgres => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url).map_err(|e| StoreError::BadUrl {
            url: redact_url(&url),
            reason: e.to_string(),
        })?;
        let pool_options = match backend {
            Backend::Sqlite => AnyPoolOptions::new()
                .max_connections(8)
                .min_connections(1)
                .after_connect(|conn, _meta| {
                    Box::pin(async move {
                        // WAL lets readers proceed while one writer commits;
                        // synchronous=FULL fsyncs the WAL on every commit.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        // A 64 MiB page cache per connection (SQLite's default
                        // is 2 MiB): list queries over a million complaints
                        // stay in memory. Bulk loads raise their own.
                        conn.execute(sqlx::AssertSqlSafe(format!(
                            "PRAGMA cache_size = -{SQLITE_CACHE_KIB}"
                        )))
                        .await?;
                        conn.execute("PRAGMA temp_store = MEMORY").await?;
                        Ok(())
                    })
                }),
            Backend::Postgres => AnyPoolOptions::new().max_connections(16).min_connections(1),
        };
        let pool = pool_options
            .acquire_timeout(Duration::from_secs(15))
            .connect_with(options)
            .await
            .map_err(StoreError::Open)?;
        Ok(Store { pool, backend })
    }

    /// Applies pending migrations: first the portable ones shared by both
    /// backends (`migrations/`), then the few that must differ, such as the
    /// full-text index (`migrations-sqlite/`, `migrations-postgres/`, numbered
    /// from 1001). Both sets share one history table, so each ignores the
    /// other's entries.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let mut common = sqlx::migrate!("./migrations");
        common.set_ignore_missing(true);
        common.run(&self.pool).await?;
        let mut specific = match self.backend {
            Backend::Sqlite => sqlx::migrate!("./migrations-sqlite"),
            Backend::Postgres => sqlx::migrate!("./migrations-postgres"),
        };
        specific.set_ignore_missing(true);
        specific.run(&self.pool).await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Succeeds when the database answers a trivial query (`/readyz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub fn pool_stats(&self) -> PoolStats {
        PoolStats {
            size: self.pool.size(),
            idle: self.pool.num_idle(),
            max: self.pool.options().get_max_connections(),
        }
    }

    /// Closes every connection; waits for queries in flight.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The default database URL for a data directory: an SQLite file inside it.
pub fn sqlite_url_for_dir(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("xiaobao.db").display())
}

fn backend_of(url: &str) -> Result<Backend, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else {
        Err(StoreError::BadUrl {
            url: redact_url(url),
            reason: "须以 sqlite: 或 postgres:// 开头 must start with sqlite: or postgres://"
                .into(),
        })
    }
}

/// Adds `mode=rwc` so that a missing SQLite file is created, and creates its
/// parent directory.
fn sqlite_url_with_create(url: &str) -> Result<String, StoreError> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let path = rest.split('?').next().unwrap_or(rest);
    if path.is_empty() {
        return Err(StoreError::BadUrl {
            url: url.into(),
            reason: "缺少数据库文件路径 missing database file path".into(),
        });
    }
    if path != ":memory:"
        && let Some(parent) = Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(|e| StoreError::BadUrl {
            url: url.into(),
            reason: format!(
                "无法创建目录 cannot create directory {}: {e}",
                parent.display()
            ),
        })?;
    }
    if url.contains("mode=") {
        Ok(url.to_string())
    } else if url.contains('?') {
        Ok(format!("{url}&mode=rwc"))
    } else {
        Ok(format!("{url}?mode=rwc"))
    }
}

/// Removes a password from a URL before it is shown or logged.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let creds = &url[scheme_end + 3..at];
            match creds.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &creds[..colon],
                    &url[at..]
                ),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://bank:s3cret@db:5432/xb"),
            "postgres://bank:***@db:5432/xb"
        );
        assert_eq!(redact_url("postgres://bank@db/xb"), "postgres://bank@db/xb");
    }

    #[test]
    fn bad_scheme_is_rejected() {
        let err = backend_of("mysql://x").unwrap_err();
        assert!(err.to_string().contains("sqlite:"));
    }
}
