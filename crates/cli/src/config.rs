//! Settings: command-line flags, then `XIAOBAO_*` environment variables, then
//! the TOML configuration file, then defaults. A bad value stops the program
//! with one line naming the setting and what is allowed.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use serde::Deserialize;
use xiaobao_server::ServerConfig;

/// Flags that every verb understands.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Directory for the embedded database and other local files.
    #[arg(long, global = true, env = "XIAOBAO_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database URL: sqlite:PATH or postgres://USER:PASS@HOST/DB (default: SQLite file in the data dir).
    #[arg(long, global = true, env = "XIAOBAO_DATABASE", value_name = "URL")]
    pub database: Option<String>,
    /// Address the server listens on (default 127.0.0.1:8080).
    #[arg(long, global = true, env = "XIAOBAO_LISTEN", value_name = "ADDR")]
    pub listen: Option<String>,
    /// TOML configuration file.
    #[arg(long, global = true, env = "XIAOBAO_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Log format: text for people, json for log collectors.
    #[arg(long, global = true, env = "XIAOBAO_LOG_FORMAT", value_enum)]
    pub log_format: Option<LogFormat>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// The configuration file's shape. Unknown keys are errors, so a typo does not
/// silently fall back to a default.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    data_dir: Option<PathBuf>,
    database: Option<String>,
    listen: Option<String>,
    log_format: Option<LogFormat>,
    #[serde(default)]
    server: FileServerConfig,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileServerConfig {
    secure_cookies: Option<bool>,
    session_ttl_minutes: Option<i64>,
    max_body_mb: Option<usize>,
    request_timeout_seconds: Option<u64>,
    instance_id: Option<String>,
}

/// Resolved settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub database_url: String,
    pub log_format: LogFormat,
    pub server: ServerConfig,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn parse_env<T: std::str::FromStr>(name: &str, what: &str) -> anyhow::Result<Option<T>> {
    match env(name) {
        None => Ok(None),
        Some(v) => v
            .parse::<T>()
            .map(Some)
            .map_err(|_| anyhow::anyhow!("{name}={v:?} 无效 invalid: expected {what}")),
    }
}

impl Settings {
    /// Resolves the settings for this invocation.
    pub fn resolve(args: &GlobalArgs) -> anyhow::Result<Settings> {
        let file = match &args.config {
            Some(path) => read_file(path)?,
            None => FileConfig::default(),
        };
        let data_dir = args
            .data_dir
            .clone()
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("./xiaobao-data"));
        if data_dir.as_os_str().is_empty() {
            bail!("data_dir 无效 invalid: must not be empty");
        }
        let database_url = match args.database.clone().or(file.database) {
            Some(url) => {
                if !(url.starts_with("sqlite:")
                    || url.starts_with("postgres://")
                    || url.starts_with("postgresql://"))
                {
                    bail!(
                        "database 的值无效 invalid database URL {:?}: 须以 sqlite: 或 postgres:// 开头 must start with sqlite: or postgres://",
                        xiaobao_store::redact_url(&url)
                    );
                }
                url
            }
            None => xiaobao_store::sqlite_url_for_dir(&data_dir),
        };
        let listen_text = args
            .listen
            .clone()
            .or(file.listen)
            .unwrap_or_else(|| "127.0.0.1:8080".into());
        let listen: SocketAddr = listen_text.parse().map_err(|_| {
            anyhow::anyhow!(
                "listen 的值无效 invalid listen address {listen_text:?}: expected IP:PORT, e.g. 127.0.0.1:8080 or 0.0.0.0:8080"
            )
        })?;
        let log_format = args
            .log_format
            .or(file.log_format)
            .unwrap_or(LogFormat::Text);

