//! xiaobao's domain model: plain Rust types and rules with no I/O, so they can be
//! tested exhaustively and used from the CLI, the store and the server alike.

pub mod actor;
pub mod complaint;
pub mod intake;
pub mod names;
pub mod org;
pub mod review;
pub mod role;
pub mod sla;
pub mod taxonomy;
