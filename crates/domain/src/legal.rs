//! 公共法律服务 — the rules of the three-level public legal service (区公共法律服务中心, 乡镇司法所
//! 工作站, 村（社区）工作室) that need no I/O: how a consultation is taken and what it must say, the
//! coverage of "一村一法律顾问" (which villages have their adviser, which are the gaps), and what an
//! outreach activity (送法下乡, 法治赶场日, 政法服务进小区) must say.

use crate::labelled::labelled;
use chrono::{DateTime, Utc};
use std::collections::HashSet;

labelled! {
    /// 咨询方式.
    ConsultChannel {
        /// 来访.
        Visit = "visit", "来访";
        /// 电话 (12348 热线 or the adviser's phone).
        Phone = "phone", "电话";
        /// 网上 (微信群, 平台留言).
        Online = "online", "网络";
    }
}

labelled! {
    /// 咨询事项 — what a consultation was about.
    ConsultTopic {
        Marriage = "marriage", "婚姻家庭";
        Labour = "labour", "劳动争议";
        Contract = "contract", "合同债务";
        Land = "land", "土地房产";
        Neighbour = "neighbour", "邻里纠纷";
        Traffic = "traffic", "交通事故";
        Inheritance = "inheritance", "继承赡养";
        Other = "other", "其他";
    }
}

labelled! {
    /// 法治宣传活动 — what kind of outreach an activity was.
    OutreachKind {
        /// 送法下乡.
        Rural = "rural", "送法下乡";
        /// 法治赶场日 (on a market town's market day).
        MarketDay = "market_day", "法治赶场日";
        /// 政法服务进小区.
        Community = "community", "政法服务进小区";
        /// 普法宣传 (in a school, a company, a square).
        Publicity = "publicity", "普法宣传";
    }
}

/// An outreach activity as entered.
#[derive(Debug, Clone, PartialEq)]
pub struct OutreachInput {
    /// Where: 集镇赶场点, 小区名, 学校.
    pub place: String,
    pub held_on: chrono::NaiveDate,
    /// 参与干警 — officers who took part.
    pub officers: u32,
    /// 受众 — people reached.
    pub people_reached: u32,
    /// 发放资料 (copies).
    pub materials: u32,
    /// 现场解答咨询.
    pub questions: u32,
    pub summary: String,
}

