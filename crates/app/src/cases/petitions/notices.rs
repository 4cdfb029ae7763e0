//! 信访文书 — the written notices the regulation requires, as PDFs with the office's name: 受理
//! 告知书, 不予受理告知书, 延期告知书 and 信访处理意见书. Each names the petitioners in full, so
//! only the office or the organ on the case may print one, and every print is audited.

use crate::cases::case_number;
use crate::cases::disputes::PARTY_NAME_FIELD;
use crate::{Actor, AppError, Result};
use pingan_domain::case::Party;
use pingan_domain::case::petition::{PETITION, RefusalGround, ReplyOutcome};
use pingan_domain::time::in_shanghai;
use pingan_office::pdf::{Block, write_pdf};
use pingan_store::PetitionRecord;

/// 信访文书 — one of the notices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// 受理告知书.
    Acceptance,
    /// 不予受理告知书.
    Refusal,
    /// 延期告知书.
    Extension,
    /// 信访处理意见书.
    Opinion,
}

impl NoticeKind {
    const ALL: [NoticeKind; 4] = [
        NoticeKind::Acceptance,
        NoticeKind::Refusal,
        NoticeKind::Extension,
        NoticeKind::Opinion,
    ];

    pub fn key(self) -> &'static str {
        match self {
            NoticeKind::Acceptance => "acceptance",
            NoticeKind::Refusal => "refusal",
            NoticeKind::Extension => "extension",
            NoticeKind::Opinion => "opinion",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            NoticeKind::Acceptance => "信访事项受理告知书",
            NoticeKind::Refusal => "信访事项不予受理告知书",
            NoticeKind::Extension => "信访事项延期办理告知书",
            NoticeKind::Opinion => "信访事项处理意见书",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == s)
    }
}

/// Whether the user is the office or the organ on the petition.
fn handles(user: &crate::CurrentUser, r: &PetitionRecord) -> Result<bool> {
    Ok(crate::cases::parties(user, &r.case)?
        .iter()
        .any(|p| matches!(p, Party::Hub | Party::Department)))
}

/// The notices a petition has grounds for now.
pub(crate) fn available(r: &PetitionRecord) -> Vec<NoticeKind> {
    let d = &r.detail;
    NoticeKind::ALL
        .into_iter()
        .filter(|k| match k {
            NoticeKind::Acceptance => d.accepted_at.is_some() && d.refusal_ground.is_none(),
            NoticeKind::Refusal => d.refusal_ground.is_some(),
            NoticeKind::Extension => d.extended_days > 0,
            NoticeKind::Opinion => d.outcome.is_some(),
        })
        .collect()
}

