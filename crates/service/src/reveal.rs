//! Revealing a complainant's personal data: only for roles allowed to, only
//! with a stated reason, and every reveal is written to the audit log.

use xiaobao_domain::actor::Actor;
use xiaobao_pii::PiiField;
use xiaobao_store::StoreError;
use xiaobao_store::audit::AuditEvent;
use xiaobao_store::complaints::SecretColumn;

use crate::Services;

#[derive(Debug, thiserror::Error)]
pub enum RevealError {
    #[error("请说明查看原因（至少 4 个字） a reason of at least 4 characters is required")]
    ReasonRequired,
    #[error("该字段没有登记内容 the field is empty")]
    Empty,
    #[error(
        "未知字段 unknown field {0:?}; 可选 allowed: name, phone, id_number, card_number, content"
    )]
    UnknownField(String),
    #[error("解密失败，请联系系统管理员核对密钥 decryption failed: {0}")]
    Decrypt(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Parses the field name used in the API and the UI.
pub fn secret_column(name: &str) -> Result<SecretColumn, RevealError> {
    Ok(match name {
        "name" => SecretColumn::Name,
        "phone" => SecretColumn::Phone,
        "id_number" => SecretColumn::IdNumber,
        "card_number" => SecretColumn::CardNumber,
        "content" => SecretColumn::Content,
        other => return Err(RevealError::UnknownField(other.to_string())),
    })
}

impl Services {
    /// Decrypts one field of one complaint for `actor`, after recording who,
    /// what and why in the audit log. The value itself is never logged.
    pub async fn reveal(
        &self,
        actor: &Actor,
        complaint_id: &str,
        field: &str,
        reason: &str,
        ip: &str,
    ) -> Result<String, RevealError> {
        let column = secret_column(field)?;
        let reason = reason.trim();
        if reason.chars().count() < 4 {
            return Err(RevealError::ReasonRequired);
        }
        let complaint = self.store.get_complaint(actor, complaint_id).await?;
        let ciphertext = self
            .store
            .complaint_secret(actor, &complaint.id, column)
            .await?
            .ok_or(RevealError::Empty)?;
        let org_path = self.store.org_by_code(&complaint.org_code).await?.path;
        // Audit first: if the record cannot be written, nothing is revealed.
        self.store
            .audit(
                actor,
                AuditEvent {
                    action: "pii.reveal",
                    target_kind: "complaint",
                    target_id: &complaint.id,
                    org_path: &org_path,
                    detail: serde_json::json!({"number": complaint.number, "field": field, "reason": reason}),
                    ip,
                },
            )
            .await?;
        let plain = match column {
            SecretColumn::Name => self.pii.reveal(PiiField::Name, &ciphertext),
            SecretColumn::Phone => self.pii.reveal(PiiField::Phone, &ciphertext),
            SecretColumn::IdNumber => self.pii.reveal(PiiField::IdNumber, &ciphertext),
            SecretColumn::CardNumber => self.pii.reveal(PiiField::CardNumber, &ciphertext),
            SecretColumn::Content => self
                .pii
                .keys()
                .decrypt("content", &ciphertext)
                .map_err(xiaobao_pii::PiiError::from),
        }
        .map_err(|e| RevealError::Decrypt(e.to_string()))?;
        Ok(plain.to_string())
    }
}

impl Services {
    /// Re-encrypts every stored personal-data value that is not under the
    /// active key (after `keys rotate`). Returns how many values changed.
    pub async fn reencrypt_all(&self) -> Result<u64, RevealError> {
        let mut after = String::new();
        let mut changed = 0u64;
        loop {
            let mut rows = self.store.encrypted_columns(&after, 1_000).await?;
            let Some(last) = rows.last() else { break };
            after = last.id.clone();
            let mut dirty = Vec::new();
            for r in &mut rows {
                let mut touched = false;
                for (value, field) in [
                    (&mut r.name_enc, PiiField::Name.as_str()),
                    (&mut r.phone_enc, PiiField::Phone.as_str()),
                    (&mut r.id_number_enc, PiiField::IdNumber.as_str()),
                    (&mut r.card_number_enc, PiiField::CardNumber.as_str()),
                    (&mut r.content_enc, "content"),
                ] {
                    if let Some(v) = value.as_ref()
                        && self.pii.keys().needs_rotation(v)
                    {
                        let new = self
                            .pii
                            .keys()
                            .reencrypt(field, v)
                            .map_err(|e| RevealError::Decrypt(e.to_string()))?;
                        *value = Some(new);
                        touched = true;
                        changed += 1;
                    }
                }
                if touched {
                    dirty.push(r.clone());
                }
            }
            self.store.update_encrypted_columns(&dirty).await?;
        }
        Ok(changed)
    }
}
