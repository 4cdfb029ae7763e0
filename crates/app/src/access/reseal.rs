//! 密钥轮换 — after `pingan keys rotate` adds a key, values sealed with older keys are sealed again
//! with the newest, in batches, in the background of the server (or at once with `pingan keys reseal`).
//! Old keys stay in the key file until nothing uses them.

use crate::Result;
use crate::access::accounts::PHONE_FIELD;
use crate::access::second_factor::TOTP_FIELD;
use crate::video::DEVICE_PASSWORD_FIELD;
use pingan_store::{SealedColumn, SealedUserColumns};

const BATCH: i64 = 500;

impl crate::services::Access<'_> {
    /// Re-seals every value sealed with an older key; returns how many rows changed. Safe to run
    /// again and from several instances: a row already on the newest key is left alone.
    pub async fn reseal_stale(self) -> Result<u64> {
        let (mut after, mut changed) = (0i64, 0u64);
        loop {
            let page = self.store.sealed_user_columns(after, BATCH).await?;
            let Some(last) = page.last().map(|c| c.id) else {
                break;
            };
            for row in page {
                let fresh = SealedUserColumns {
                    id: row.id,
                    phone_sealed: self.refresh(PHONE_FIELD, row.phone_sealed.as_deref())?,
                    totp_sealed: self.refresh(TOTP_FIELD, row.totp_sealed.as_deref())?,
                    totp_pending_sealed: self
                        .refresh(TOTP_FIELD, row.totp_pending_sealed.as_deref())?,
                };
                if fresh != row {
                    self.store.update_sealed_user_columns(&fresh).await?;
                    changed += 1;
                }
            }
            after = last;
        }
        changed += self.reseal_device_passwords().await?;
        for column in SealedColumn::ALL {
            changed += self.reseal_column(column).await?;
        }
        if changed > 0 {
            tracing::info!(rows = changed, "已用最新密钥重新加密");
        }
        Ok(changed)
    }

    /// Re-seals the video devices' own digest passwords; returns how many changed.
    async fn reseal_device_passwords(self) -> Result<u64> {
        let (mut after, mut changed) = (String::new(), 0u64);
        loop {
            let page = self.store.sealed_device_passwords(&after, BATCH).await?;
            let Some(last) = page.last().map(|(id, _)| id.clone()) else {
                break;
            };
            for (id, sealed) in page {
                if let Some(fresh) = self.refresh(DEVICE_PASSWORD_FIELD, Some(&sealed))?
                    && fresh != sealed
                {
                    self.store.set_device_password(&id, &fresh).await?;
                    changed += 1;
                }
            }
            after = last;
        }
        Ok(changed)
    }

    /// Re-seals one sealed column of the registry; returns how many values changed.
    async fn reseal_column(self, column: SealedColumn) -> Result<u64> {
        let field = match column {
            SealedColumn::PersonName => crate::registry::persons::NAME_FIELD,
            SealedColumn::PersonIdNumber => crate::registry::persons::ID_FIELD,
            SealedColumn::PersonPhone => crate::registry::persons::PHONE_FIELD,
            SealedColumn::MemberFacts => crate::registry::special_groups::FACTS_FIELD,
            SealedColumn::VisitNotes => crate::registry::visits::NOTES_FIELD,
            SealedColumn::PlacePrincipal => crate::registry::places::PRINCIPAL_FIELD,
            SealedColumn::PlacePhone => crate::registry::places::PHONE_FIELD,
            SealedColumn::DisputePartyName => crate::cases::PARTY_NAME_FIELD,
            SealedColumn::DisputePartyIdNumber => crate::cases::PARTY_ID_FIELD,
            SealedColumn::DisputePartyPhone => crate::cases::PARTY_PHONE_FIELD,
            SealedColumn::ClueInformantName => crate::cases::clues::INFORMANT_NAME_FIELD,
            SealedColumn::ClueInformantPhone => crate::cases::clues::INFORMANT_PHONE_FIELD,
            SealedColumn::ClueInformantIdNumber => crate::cases::clues::INFORMANT_ID_FIELD,
            SealedColumn::ClueInformantContact => crate::cases::clues::INFORMANT_CONTACT_FIELD,
            SealedColumn::Open311Contact => crate::open311::CONTACT_FIELD,
            SealedColumn::AlarmPointKey => crate::alarms::KEY_FIELD,
            SealedColumn::HotlineCaller => crate::hotline::CALLER_FIELD,
        };
        let (mut after, mut changed) = (0i64, 0u64);
        loop {
            let page = self.store.sealed_values(column, after, BATCH).await?;
            let Some(last) = page.last().map(|(id, _)| *id) else {
                break;
            };
            for (id, sealed) in page {
                if let Some(fresh) = self.refresh(field, Some(&sealed))?
                    && fresh != sealed
                {
                    self.store.set_sealed_value(column, id, &fresh).await?;
                    changed += 1;
                }
            }
            after = last;
        }
        Ok(changed)
    }

    /// The value sealed with the newest key: unchanged if it already is.
    fn refresh(self, field: &str, sealed: Option<&[u8]>) -> Result<Option<Vec<u8>>> {
        match sealed {
            Some(s) if self.cipher.is_stale(s) => {
                let plain = self.cipher.open_bytes(field, s)?;
                Ok(Some(self.cipher.seal_bytes(field, &plain)?))
            }
            other => Ok(other.map(<[u8]>::to_vec)),
        }
    }
}
