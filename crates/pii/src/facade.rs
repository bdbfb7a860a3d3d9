//! The one-call interface the store uses.

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::crypto::KeyRing;
use crate::error::{PiiError, ValidationError};
use crate::field::PiiField;
use crate::mask::MaskPolicy;
use crate::validate::{self, CardKind, IdNumberKind, PhoneKind, PiiNote};

/// What the store keeps for one personal-information field: never the
/// plaintext.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Protected {
    /// `v1:<key_id>:<base64>` ciphertext of the normalised value.
    pub ciphertext: String,
    /// Masked normalised value for display and exports.
    pub masked: String,
    /// Blind index for equality search; `None` for names (see
    /// [`PiiField::is_indexed`]).
    pub blind_index: Option<String>,
    /// Things the intake clerk should be told (legacy ID, Luhn failure …).
    pub notes: Vec<PiiNote>,
}

/// A value reduced to canonical form, ready to encrypt, mask and index.
struct Normalised {
    /// Stored (encrypted) and masked form.
    value: Zeroizing<String>,
    /// Form the blind index is computed over, when it differs from `value`
    /// (legacy 15-digit ID numbers are indexed as their 18-digit upgrade).
    index_value: Option<Zeroizing<String>>,
    notes: Vec<PiiNote>,
}

fn normalise(field: PiiField, raw: &str) -> Result<Normalised, ValidationError> {
    let plain = |value: &str, notes: Vec<PiiNote>| Normalised {
        value: Zeroizing::new(value.to_owned()),
        index_value: None,
        notes,
    };
    Ok(match field {
        PiiField::Name => plain(validate::name(raw)?.as_str(), Vec::new()),
        PiiField::Phone => {
            let phone = validate::mobile(raw)?;
            let notes = match phone.kind() {
                PhoneKind::Mobile => Vec::new(),
                PhoneKind::Landline => vec![PiiNote::Landline],
            };
            plain(phone.as_str(), notes)
        }
        PiiField::IdNumber => {
            let id = validate::id_number(raw)?;
            match id.kind() {
                IdNumberKind::Resident18 => plain(id.as_str(), Vec::new()),
                IdNumberKind::Legacy15 => Normalised {
                    value: Zeroizing::new(id.as_str().to_owned()),
                    index_value: Some(id.to_18()),
                    notes: vec![PiiNote::LegacyIdNumber],
                },
            }
        }
        PiiField::CardNumber => {
            let card = validate::card_number(raw)?;
            let mut notes = Vec::new();
            if card.kind() == CardKind::Account {
                notes.push(PiiNote::AccountNumber);
            }
            if card.luhn_failed() {
                notes.push(PiiNote::LuhnCheckFailed);
            }
            plain(card.as_str(), notes)
        }
    })
}

/// Personal-information protection with one key ring and one masking policy.
///
/// `Debug` shows key ids and the policy, never key material.
#[derive(Debug, Clone)]
pub struct Pii {
    keys: KeyRing,
    policy: MaskPolicy,
}

impl Pii {
    /// Combines a key ring and a masking policy.
    #[must_use]
    pub const fn new(keys: KeyRing, policy: MaskPolicy) -> Self {
        Pii { keys, policy }
    }

    /// The key ring (for rotation jobs).
    #[must_use]
    pub const fn keys(&self) -> &KeyRing {
        &self.keys
    }

    /// The masking policy.
    #[must_use]
    pub const fn policy(&self) -> &MaskPolicy {
        &self.policy
    }

    /// Validates and normalises `raw`, then encrypts, masks and (for
    /// identifiers) blind-indexes the normalised value.
    ///
    /// # Errors
    /// [`PiiError::Validation`] for malformed input (the message names the
    /// field), [`PiiError::Crypto`] if encryption fails.
    pub fn protect(&self, field: PiiField, raw: &str) -> Result<Protected, PiiError> {
        let n = normalise(field, raw)?;
        let ciphertext = self.keys.encrypt(field.as_str(), &n.value)?;
        let masked = self.policy.mask(field, &n.value);
        let blind_index = field.is_indexed().then(|| {
            let index_value = n.index_value.as_ref().unwrap_or(&n.value);
            self.keys.blind_index(field.as_str(), index_value)
        });
        Ok(Protected {
            ciphertext,
            masked,
            blind_index,
            notes: n.notes,
        })
    }

    /// Blind index for searching: validates and normalises `raw` exactly as
    /// [`Pii::protect`] does, so a search term in any accepted presentation
    /// finds the stored rows. `Ok(None)` for fields without an index.
    ///
    /// # Errors
    /// [`PiiError::Validation`] if `raw` is not a valid value of `field`.
    pub fn search_index(&self, field: PiiField, raw: &str) -> Result<Option<String>, PiiError> {
        if !field.is_indexed() {
            return Ok(None);
        }
        let n = normalise(field, raw)?;
        let index_value = n.index_value.as_ref().unwrap_or(&n.value);
        Ok(Some(self.keys.blind_index(field.as_str(), index_value)))
    }

    /// Decrypts a stored value. This is a reveal: the caller must audit it.
    ///
    /// # Errors
    /// [`PiiError::Crypto`] if the value cannot be decrypted for this field.
    pub fn reveal(&self, field: PiiField, ciphertext: &str) -> Result<Zeroizing<String>, PiiError> {
        Ok(self.keys.decrypt(field.as_str(), ciphertext)?)
    }

    /// Masks a stored value under the current policy (e.g. after the policy
    /// changed). Nothing is revealed to the caller beyond the masked form.
    ///
    /// # Errors
    /// [`PiiError::Crypto`] if the value cannot be decrypted for this field.
    pub fn remask(&self, field: PiiField, ciphertext: &str) -> Result<String, PiiError> {
        let plain = self.keys.decrypt(field.as_str(), ciphertext)?;
        Ok(self.policy.mask(field, &plain))
    }

    /// Whether a stored value is under an older key, see
    /// [`KeyRing::needs_rotation`].
    #[must_use]
    pub fn needs_rotation(&self, ciphertext: &str) -> bool {
        self.keys.needs_rotation(ciphertext)
    }

    /// Re-encrypts a stored value under the active key, see
    /// [`KeyRing::reencrypt`].
    ///
    /// # Errors
    /// [`PiiError::Crypto`] if the value cannot be decrypted for this field.
    pub fn reencrypt(&self, field: PiiField, ciphertext: &str) -> Result<String, PiiError> {
        Ok(self.keys.reencrypt(field.as_str(), ciphertext)?)
    }
}
