use thiserror::Error;

/// Errors from the storage layer. Messages are in Chinese first, English second,
/// because they reach operators and, through the API, users.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("数据库地址无效 invalid database URL {url:?}: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("无法打开数据库 cannot open database: {0}")]
    Open(#[source] sqlx::Error),
    #[error("数据库迁移失败 migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("数据库错误 database error: {0}")]
    Database(#[source] sqlx::Error),
    #[error("未找到 not found: {0}")]
    NotFound(String),
    #[error("已存在 already exists: {0}")]
    Conflict(String),
    #[error("输入无效 invalid input: {0}")]
    Invalid(String),
    #[error("无权操作 not permitted: {0}")]
    Forbidden(String),
    #[error("内部错误 internal error: {0}")]
    Internal(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &err
            && db.is_unique_violation()
        {
            return StoreError::Conflict(db.message().to_string());
        }
        StoreError::Database(err)
    }
}
