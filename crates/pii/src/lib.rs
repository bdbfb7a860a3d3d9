//! Personal-information protection for structured fields (个人金融信息保护).
//!
//! Names, contact numbers, ID numbers and card/account numbers are personal
//! financial information in the sense of JR/T 0171-2020 (category C2) and, for
//! account numbers, sensitive personal information under PIPL Art. 28. The
//! platform treats them as toxic: they are validated once at intake, encrypted
//! before they reach the database, shown only masked, matched through blind
//! indexes instead of plaintext comparisons, and never written to logs.
//!
//! The crate is split along those duties:
//!
//! * [`validate`] — intake validators that reject malformed values with a
//!   precise Chinese message and return one canonical form, so that equal
//!   values encrypt and index identically;
//! * [`mask`] — display masking with per-field, serde-configurable rules that
//!   never reveal more than the policy allows;
//! * [`crypto`] — AES-256-GCM field encryption bound to the column name, a
//!   key ring supporting rotation, and HMAC-SHA256 blind indexes;
//! * [`Pii`] — the facade the store calls: validate, encrypt, mask and index
//!   in one step.
//!
//! Errors never contain the value being processed, and `Debug` output of
//! value- or key-bearing types is masked or redacted, so that an error or a
//! debug print that ends up in a log does not leak personal information.

pub mod crypto;
mod error;
mod facade;
mod field;
pub mod mask;
pub mod validate;

pub use crypto::KeyRing;
pub use error::{CryptoError, KeyError, KeySource, PiiError, ValidationError, ValidationErrorKind};
pub use facade::{Pii, Protected};
pub use field::PiiField;
pub use mask::MaskPolicy;
pub use validate::PiiNote;
pub use zeroize::Zeroizing;