        let mut server = ServerConfig {
            listen,
            ..ServerConfig::default()
        };
        let fs = file.server;
        if let Some(v) =
            parse_env::<bool>("XIAOBAO_SECURE_COOKIES", "true or false")?.or(fs.secure_cookies)
        {
            server.secure_cookies = v;
        }
        if let Some(v) = parse_env::<i64>("XIAOBAO_SESSION_TTL_MINUTES", "minutes, 5–10080")?
            .or(fs.session_ttl_minutes)
        {
            if !(5..=10080).contains(&v) {
                bail!("session_ttl_minutes 的值无效 invalid: {v}; expected 5–10080 minutes");
            }
            server.session_ttl_seconds = v * 60;
        }
        if let Some(v) =
            parse_env::<usize>("XIAOBAO_MAX_BODY_MB", "megabytes, 1–1024")?.or(fs.max_body_mb)
        {
            if !(1..=1024).contains(&v) {
                bail!("max_body_mb 的值无效 invalid: {v}; expected 1–1024");
            }
            server.max_body_bytes = v * 1024 * 1024;
        }
        if let Some(v) = parse_env::<u64>("XIAOBAO_REQUEST_TIMEOUT_SECONDS", "seconds, 1–3600")?
            .or(fs.request_timeout_seconds)
        {
            if !(1..=3600).contains(&v) {
                bail!("request_timeout_seconds 的值无效 invalid: {v}; expected 1–3600");
            }
            server.request_timeout_seconds = v;
        }
        if let Some(v) = env("XIAOBAO_INSTANCE_ID").or(fs.instance_id) {
            server.instance_id = v;
        }
        Ok(Settings {
            data_dir,
            database_url,
            log_format,
            server,
        })
    }

    /// Opens (creating and migrating when needed) the configured database.
    pub async fn open_store(&self) -> anyhow::Result<xiaobao_store::Store> {
        if self.database_url.starts_with("sqlite:") {
            std::fs::create_dir_all(&self.data_dir).with_context(|| {
                format!(
                    "无法创建数据目录 cannot create data directory {}",
                    self.data_dir.display()
                )
            })?;
        }
        Ok(xiaobao_store::Store::open(&self.database_url).await?)
    }
}

/// The environment variable holding PII keys (`id:base64key,…`, first active).
pub const PII_KEYS_ENV: &str = "XIAOBAO_PII_KEYS";

impl Settings {
    /// Where the PII key file lives when the keys are not in the environment.
    pub fn pii_key_path(&self) -> PathBuf {
        self.data_dir.join("pii.key")
    }

    /// The key ring: from `XIAOBAO_PII_KEYS` when set (several instances must
    /// share it), else the key file in the data directory, created on first use.
    pub fn key_ring(&self) -> anyhow::Result<xiaobao_pii::KeyRing> {
        if std::env::var(PII_KEYS_ENV).is_ok_and(|v| !v.is_empty()) {
            return Ok(xiaobao_pii::KeyRing::from_env(PII_KEYS_ENV)?);
        }
        std::fs::create_dir_all(&self.data_dir).with_context(|| {
            format!(
                "无法创建数据目录 cannot create data directory {}",
                self.data_dir.display()
            )
        })?;
        Ok(xiaobao_pii::KeyRing::load_or_create(self.pii_key_path())?)
    }

    /// Opens the database and assembles the use cases.
    pub async fn open_services(&self) -> anyhow::Result<xiaobao_service::Services> {
        let keys = self.key_ring()?;
        let store = self.open_store().await?;
        let pii = xiaobao_pii::Pii::new(keys, xiaobao_pii::MaskPolicy::default());
        let services = xiaobao_service::Services::new(store, pii)?;
        services.reload_config().await?;
        Ok(services)
    }
}

fn read_file(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "无法读取配置文件 cannot read config file {}",
            path.display()
        )
    })?;
    toml::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "配置文件 {} 有误 invalid config file: {}",
            path.display(),
            e.message()
        )
    })
}

/// Starts logging to stderr; never logs personal data (handlers log ids only).
pub fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("XIAOBAO_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
