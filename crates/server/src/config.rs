//! Server settings that the command line, the configuration file and the
//! environment resolve into.

use std::net::SocketAddr;

/// Settings of one server instance.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    /// Mark cookies `Secure`; turn on when the server sits behind HTTPS.
    pub secure_cookies: bool,
    /// Idle lifetime of a browser session.
    pub session_ttl_seconds: i64,
    /// Largest request body accepted (413 above it).
    pub max_body_bytes: usize,
    pub request_timeout_seconds: u64,
    /// A name for this instance in job leases and logs.
    pub instance_id: String,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            secure_cookies: false,
            session_ttl_seconds: 8 * 3600,
            max_body_bytes: 32 * 1024 * 1024,
            request_timeout_seconds: 60,
            instance_id: default_instance_id(),
        }
    }
}

/// Host name plus process id: unique among instances sharing a database.
pub fn default_instance_id() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .map(|s| s.trim().to_string())
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "localhost".into());
    format!("{host}-{}", std::process::id())
}
