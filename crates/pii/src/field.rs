//! The personal-information fields the platform stores.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A structured personal-information field.
///
/// The snake_case name ([`PiiField::as_str`]) is part of the stored data: it
/// is the AES-GCM associated data of every ciphertext and the domain separator
/// of every blind index. Renaming a variant's string would make existing
/// ciphertexts undecryptable and existing indexes unmatched, so these strings
/// are frozen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PiiField {
    /// Customer name (姓名).
    Name,
    /// Contact telephone number, mobile or fixed line (联系电话).
    Phone,
    /// Resident identity card number (证件号码).
    IdNumber,
    /// Bank card or account number (卡号/账号).
    CardNumber,
}

impl PiiField {
    /// Every field, in display order.
    pub const ALL: [PiiField; 4] = [
        PiiField::Name,
        PiiField::Phone,
        PiiField::IdNumber,
        PiiField::CardNumber,
    ];

    /// Stable machine name (`name`, `phone`, `id_number`, `card_number`), the
    /// same string serde uses.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            PiiField::Name => "name",
            PiiField::Phone => "phone",
            PiiField::IdNumber => "id_number",
            PiiField::CardNumber => "card_number",
        }
    }

    /// Chinese label shown to users and used in error messages.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            PiiField::Name => "姓名",
            PiiField::Phone => "联系电话",
            PiiField::IdNumber => "证件号码",
            PiiField::CardNumber => "卡号/账号",
        }
    }

    /// Whether [`crate::Pii::protect`] computes a blind index for this field.
    ///
    /// Identifiers (phone, ID number, card number) are indexed so that repeat
    /// complainants can be matched without decryption. Names are not: they are
    /// not unique, so an index would add little matching value while letting
    /// anyone with database access count how often each name occurs.
    #[must_use]
    pub const fn is_indexed(self) -> bool {
        !matches!(self, PiiField::Name)
    }
}

impl fmt::Display for PiiField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl AsRef<str> for PiiField {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}
