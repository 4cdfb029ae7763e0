//! 调解协议书 — the agreement as a PDF for signing (人民调解法 Art 28–29): the parties by their
//! full names, the facts, the agreed content with its manner and time of performance, the
//! signature block of the parties, the mediator and the committee. An oral agreement (Art 28) is
//! printed as its record (口头调解协议记录). Only the hub or the organisation on the case may
//! print it, and every print is on the audit record: it carries the parties' names in clear.

use super::intake::PARTY_NAME_FIELD;
use crate::cases::{case_number, parties};
use crate::{Actor, AppError, Result};
use pingan_domain::case::Party;
use pingan_domain::case::dispute::{AgreementKind, DISPUTE, DisputeType, PartyRole};
use pingan_domain::time::in_shanghai;
use pingan_office::pdf::{Block, write_pdf};

impl crate::services::Cases<'_> {
    /// Adds photos of the signed agreement (签字协议书) to a dispute whose written agreement the
    /// user's hub or organisation holds.
    pub async fn add_agreement_scans(
        self,
        actor: &Actor,
        id: i64,
        uploads: Vec<crate::cases::PhotoUpload>,
    ) -> Result<Vec<crate::cases::PhotoView>> {
        let (user, r) = self.readable_dispute(actor, id).await?;
        if !may_print(&parties(user, &r.case)?) {
            return Err(AppError::Forbidden(
                "只有承办的综治中心或调解组织可以上传签字协议书".into(),
            ));
        }
        if r.detail.agreement_kind.as_deref() != Some(AgreementKind::Written.code()) {
            return Err(AppError::Conflict(
                "达成书面调解协议后才能上传签字协议书（口头协议只需记录内容）".into(),
            ));
        }
        self.attach_photos(user, &r.case, "agreement", uploads, "disputes")
            .await
    }

    /// One photo of a dispute the user can see: its content type and bytes.
    pub async fn dispute_photo(
        self,
        actor: &Actor,
        id: i64,
        photo_id: i64,
    ) -> Result<(String, Vec<u8>)> {
        self.readable_dispute(actor, id).await?;
        self.case_photo(id, photo_id).await
    }

    /// The agreement of a dispute mediated successfully, as a PDF: (file name, bytes).
    pub async fn agreement_pdf(self, actor: &Actor, id: i64) -> Result<(String, Vec<u8>)> {
        let user = self.case_user(actor)?;
        let r = self
            .store
            .dispute(id, &self.dispute_scope(user).await?)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("纠纷 {id} 不存在或不在您的管辖范围内")))?;
        if !may_print(&parties(user, &r.case)?) {
            return Err(AppError::Forbidden(
                "只有承办的综治中心或调解组织可以出具调解协议书".into(),
            ));
        }
        let (Some(kind), Some(content), Some(agreed_at)) = (
            r.detail
                .agreement_kind
                .as_deref()
                .and_then(AgreementKind::parse),
            r.detail.agreement.clone(),
            r.detail.concluded_at,
        ) else {
            return Err(AppError::Conflict(
                "调解成功并记录协议内容后才能出具调解协议书".into(),
            ));
        };
        let number = case_number(&DISPUTE, id, r.case.created_at);
        let mut named = Vec::new();
        for p in self.store.case_parties(id).await? {
            let name = self.cipher.open(PARTY_NAME_FIELD, &p.party.name_sealed)?;
            let role = PartyRole::parse(&p.party.role).map_or("当事人", |x| x.label());
            let id_text = p
                .party
                .credit_code
                .map(|c| format!("，统一社会信用代码 {c}"))
                .or_else(|| p.party.id_masked.map(|i| format!("，公民身份号码 {i}")))
                .unwrap_or_default();
            named.push((role, name, id_text));
        }
        let organisation = self
            .store
            .case_departments(id)
            .await?
            .into_iter()
            .find(|d| d.lead)
            .map_or_else(|| "人民调解委员会".to_owned(), |d| d.name);
        let mediator = match r.detail.mediator_id {
            Some(m) => self.store.user_by_id(m).await?.map(|u| u.display_name),
            None => None,
        };
        let day = in_shanghai(agreed_at).format("%Y年%-m月%-d日").to_string();
        let type_label = DisputeType::parse(&r.detail.dispute_type)
            .map_or(r.detail.dispute_type.as_str(), |t| t.label());
        let title = match kind {
            AgreementKind::Written => "人民调解协议书",
            AgreementKind::Oral => "口头调解协议记录",
        };
        let mut blocks = vec![
            Block::Title(title.into()),
            Block::Right(format!("编号：{number}")),
            Block::Heading("当事人".into()),
        ];
        for (role, name, id_text) in &named {
            blocks.push(Block::Paragraph(format!("{role}：{name}{id_text}")));
        }
        blocks.extend([
            Block::Heading("纠纷简要情况".into()),
            Block::Paragraph(format!(
                "{}（{type_label}）。{}",
                r.case.title,
                if r.detail.facts.is_empty() {
                    String::new()
                } else {
                    r.detail.facts.clone()
                }
            )),
            Block::Heading("经调解，当事人自愿达成如下协议".into()),
            Block::Paragraph(content.clone()),
            Block::Heading("履行方式和期限".into()),
            Block::Paragraph(
                "按上述协议约定的方式和期限履行。人民调解委员会对协议的履行情况进行监督（人民调解法第三十一条）；\
                 当事人可自协议生效之日起三十日内共同向人民法院申请司法确认（第三十三条）。"
                    .into(),
            ),
        ]);
        match kind {
            AgreementKind::Written => {
                blocks.push(Block::Paragraph(format!(
                    "本协议自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效。本协议一式 {} 份，当事人、人民调解委员会各持一份。",
                    named.len() + 1
                )));
                blocks.push(Block::Gap(1.0));
                for (role, name, _) in &named {
                    blocks.push(Block::Paragraph(format!(
                        "{role}（签名、盖章或按指印）：{name}        ____________"
                    )));
                }
            }
            AgreementKind::Oral => blocks.push(Block::Paragraph(
                "当事人认为无需制作调解协议书，以口头方式达成协议，自达成之日起生效（人民调解法第二十八条、第三十条），由人民调解员记录如上。"
                    .into(),
            )),
        }
        blocks.extend([
            Block::Gap(1.0),
            Block::Paragraph(format!(
                "人民调解员（签名）：{}        ____________",
                mediator.unwrap_or_default()
            )),
            Block::Paragraph(format!("人民调解委员会（盖章）：{organisation}")),
            Block::Gap(1.0),
            Block::Right(day),
        ]);
        let bytes = write_pdf(&format!("{title} {number}"), &blocks)?;
        self.audit(
            actor,
            "dispute.agreement",
            &format!("case:{id}"),
            "ok",
            serde_json::json!({"parties": named.len(), "kind": kind.code()}),
        )
        .await?;
        Ok((format!("{title}_{number}.pdf"), bytes))
    }
}

/// Whether the user's relations to a dispute let them print or attach its agreement: its hub or
/// the organisation on it.
pub(crate) fn may_print(relations: &[Party]) -> bool {
    relations
        .iter()
        .any(|p| matches!(p, Party::Hub | Party::Department))
}
