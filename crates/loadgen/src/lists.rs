//! 列表时延 — how long the lists a commander opens take at district scale: each list unfiltered
//! and with each filter, its first page and a deep page (reached by following its `after`
//! cursors), timed over HTTP one request at a time.

use crate::{Percentiles, Target, field};
use anyhow::Result;
use std::time::{Duration, Instant};

/// The timings of one list.
#[derive(Debug, Clone)]
pub struct ListTiming {
    pub name: String,
    pub path: String,
    /// The list's total as answered (`10,000+` when the count stopped at its cap).
    pub total: String,
    pub first: Percentiles,
    /// The page reached after following `after` the given number of times, and its timings;
    /// none when the list has fewer pages.
    pub deep: Option<(usize, Percentiles)>,
}

/// The lists to time, for an account whose scope holds `township` and `grid`: every registry list
/// with each of its filters, the special groups, visit coverage, events, disputes and petitions
/// and their indicators, and cameras.
pub fn district_lists(township: &str, grid: &str) -> Vec<(String, String)> {
    [
        ("实有人口", "/api/v1/persons"),
        ("实有人口·乡镇", &format!("/api/v1/persons?grid={township}")),
        ("实有人口·网格", &format!("/api/v1/persons?grid={grid}")),
        ("实有人口·流动人口", "/api/v1/persons?residence=floating"),
        ("实有人口·独居老人", "/api/v1/persons?tag=living_alone"),
        ("实有人口·社区矫正", "/api/v1/persons?group=correction"),
        ("实有人口·姓名", "/api/v1/persons?q=%E5%BC%A0%E4%BC%9F"),
        ("户", "/api/v1/households"),
        ("户·网格", &format!("/api/v1/households?grid={grid}")),
        ("场所", "/api/v1/places"),
        ("场所·学校", "/api/v1/places?category=school"),
        (
            "场所·出租房屋·乡镇",
            &format!("/api/v1/places?category=rental_house&grid={township}"),
        ),
        ("特殊人群", "/api/v1/special-groups"),
        ("特殊人群·逾期", "/api/v1/special-groups?state=overdue"),
        ("走访覆盖", "/api/v1/visits/coverage"),
        ("事件", "/api/v1/events"),
        ("矛盾纠纷", "/api/v1/disputes"),
        ("矛盾纠纷·办理中", "/api/v1/disputes?open=true"),
        ("矛盾纠纷·道交", "/api/v1/disputes?type=13"),
        ("调解统计·本年", "/api/v1/stats/disputes"),
        (
            "调解统计·乡镇",
            &format!("/api/v1/stats/disputes?org={township}"),
        ),
        (
            "调解统计·全部历史",
            "/api/v1/stats/disputes?from=2023-01-01",
        ),
        ("信访事项", "/api/v1/petitions"),
        ("信访事项·办理中", "/api/v1/petitions?open=true"),
        ("信访事项·重复信访", "/api/v1/petitions?repeated=true"),
        ("信访统计·本年", "/api/v1/stats/petitions"),
        (
            "信访统计·全部历史",
            "/api/v1/stats/petitions?from=2025-01-01",
        ),
        ("指标·本月", "/api/v1/stats/indicators"),
        ("指标·本年", "/api/v1/stats/indicators?period=year"),
        (
            "指标·乡镇本季",
            &format!("/api/v1/stats/indicators?period=quarter&org={township}"),
        ),
        (
            "指标·2020年",
            "/api/v1/stats/indicators?period=year&at=2020",
        ),
        ("驾驶舱·事件本年", "/api/v1/stats/breakdown?period=year"),
        (
            "驾驶舱·纠纷本年",
            "/api/v1/stats/breakdown?period=year&kind=dispute",
        ),
        ("摄像机", "/api/v1/channels"),
        ("摄像机·离线", "/api/v1/channels?status=offline"),
        ("视频设备", "/api/v1/devices"),
    ]
    .into_iter()
    .map(|(n, p)| (n.to_owned(), p.to_owned()))
    .collect()
}

/// Times each list: `requests` GETs of its first page, then — after following `after` `depth`
/// times — `requests` GETs of that page.
pub async fn list_latency(
    target: &Target,
    lists: &[(String, String)],
    requests: usize,
    depth: usize,
) -> Result<Vec<ListTiming>> {
    let mut out = Vec::new();
    for (name, path) in lists {
        let (first, body) = time_gets(target, path, requests).await?;
        let total = match (field(&body, "total").as_u64(), field(&body, "total_exact")) {
            (Some(n), serde_json::Value::Bool(false)) => format!("{n}+"),
            (Some(n), _) => n.to_string(),
            (None, _) => "—".into(),
        };
        let mut deep = None;
        let mut page = body;
        let mut deep_path = None;
        for _ in 0..depth {
            // Registry lists answer `after`; the event list `next_before` (its newest-first id).
            let cursor = match (field(&page, "after"), field(&page, "next_before")) {
                (serde_json::Value::String(c), _) => format!("after={c}"),
                (_, serde_json::Value::Number(n)) => format!("before={n}"),
                _ => {
                    deep_path = None;
                    break;
                }
            };
            let sep = if path.contains('?') { '&' } else { '?' };
            let next = format!("{path}{sep}{cursor}");
            page = target.get_json(&next).await?;
            deep_path = Some(next);
        }
        if let Some(p) = deep_path {
            deep = Some((depth + 1, time_gets(target, &p, requests).await?.0));
        }
        out.push(ListTiming {
            name: name.clone(),
            path: path.clone(),
            total,
            first,
            deep,
        });
    }
    Ok(out)
}

/// `n` GETs of one path, one after another; their latency and the last answer.
async fn time_gets(
    target: &Target,
    path: &str,
    n: usize,
) -> Result<(Percentiles, serde_json::Value)> {
    let mut samples: Vec<Duration> = Vec::with_capacity(n);
    let mut last = serde_json::Value::Null;
    for _ in 0..n.max(1) {
        let t = Instant::now();
        last = target.get_json(path).await?;
        samples.push(t.elapsed());
    }
    Ok((Percentiles::of(samples), last))
}