impl OutreachInput {
    /// Checks what every activity must say, relative to `today`: each refusal names its field.
    pub fn validate(&self, today: chrono::NaiveDate) -> Result<(), Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        if !(2..=60).contains(&self.place.trim().chars().count()) {
            errors.push(("place", "活动地点应为 2 到 60 个字".to_owned()));
        }
        if self.held_on > today {
            errors.push(("held_on", "活动日期不能晚于今天".to_owned()));
        }
        if !(1..=1000).contains(&self.officers) {
            errors.push(("officers", "参与干警应为 1 到 1000 人".to_owned()));
        }
        if self.people_reached > 100_000 || self.materials > 1_000_000 || self.questions > 10_000 {
            errors.push((
                "people_reached",
                "受众不超过 10 万人次，资料不超过 100 万份，咨询不超过 1 万人次".to_owned(),
            ));
        }
        if self.summary.trim().chars().count() > MAX_TEXT {
            errors.push(("summary", format!("活动情况不超过 {MAX_TEXT} 个字")));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

labelled! {
    /// 法律风险领域 — where a legal check-up (法律体检) of an enterprise found a risk.
    RiskArea {
        Contract = "contract", "合同管理";
        Labour = "labour", "劳动用工";
        Ip = "ip", "知识产权";
        Tax = "tax", "财税";
        Safety = "safety", "安全生产";
        Environment = "environment", "环境保护";
        Governance = "governance", "公司治理";
        Other = "other", "其他";
    }
}

labelled! {
    /// 风险等级.
    RiskLevel {
        High = "high", "高";
        Medium = "medium", "中";
        Low = "low", "低";
    }
}

labelled! {
    /// 执行状态 — an enterprise's standing in enforcement, as its file records it.
    EnforcementStatus {
        /// 无被执行案件.
        None = "none", "无";
        /// 有被执行案件在办.
        Executing = "executing", "被执行中";
        /// 已列入失信被执行人名单.
        Dishonest = "dishonest", "失信被执行人";
    }
}

/// A risk found in a check-up, as entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskFinding {
    pub area: RiskArea,
    pub level: RiskLevel,
    pub finding: String,
}

/// The most risks one check-up records.
pub const MAX_RISKS: usize = 20;

/// Checks a check-up's advice and its risks: each refusal names what is wrong.
pub fn check_checkup(advice: &str, risks: &[RiskFinding]) -> Result<(), Vec<String>> {
    let mut errors = Vec::new();
    let n = advice.trim().chars().count();
    if !(2..=MAX_TEXT).contains(&n) {
        errors.push(format!("advice：法律意见应为 2 到 {MAX_TEXT} 个字"));
    }
    if risks.len() > MAX_RISKS {
        errors.push(format!("risks：一次体检最多记录 {MAX_RISKS} 项风险"));
    }
    for (i, r) in risks.iter().enumerate() {
        if !(2..=200).contains(&r.finding.trim().chars().count()) {
            errors.push(format!(
                "risks[{i}]：{}风险的具体情况应为 2 到 200 个字",
                r.area.label()
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The longest question or answer kept.
pub const MAX_TEXT: usize = 1000;
/// The longest a consultation may be said to take, in minutes (a working day).
pub const MAX_MINUTES: u32 = 480;

/// A consultation as entered (法律咨询登记).
#[derive(Debug, Clone, PartialEq)]
pub struct ConsultationInput {
    pub question: String,
    pub answer: String,
    pub minutes: u32,
    pub consulted_at: DateTime<Utc>,
}

impl ConsultationInput {
    /// Checks what every consultation must say, relative to `now`: each refusal names its field.
    pub fn validate(&self, now: DateTime<Utc>) -> Result<(), Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        for (field, text, what) in [
            ("question", &self.question, "咨询内容"),
            ("answer", &self.answer, "解答意见"),
        ] {
            let n = text.trim().chars().count();
            if !(2..=MAX_TEXT).contains(&n) {
                errors.push((field, format!("{what}应为 2 到 {MAX_TEXT} 个字")));
            }
        }
        if !(1..=MAX_MINUTES).contains(&self.minutes) {
            errors.push(("minutes", format!("用时应为 1 到 {MAX_MINUTES} 分钟")));
        }
        if self.consulted_at > now + chrono::Duration::minutes(5) {
            errors.push(("consulted_at", "咨询时间不能晚于现在".into()));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// "一村一法律顾问" of one township: its villages, how many have their adviser, and the gaps
/// (codes of the villages without one, in code order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TownshipCoverage {
    pub township: String,
    pub villages: usize,
    pub covered: usize,
    pub gaps: Vec<String>,
}

/// The coverage of each township from its villages' codes (12 characters, under their township's
/// 9) and the villages that have a current adviser; townships in code order.
pub fn coverage(villages: &[String], covered: &HashSet<String>) -> Vec<TownshipCoverage> {
    let mut sorted: Vec<&String> = villages.iter().collect();
    sorted.sort();
    let mut out: Vec<TownshipCoverage> = Vec::new();
    for v in sorted {
        let township = v.get(..9).unwrap_or(v).to_owned();
        if out.last().is_none_or(|t| t.township != township) {
            out.push(TownshipCoverage {
                township,
                villages: 0,
                covered: 0,
                gaps: Vec::new(),
            });
        }
        if let Some(t) = out.last_mut() {
            t.villages += 1;
            if covered.contains(v) {
                t.covered += 1;
            } else {
                t.gaps.push(v.clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(h: u32) -> DateTime<Utc> {
        chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 8, h, 0, 0).unwrap()
    }

    #[test]
    fn a_consultation_names_each_missing_field() {
        let ok = ConsultationInput {
            question: "邻居占用宅基地怎么办".into(),
            answer: "建议先由村调委会调解，不成可向法院起诉".into(),
            minutes: 20,
            consulted_at: at(2),
        };
        assert_eq!(ok.validate(at(3)), Ok(()));
        let bad = ConsultationInput {
            question: " ".into(),
            answer: "x".repeat(MAX_TEXT + 1),
            minutes: 0,
            consulted_at: at(5),
        };
        let fields: Vec<&str> = bad
            .validate(at(3))
            .unwrap_err()
            .iter()
            .map(|e| e.0)
            .collect();
        assert_eq!(
            fields,
            vec!["question", "answer", "minutes", "consulted_at"]
        );
    }

    #[test]
    fn an_outreach_activity_names_each_wrong_field() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 8).unwrap();
        let ok = OutreachInput {
            place: "北山镇赶场点".into(),
            held_on: today,
            officers: 12,
            people_reached: 600,
            materials: 800,
            questions: 35,
            summary: "发放反诈、婚姻家庭资料，现场解答土地纠纷咨询".into(),
        };
        assert_eq!(ok.validate(today), Ok(()));
        let bad = OutreachInput {
            place: "镇".into(),
            held_on: today + chrono::Duration::days(1),
            officers: 0,
            people_reached: 200_000,
            ..ok
        };
        let fields: Vec<&str> = bad
            .validate(today)
            .unwrap_err()
            .iter()
            .map(|e| e.0)
            .collect();
        assert_eq!(
            fields,
            vec!["place", "held_on", "officers", "people_reached"]
        );
    }

    #[test]
    fn a_checkup_names_its_empty_advice_and_each_bare_risk() {
        let risk = |finding: &str| RiskFinding {
            area: RiskArea::Labour,
            level: RiskLevel::High,
            finding: finding.into(),
        };
        assert_eq!(
            check_checkup("建议补签劳动合同", &[risk("12 名员工未签劳动合同")]),
            Ok(())
        );
        let errors = check_checkup(" ", &[risk("有"), risk("未缴社保")]).unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].starts_with("advice") && errors[1].starts_with("risks[0]"));
        let many: Vec<RiskFinding> = (0..=MAX_RISKS).map(|_| risk("未缴社保")).collect();
        assert!(check_checkup("建议", &many).is_err());
    }

    #[test]
    fn coverage_lists_each_townships_gaps() {
        let villages: Vec<String> = ["511702001002", "511702001001", "511702002001"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let covered: HashSet<String> = ["511702001001".to_owned()].into();
        let c = coverage(&villages, &covered);
        assert_eq!(
            c,
            vec![
                TownshipCoverage {
                    township: "511702001".into(),
                    villages: 2,
                    covered: 1,
                    gaps: vec!["511702001002".into()],
                },
                TownshipCoverage {
                    township: "511702002".into(),
                    villages: 1,
                    covered: 0,
                    gaps: vec!["511702002001".into()],
                },
            ]
        );
    }

    proptest! {
        #[test]
        fn every_village_is_counted_once_as_covered_or_a_gap(
            picks in proptest::collection::vec((1u32..19, 1u32..30, any::<bool>()), 0..200)
        ) {
            let mut villages = Vec::new();
            let mut covered = HashSet::new();
            for (t, v, has) in picks {
                let code = format!("511702{t:03}{v:03}");
                if villages.contains(&code) {
                    continue;
                }
                if has {
                    covered.insert(code.clone());
                }
                villages.push(code);
            }
            let c = coverage(&villages, &covered);
            prop_assert_eq!(c.iter().map(|t| t.villages).sum::<usize>(), villages.len());
            prop_assert_eq!(c.iter().map(|t| t.covered).sum::<usize>(), covered.len());
            for t in &c {
                prop_assert_eq!(t.covered + t.gaps.len(), t.villages);
            }
        }
    }
}