impl crate::services::Cases<'_> {
    /// A notice of a petition as a PDF: (file name, bytes).
    pub async fn petition_notice(
        self,
        actor: &Actor,
        id: i64,
        kind: NoticeKind,
    ) -> Result<(String, Vec<u8>)> {
        let (user, r) = self.readable_petition(actor, id).await?;
        if !handles(user, &r)? {
            return Err(AppError::Forbidden(
                "只有承办的信访工作机构或承办部门可以出具信访文书".into(),
            ));
        }
        if !available(&r).contains(&kind) {
            return Err(AppError::Conflict(format!(
                "此信访事项还没有出具《{}》的依据",
                kind.title()
            )));
        }
        let number = case_number(&PETITION, id, r.case.created_at);
        let mut names = Vec::new();
        for p in self.store.case_parties(id).await? {
            names.push(self.cipher.open(PARTY_NAME_FIELD, &p.party.name_sealed)?);
        }
        let office = match self.store.org_unit(r.case.core.owner_org.as_str()).await? {
            Some(u) => format!("{}信访工作机构", u.name),
            None => "信访工作机构".to_owned(),
        };
        let organ = self
            .store
            .case_departments(id)
            .await?
            .into_iter()
            .find(|d| d.lead)
            .map(|d| d.name);
        let day =
            |t: chrono::DateTime<chrono::Utc>| in_shanghai(t).format("%Y年%-m月%-d日").to_string();
        let d = &r.detail;
        let received = day(r.case.created_at);
        let body = match kind {
            NoticeKind::Acceptance => format!(
                "您于{received}提出的信访事项“{}”，经审查，符合受理条件，{}已予受理。我们将依照《信访工作条例》，自受理之日起六十日内办结，并书面答复您。",
                r.case.title,
                organ.as_deref().unwrap_or("本机关")
            ),
            NoticeKind::Refusal => {
                let ground = d
                    .refusal_ground
                    .as_deref()
                    .and_then(RefusalGround::parse)
                    .map_or("不符合受理条件", RefusalGround::label);
                let earlier = match d.repeat_of {
                    Some(e)
                        if d.refusal_ground.as_deref() == Some(RefusalGround::Concluded.code()) =>
                    {
                        self.visible_number(user, e)
                            .await?
                            .map(|n| format!("（原信访件编号 {n}）"))
                            .unwrap_or_default()
                    }
                    _ => String::new(),
                };
                format!(
                    "您于{received}提出的信访事项“{}”，经审查，{ground}{earlier}，依照《信访工作条例》的规定，不予受理。{}",
                    r.case.title,
                    if ground == RefusalGround::Litigation.label() {
                        "请您依法向人民法院、仲裁机构或者行政复议机关提出。"
                    } else {
                        ""
                    }
                )
            }
            NoticeKind::Extension => format!(
                "您提出的信访事项“{}”，因情况复杂，经本机关负责人批准，办理期限延长{}日{}。延长期满前我们将书面答复您。",
                r.case.title,
                d.extended_days,
                r.case
                    .core
                    .clock
                    .map(|c| format!("，至{}", day(c.deadline)))
                    .unwrap_or_default()
            ),
            NoticeKind::Opinion => {
                let outcome = d
                    .outcome
                    .as_deref()
                    .and_then(ReplyOutcome::parse)
                    .map_or("", ReplyOutcome::label);
                let reasons = self
                    .store
                    .timeline(id)
                    .await?
                    .into_iter()
                    .rev()
                    .find(|t| t.entry.action == "reply")
                    .and_then(|t| t.entry.comment)
                    .unwrap_or_default();
                format!(
                    "您于{received}提出的信访事项“{}”，经调查核实，处理意见如下：{reasons}\n结论：{outcome}。\n如对本处理意见不服，可以自收到本意见书之日起三十日内，请求原办理机关的上一级机关复查。",
                    r.case.title
                )
            }
        };
        let mut blocks = vec![
            Block::Title(kind.title().into()),
            Block::Right(format!("信访件编号：{number}")),
            Block::Paragraph(format!("{}：", names.join("、"))),
        ];
        blocks.extend(body.lines().map(|l| Block::Paragraph(l.to_owned())));
        blocks.extend([
            Block::Gap(1.0),
            Block::Right(organ.clone().unwrap_or_else(|| office.clone())),
            Block::Right(day(chrono::Utc::now())),
        ]);
        let bytes = write_pdf(&format!("{} {number}", kind.title()), &blocks)?;
        self.audit(
            actor,
            "petition.notice",
            &format!("case:{id}"),
            "ok",
            serde_json::json!({"notice": kind.key(), "petitioners": names.len()}),
        )
        .await?;
        Ok((format!("{}_{number}.pdf", kind.title()), bytes))
    }
}

impl crate::services::Cases<'_> {
    /// Adds scans or photos (来信扫描件, 现场照片) to a petition the user's office or organ holds.
    pub async fn add_petition_attachments(
        self,
        actor: &Actor,
        id: i64,
        uploads: Vec<crate::cases::PhotoUpload>,
    ) -> Result<Vec<crate::cases::PhotoView>> {
        let (user, r) = self.readable_petition(actor, id).await?;
        if !handles(user, &r)? {
            return Err(AppError::Forbidden(
                "只有承办的信访工作机构或承办部门可以上传附件".into(),
            ));
        }
        self.attach_photos(user, &r.case, "before", uploads, "petitions")
            .await
    }

    /// One attachment of a petition the user can see.
    pub async fn petition_photo(
        self,
        actor: &Actor,
        id: i64,
        photo_id: i64,
    ) -> Result<(String, Vec<u8>)> {
        self.readable_petition(actor, id).await?;
        self.case_photo(id, photo_id).await
    }
}
