//! 信用核查 — a member unit asks about one person or organisation, for a stated purpose, and
//! learns whether it is listed and what is restricted (the keepers also see the entries); records
//! the measures it took; and the registry's pages flag their person or place. Every check is
//! audited with whom it was about (masked) and whether it hit; a flag is audited when shown.

use super::entries::restriction_labels;
use super::{
    CREDIT_CODE_FIELD, CreditCheckRequest, CreditCheckView, CreditFlag, CreditMeasureRecorded,
    CreditMeasureRequest,
};
use crate::registry::persons::ID_FIELD;
use crate::{Actor, AppError, CurrentUser, Result};
use chrono::Utc;
use pingan_domain::Capability;
use pingan_domain::credit::{CheckPurpose, CreditListKind, CreditSubject, Restriction, stands_on};
use pingan_domain::time::beijing_date;
use pingan_store::{CreditEntryRecord, NewCreditMeasure};
use serde_json::json;

impl crate::services::Credit<'_> {
    /// The blind index a subject is kept under: a person's is the registry's own.
    pub(super) fn subject_index(&self, subject: &CreditSubject) -> String {
        match subject {
            CreditSubject::Person(id) => self.cipher.blind_index(ID_FIELD, id.as_str()),
            CreditSubject::Organisation(code) => self.cipher.blind_index(CREDIT_CODE_FIELD, code),
        }
    }

    /// The subject a request names: an ID number or a credit code, exactly one.
    fn subject_of(id_number: Option<&str>, credit_code: Option<&str>) -> Result<CreditSubject> {
        fn given(s: Option<&str>) -> Option<&str> {
            s.map(str::trim).filter(|s| !s.is_empty())
        }
        let today = beijing_date(Utc::now());
        let subject = match (given(id_number), given(credit_code)) {
            (Some(id), None) => CreditSubject::parse(id, today),
            (None, Some(code)) => CreditSubject::parse(code, today),
            _ => {
                return Err(AppError::Invalid(
                    "请填写 id_number（自然人身份证号码）或 credit_code（单位统一社会信用代码），只填一项"
                        .into(),
                ));
            }
        }
        .map_err(|e| AppError::Invalid(e.to_string()))?;
        match (&subject, given(id_number)) {
            (CreditSubject::Person(_), None) => Err(AppError::Invalid(
                "credit_code 应为统一社会信用代码；自然人请填 id_number".into(),
            )),
            (CreditSubject::Organisation(_), Some(_)) => Err(AppError::Invalid(
                "id_number 不是有效的公民身份号码；单位请填 credit_code".into(),
            )),
            _ => Ok(subject),
        }
    }

    /// Whether the actor may check (信用核查): the check page is shown only to them.
    pub fn may_check(self, actor: &Actor) -> Result<()> {
        self.authorize(actor, Capability::CheckCredit, None)
    }

    /// The entries standing about a subject (by its index), anywhere in the district.
    async fn standing(&self, index: &str) -> Result<Vec<CreditEntryRecord>> {
        let today = beijing_date(Utc::now());
        Ok(self
            .store
            .credit_entries_of(index)
            .await?
            .into_iter()
            .filter(|e| stands_on(e.listed_on, e.lifted_on, today))
            .collect())
    }

    /// Checks one subject for a purpose (信用核查): listed or not, its kinds and restrictions,
    /// and — to the list's keepers only — the entries themselves. Audited either way.
    pub async fn check(self, actor: &Actor, r: &CreditCheckRequest) -> Result<CreditCheckView> {
        self.authorize(actor, Capability::CheckCredit, None)?;
        let purpose = CheckPurpose::parse(&r.purpose).ok_or_else(|| {
            AppError::Invalid(format!(
                "请说明核查用途 purpose：{} 之一",
                CheckPurpose::labels()
            ))
        })?;
        let subject = Self::subject_of(r.id_number.as_deref(), r.credit_code.as_deref())?;
        let standing = self.standing(&self.subject_index(&subject)).await?;
        let (kinds, restrictions) = summary(&standing);
        let keeper = actor
            .user
            .as_ref()
            .is_none_or(|u| u.can(Capability::ManageCreditList));
        let entries = if keeper {
            standing
                .iter()
                .cloned()
                .map(|e| self.entry_view(e))
                .collect::<Result<Vec<_>>>()?
        } else {
            Vec::new()
        };
        let restricted_for_purpose = purpose
            .restriction()
            .is_some_and(|want| restrictions.iter().any(|r| r == want.label()));
        self.audit(
            actor,
            "credit.check",
            &format!("{}:{}", subject.kind(), subject.shown()),
            "ok",
            json!({
                "purpose": purpose.code(),
                "listed": !standing.is_empty(),
                "entries": standing.iter().map(|e| e.id).collect::<Vec<_>>(),
            }),
        )
        .await?;
        Ok(CreditCheckView {
            subject: subject.shown(),
            listed: !standing.is_empty(),
            restricted_for_purpose,
            kinds,
            restrictions,
            entries,
            purpose: purpose.label().into(),
        })
    }

    /// Records a measure a member unit took against a listed subject, on each entry standing
    /// about it; a subject not listed is refused (there is nothing to discipline).
    pub async fn record_measure(
        self,
        actor: &Actor,
        r: &CreditMeasureRequest,
    ) -> Result<CreditMeasureRecorded> {
        self.authorize(actor, Capability::CheckCredit, None)?;
        let user = actor
            .user
            .as_ref()
            .ok_or(AppError::Unauthenticated("请先登录"))?;
        let measure = Restriction::parse(&r.measure).ok_or_else(|| {
            AppError::Invalid(format!("measure 应为 {} 之一", Restriction::labels()))
        })?;
        let note = r.note.trim();
        if note.chars().count() > 200 {
            return Err(AppError::Invalid("措施说明不超过 200 个字".into()));
        }
        let today = beijing_date(Utc::now());
        let taken_on = r.taken_on.unwrap_or(today);
        if taken_on > today {
            return Err(AppError::Invalid("采取措施的日期不能晚于今天".into()));
        }
        let subject = Self::subject_of(r.id_number.as_deref(), r.credit_code.as_deref())?;
        let standing = self.standing(&self.subject_index(&subject)).await?;
        if standing.is_empty() {
            return Err(AppError::NotFound(format!(
                "{} 不在失信被执行人或拒执名单上，无需记录惩戒措施",
                subject.shown()
            )));
        }
        let now = Utc::now();
        let measures: Vec<NewCreditMeasure> = standing
            .iter()
            .map(|e| NewCreditMeasure {
                entry_id: e.id,
                department_id: user.department_id,
                org_code: user.org_code.as_str().into(),
                measure: measure.code().into(),
                note: note.into(),
                taken_on,
                recorded_by: user.id,
                at: now,
            })
            .collect();
        self.store.insert_credit_measures(&measures).await?;
        self.audit(
            actor,
            "credit.measure",
            &format!("{}:{}", subject.kind(), subject.shown()),
            "ok",
            json!({"measure": measure.code(), "entries": standing.iter().map(|e| e.id).collect::<Vec<_>>()}),
        )
        .await?;
        Ok(CreditMeasureRecorded {
            entries: measures.len(),
        })
    }

    /// The flag a person's page shows to a viewer who may check, if the person is listed
    /// (audited when shown); none to anyone else.
    pub async fn person_flag(
        self,
        user: &CurrentUser,
        person_id: i64,
    ) -> Result<Option<CreditFlag>> {
        if !user.can(Capability::CheckCredit) {
            return Ok(None);
        }
        self.authorize_user(user, Capability::ViewRegistry)?;
        let Some(index) = self.store.person_id_index(person_id, &user.scope()).await? else {
            return Err(AppError::NotFound(format!(
                "没有人员 {person_id}，或不在您的管辖范围内"
            )));
        };
        self.flag(user, &index, &format!("person:{person_id}"))
            .await
    }

    /// The flag a place's page shows to a viewer who may check, if its organisation is listed.
    pub async fn place_flag(self, user: &CurrentUser, place_id: i64) -> Result<Option<CreditFlag>> {
        if !user.can(Capability::CheckCredit) {
            return Ok(None);
        }
        self.authorize_user(user, Capability::ViewPlaces)?;
        let Some(place) = self.store.place(place_id, &user.scope()).await? else {
            return Err(AppError::NotFound(format!(
                "没有场所 {place_id}，或不在您的管辖范围内"
            )));
        };
        let Some(code) = place.credit_code.as_deref() else {
            return Ok(None);
        };
        let index = self.cipher.blind_index(CREDIT_CODE_FIELD, code);
        self.flag(user, &index, &format!("place:{place_id}")).await
    }

    async fn flag(
        &self,
        user: &CurrentUser,
        index: &str,
        target: &str,
    ) -> Result<Option<CreditFlag>> {
        let standing = self.standing(index).await?;
        if standing.is_empty() {
            return Ok(None);
        }
        let (kinds, restrictions) = summary(&standing);
        self.audit(
            &Actor::user(user.clone(), None),
            "credit.flag",
            target,
            "ok",
            json!({"entries": standing.iter().map(|e| e.id).collect::<Vec<_>>()}),
        )
        .await?;
        Ok(Some(CreditFlag {
            kinds,
            restrictions,
        }))
    }
}

/// The kinds and the restrictions (each once, by name) of the standing entries.
fn summary(standing: &[CreditEntryRecord]) -> (Vec<String>, Vec<String>) {
    let mut kinds: Vec<String> = Vec::new();
    let mut restrictions: Vec<String> = Vec::new();
    for e in standing {
        let kind =
            CreditListKind::parse(&e.kind).map_or_else(|| e.kind.clone(), |k| k.label().into());
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
        for r in restriction_labels(&e.restrictions) {
            if !restrictions.contains(&r) {
                restrictions.push(r);
            }
        }
    }
    (kinds, restrictions)
}
