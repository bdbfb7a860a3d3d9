//! xiaobao's storage: one API over an embedded SQLite file or a PostgreSQL
//! server, with the same SQL migrations for both.
//!
//! Everything a running instance needs to share with its siblings — sessions,
//! login throttling, job leases — lives here, in the database, so that several
//! instances can serve one PostgreSQL database behind a load balancer.
//!
//! Reads and writes of organisation-scoped data take an [`Actor`] and apply its
//! [`Scope`]; a record outside the scope is reported as not found, so callers
//! cannot leak its existence.
//!
//! [`Actor`]: xiaobao_domain::actor::Actor
//! [`Scope`]: xiaobao_domain::org::Scope

pub mod accounts;
pub mod alerts;
pub mod audit;
pub mod complaints;
mod db;
mod error;
pub mod kb;
pub mod leases;
mod lifecycle;
pub mod orgs;
mod relevance;
pub mod reviews;
pub mod secret;
pub mod sessions;
mod settings;
mod sql;
pub mod term_stats;
pub mod throttle;
pub mod time;

pub use db::{Backend, PoolStats, Store, redact_url, sqlite_url_for_dir};
pub use error::StoreError;
