//! 审计 — writing the audit trail, proving it whole, and searching it.

use crate::{Actor, App, Result};
use chrono::{DateTime, Utc};
use pingan_crypto::sm3_hex;
use pingan_domain::Capability;
use pingan_domain::audit::{AuditEvent, chain_input, to_micros};
use pingan_store::{AuditFilter, AuditRecord, GENESIS_HASH};
use serde::Serialize;

/// The outcome of walking the chain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum AuditVerdict {
    /// Every record links to the one before and hashes to what it holds.
    Intact {
        records: i64,
        last_at: Option<DateTime<Utc>>,
    },
    /// The first record that does not hold, and why.
    Broken { id: i64, reason: String },
}

/// 审计记录 — a record as the audit administrator sees it (its place in the chain and the event).
#[derive(Debug, Clone, Serialize)]
pub struct AuditView {
    pub id: i64,
    #[serde(flatten)]
    pub event: AuditEvent,
}

const PAGE: i64 = 1000;

impl App {
    /// Appends one record for `actor`.
    pub(crate) async fn audit(
        &self,
        actor: &Actor,
        action: &str,
        object: &str,
        result: &str,
        detail: serde_json::Value,
    ) -> Result<()> {
        let event = AuditEvent {
            at: to_micros(Utc::now()),
            user_id: actor.user.as_ref().map(|u| u.id),
            username: actor.name(),
            source_addr: actor.source.clone(),
            action: action.into(),
            object: object.into(),
            result: result.into(),
            detail: detail.to_string(),
        };
        self.append(event).await
    }

    /// Appends a record about an attempt by a name that is not (yet) a signed-in user.
    pub(crate) async fn audit_attempt(
        &self,
        username: &str,
        source: Option<String>,
        action: &str,
        result: &str,
    ) -> Result<()> {
        self.audit_unsigned(
            username,
            source,
            action,
            &format!("user:{username}"),
            result,
            &serde_json::json!({}),
        )
        .await
    }

    /// Records what someone not signed in did (`who`: the name they gave, or the masked phone
    /// they asked a code for).
    pub(crate) async fn audit_unsigned(
        &self,
        who: &str,
        source: Option<String>,
        action: &str,
        object: &str,
        result: &str,
        detail: &serde_json::Value,
    ) -> Result<()> {
        let event = AuditEvent {
            at: to_micros(Utc::now()),
            user_id: None,
            username: who.into(),
            source_addr: source,
            action: action.into(),
            object: object.into(),
            result: result.into(),
            detail: detail.to_string(),
        };
        self.append(event).await
    }

    async fn append(&self, e: AuditEvent) -> Result<()> {
        let e = e.capped();
        self.store
            .append_audit(|id, prev| {
                let hash = sm3_hex(&chain_input(id, prev, &e));
                AuditRecord {
                    id,
                    event: e,
                    prev_hash: prev.to_owned(),
                    hash,
                }
            })
            .await?;
        Ok(())
    }
}

impl crate::services::Access<'_> {
    /// Walks the whole chain and names the first record that does not hold (audit administrators
    /// and the command line). The check itself is audited.
    pub async fn verify_audit(self, actor: &Actor) -> Result<AuditVerdict> {
        self.authorize(actor, Capability::ReadAudit, None)?;
        let verdict = self.walk_audit_chain().await?;
        let result = if matches!(verdict, AuditVerdict::Intact { .. }) {
            "ok"
        } else {
            "failed"
        };
        self.audit(
            actor,
            "audit.verify",
            "audit_log",
            result,
            serde_json::to_value(&verdict).unwrap_or_default(),
        )
        .await?;
        Ok(verdict)
    }

    async fn walk_audit_chain(self) -> Result<AuditVerdict> {
        let (mut last_id, mut last_hash, mut last_at) = (0i64, GENESIS_HASH.to_owned(), None);
        loop {
            let page = self.store.audit_after(last_id, PAGE).await?;
            for r in &page {
                let broken = |reason: &str| {
                    Ok(AuditVerdict::Broken {
                        id: r.id,
                        reason: reason.into(),
                    })
                };
                if r.id != last_id + 1 {
                    return Ok(AuditVerdict::Broken {
                        id: last_id + 1,
                        reason: format!(
                            "第 {} 条起的记录缺失（被删除），下一条是第 {} 条",
                            last_id + 1,
                            r.id
                        ),
                    });
                }
                if r.prev_hash != last_hash {
                    return broken("与前一条记录的链接不符（前一条被修改、删除或顺序被打乱）");
                }
                if sm3_hex(&chain_input(r.id, &r.prev_hash, &r.event)) != r.hash {
                    return broken("记录内容与其散列值不符（被修改）");
                }
                (last_id, last_hash, last_at) = (r.id, r.hash.clone(), Some(r.event.at));
            }
            if page.len() < PAGE as usize {
                break;
            }
        }
        match self.store.audit_tip().await? {
            Some((tip_id, _)) if tip_id > last_id => Ok(AuditVerdict::Broken {
                id: last_id + 1,
                reason: format!("末尾的记录被删除：应有 {tip_id} 条，只剩 {last_id} 条"),
            }),
            Some((tip_id, tip_hash)) if tip_id == last_id && tip_hash != last_hash => {
                Ok(AuditVerdict::Broken {
                    id: last_id,
                    reason: "末条记录被替换".into(),
                })
            }
            _ => Ok(AuditVerdict::Intact {
                records: last_id,
                last_at,
            }),
        }
    }

    /// Records matching the filter, newest first (audit administrators only).
    pub async fn search_audit(
        self,
        actor: &Actor,
        filter: &AuditFilter,
        limit: i64,
    ) -> Result<Vec<AuditView>> {
        self.authorize(actor, Capability::ReadAudit, None)?;
        Ok(self
            .store
            .search_audit(filter, limit)
            .await?
            .into_iter()
            .map(view)
            .collect())
    }

    /// The records matching the filter as CSV (UTF-8 with BOM, so that Excel reads the Chinese),
    /// headed by who exported it and when. The export itself is audited.
    pub async fn export_audit_csv(self, actor: &Actor, filter: &AuditFilter) -> Result<String> {
        let rows = self.search_audit(actor, filter, 100_000).await?;
        self.audit(
            actor,
            "audit.export",
            "audit_log",
            "ok",
            serde_json::json!({"rows": rows.len(), "username": filter.username, "action": filter.action_prefix}),
        )
        .await?;
        let mut out = String::from("\u{feff}");
        out.push_str(&format!(
            "# 导出人 {}，导出时间 {}（北京时间）\n",
            actor.name(),
            pingan_domain::time::format_minute(Utc::now())
        ));
        out.push_str("序号,时间,用户,来源地址,操作,对象,结果,详情\n");
        for r in rows {
            let fields = [
                r.id.to_string(),
                pingan_domain::time::format_minute(r.event.at),
                r.event.username,
                r.event.source_addr.unwrap_or_default(),
                r.event.action,
                r.event.object,
                r.event.result,
                r.event.detail,
            ];
            out.push_str(&fields.map(|f| csv_field(&f)).join(","));
            out.push('\n');
        }
        Ok(out)
    }
}

fn view(r: AuditRecord) -> AuditView {
    AuditView {
        id: r.id,
        event: r.event,
    }
}

/// A CSV field, quoted when needed; a leading `=`, `+`, `-` or `@` is defused so that a spreadsheet
/// does not run it as a formula.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("abc"), "abc");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
    }
}
