//! 统计汇总与指标: the kept totals equal a count from the cases after random work and after a
//! rebuild; the indicators move by exactly what was done; the dispute figures agree with the
//! mediation page; a township leader sees their township only — on whichever backend the run uses.

use crate::disputes::get;
use crate::events::{Hub, OTHER_TOWNSHIP, TOWNSHIP, actor};
use pingan_app::{ActionRequest, Actor, IndicatorQuery};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A small deterministic generator (the same work on every run and backend).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn value(view: &Value, key: &str) -> f64 {
    view["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == key)
        .unwrap_or_else(|| panic!("{key} in {view}"))["value"]
        .as_f64()
        .unwrap_or(-1.0)
}

async fn indicators(h: &Hub, who: &Actor, org: &str, period: &str) -> Value {
    let view =
        h.t.app
            .stats()
            .indicators(
                who,
                &IndicatorQuery {
                    org: Some(org.into()),
                    period: Some(period.into()),
                    at: None,
                },
            )
            .await
            .unwrap();
    serde_json::to_value(view).unwrap()
}

async fn drift(h: &Hub) -> i64 {
    h.t.app.stats().totals_drift(&Actor::cli()).await.unwrap()
}

#[tokio::test]
async fn kept_totals_equal_a_count_from_the_cases_after_random_work_and_a_rebuild() {
    let h = Hub::new().await;
    assert_eq!(
        drift(&h).await,
        0,
        "the demo's history, as migrated and inserted"
    );
    let before = indicators(&h, &h.commander, TOWNSHIP, "day").await;

    let mut rng = Lcg(20_201_231);
    let (mut made, mut concluded, mut rated, mut satisfied) = (0.0_f64, 0.0_f64, 0.0_f64, 0.0_f64);
    for n in 0..24 {
        let e = h.report(&format!("stats-event-{n:04}")).await;
        made += 1.0;
        let depth = rng.below(8);
        let steps: [(&Actor, &str); 4] = [
            (&h.operator, "accept"),
            (&h.operator, "register"),
            (&h.operator, "dispatch"),
            (&h.police, "sign"),
        ];
        for (who, action) in steps.iter().take(depth.min(4) as usize) {
            if *action == "dispatch" {
                h.dispatch(e.id, h.police_id).await.unwrap();
            } else {
                h.act(who, e.id, action).await.unwrap();
            }
        }
        if depth >= 5 {
            h.with_reason(&h.police, e.id, "feedback", "已处理完毕")
                .await
                .unwrap();
            h.act(&h.worker, e.id, "verify").await.unwrap();
            concluded += 1.0;
        }
        if depth >= 6 {
            let rating = ["满意", "基本满意", "不满意"][rng.below(3) as usize];
            h.act_with(
                &h.worker,
                e.id,
                ActionRequest {
                    action: "evaluate".into(),
                    rating: Some(rating.into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            rated += 1.0;
            if rating != "不满意" {
                satisfied += 1.0;
            }
        }
    }
    assert!(
        concluded > 0.0 && rated > 0.0,
        "the workload reaches every step"
    );
    assert_eq!(
        drift(&h).await,
        0,
        "kept in the same transactions as the cases"
    );

    let after = indicators(&h, &h.commander, TOWNSHIP, "day").await;
    let moved = |key: &str| value(&after, key) - value(&before, key).max(0.0);
    assert_eq!(moved("events_received"), made);
    assert_eq!(moved("events_concluded"), concluded);
    // Nothing closed today before the workload in a fresh township, so today's rates are ours.
    if value(&before, "events_concluded") == 0.0 {
        let rate = (satisfied * 1000.0 / rated).round() / 10.0;
        assert_eq!(value(&after, "events_satisfaction"), rate);
        assert_eq!(value(&after, "events_on_time_rate"), 100.0);
    }
    // The district holds the township: its figures grew by as much.
    let district_before = value(&before, "events_received");
    let district = indicators(&h, &h.commander, "511702", "day").await;
    assert!(value(&district, "events_received") >= district_before + made);

    // A rebuild finds nothing to mend and changes no figure.
    let rebuilt = h.t.app.stats().rebuild_totals(&Actor::cli()).await.unwrap();
    assert_eq!(rebuilt.drift_before, 0);
    assert!(rebuilt.rows > 0);
    assert_eq!(drift(&h).await, 0);
    assert_eq!(indicators(&h, &h.commander, TOWNSHIP, "day").await, after);
}

#[tokio::test]
async fn indicators_compare_periods_and_agree_with_the_mediation_page() {
    let m = crate::disputes::Mediation::new().await;
    let h = &m.h;
    for i in 0..5 {
        let id = m.mediating(&format!("stats-jf-{i:04}")).await;
        let body = if i == 3 {
            json!({"action": "fail", "reason": "分歧较大"})
        } else {
            json!({"action": "succeed", "agreement": "oral", "content": "当场和解"})
        };
        m.ok(id, &m.mediator, body).await;
    }
    // Registered, assigned and concluded: the kept mediation figures moved with each step.
    assert_eq!(drift(h).await, 0, "dispute_totals kept with the disputes");
    // The township's figures (kept) equal its village's, counted from the disputes: all five lie
    // there.
    let village = &h.grid[..12];
    let (_, kept) = get(
        h,
        &format!("/api/v1/stats/disputes?org={TOWNSHIP}&from=2023-01-01"),
        &h.tokens.commander,
    )
    .await;
    let (_, counted) = get(
        h,
        &format!("/api/v1/stats/disputes?org={village}&from=2023-01-01"),
        &h.tokens.commander,
    )
    .await;
    for key in [
        "received",
        "succeeded",
        "failed",
        "success_rate",
        "amount_yuan",
        "by_type",
        "by_source",
        "by_township",
        "by_organisation",
        "year_on_year",
    ] {
        assert_eq!(kept[key], counted[key], "{key}: {kept} vs {counted}");
    }
    assert_eq!(kept["received"], 5);
    let (status, year) = get(
        h,
        "/api/v1/stats/indicators?period=year",
        &h.tokens.commander,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{year}");
    assert!(year["period_label"].as_str().unwrap().ends_with('年'));
    assert!(year["from"].as_str().unwrap().ends_with("-01-01"));
    let (_, disputes) = get(h, "/api/v1/stats/disputes", &h.tokens.commander).await;
    assert_eq!(value(&year, "disputes_received"), 5.0);
    assert_eq!(
        value(&year, "disputes_received"),
        disputes["received"].as_f64().unwrap(),
        "{disputes}"
    );
    assert_eq!(value(&year, "disputes_success_rate"), 80.0);
    assert_eq!(
        value(&year, "disputes_success_rate"),
        disputes["success_rate"].as_f64().unwrap()
    );
    let line = |key: &str| {
        year["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["key"] == key)
            .unwrap()
            .clone()
    };
    // Nothing a year before: the base-zero wording; a rate has no base to compare.
    assert_eq!(line("disputes_received")["wording"], "上年同期为0，新增5件");
    assert_eq!(line("disputes_success_rate")["wording"], "—");
    assert_eq!(line("disputes_succeeded")["cumulative"], 4.0);
    let now = 5;

    // A whole month is compared with the whole month before and the same month a year before.
    let (_, nov) = get(
        h,
        "/api/v1/stats/indicators?period=month&at=2025-11",
        &h.tokens.commander,
    )
    .await;
    assert_eq!(
        (
            nov["previous_from"].as_str(),
            nov["previous_to"].as_str(),
            nov["compared_to"].as_str()
        ),
        (Some("2025-10-01"), Some("2025-10-31"), Some("2024-11-30")),
        "{nov}"
    );

    // Every period kind answers; a bad one is named.
    for period in ["day", "week", "month", "quarter", "year"] {
        let (status, v) = get(
            h,
            &format!("/api/v1/stats/indicators?period={period}"),
            &h.tokens.commander,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{period}: {v}");
    }
    let (status, v) = get(
        h,
        "/api/v1/stats/indicators?period=fortnight",
        &h.tokens.commander,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(v["detail"].as_str().unwrap().contains("period"), "{v}");

    // The same figures as a sheet, read back.
    let res = reqwest::Client::new()
        .get(h.t.url("/api/v1/stats/indicators.xlsx?period=year"))
        .bearer_auth(&h.tokens.commander)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let rows = pingan_app::sheet::read_first_sheet(&res.bytes().await.unwrap(), 200).unwrap();
    let line = rows
        .iter()
        .find(|r| r.get(1).is_some_and(|c| c.text() == "纠纷受理"))
        .expect("the dispute line");
    assert_eq!(line[3].text(), format!("{now}"));

    // The breakdown: the townships add up to the district.
    let (status, b) = get(
        h,
        "/api/v1/stats/breakdown?kind=dispute&period=year",
        &h.tokens.commander,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{b}");
    let units: i64 = b["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["received"].as_i64().unwrap())
        .sum();
    let months: i64 = b["trend"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["received"].as_i64().unwrap())
        .sum();
    assert_eq!(b["trend"].as_array().unwrap().len(), 12);
    assert_eq!(units, 5, "{b}");
    // A township's villages and a village's grids hold them too.
    let village = &m.h.grid[..12];
    for org in [TOWNSHIP, village] {
        let (status, b) = get(
            h,
            &format!("/api/v1/stats/breakdown?kind=dispute&period=year&org={org}"),
            &h.tokens.commander,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{b}");
        for list in ["units", "grids"] {
            let sum: i64 = b[list]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["received"].as_i64().unwrap())
                .sum();
            assert_eq!(sum, 5, "{org} {list}: {b}");
        }
    }

    // The month's report: the same figures in the same words, the townships charted.
    let month = year["to"].as_str().unwrap().get(..7).unwrap().to_owned();
    let res = reqwest::Client::new()
        .get(h.t.url(&format!("/api/v1/stats/report.pdf?month={month}")))
        .bearer_auth(&h.tokens.commander)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    if let Some((text, _)) = crate::disputes::pdf_text(&bytes) {
        let flat: String = text.split_whitespace().collect();
        assert!(flat.contains("通川区综治工作月报"), "{text}");
        assert!(
            flat.contains("纠纷受理：5件，同比上年同期为0，新增5件"),
            "{text}"
        );
        assert!(
            flat.contains("各单位纠纷受理") && flat.contains("东城街道"),
            "{text}"
        );
    }
    let (status, v) = get(
        h,
        "/api/v1/stats/report.pdf?month=2020-13",
        &h.tokens.commander,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(
        units, months,
        "the townships and the months hold the same disputes"
    );
    assert!(!b["categories"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_township_leader_sees_their_township_and_a_department_no_area() {
    let h = Hub::new().await;
    let (_, leader) = actor(&h.t, &format!("ld{TOWNSHIP}"), &h.password).await;
    let (status, own) = get(&h, "/api/v1/stats/indicators", &leader).await;
    assert_eq!(status, StatusCode::OK, "{own}");
    assert_eq!(own["org_code"], TOWNSHIP);
    let (status, _) = get(
        &h,
        &format!("/api/v1/stats/indicators?org={OTHER_TOWNSHIP}"),
        &leader,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get(
        &h,
        &format!("/api/v1/stats/breakdown?org={OTHER_TOWNSHIP}"),
        &leader,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // What each reader may see: the commander every source, the leader no special groups.
    let (_, all) = get(&h, "/api/v1/stats/indicators", &h.tokens.commander).await;
    let keys = |v: &Value| -> Vec<String> {
        v["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["key"].as_str().unwrap().to_owned())
            .collect()
    };
    for key in [
        "events_received",
        "disputes_success_rate",
        "video_online_rate",
        "visit_coverage",
        "persons",
    ] {
        assert!(keys(&all).contains(&key.to_owned()), "{key}: {all}");
    }
    assert!(!keys(&own).contains(&"visit_coverage".to_owned()), "{own}");
    let (status, v) = get(&h, "/api/v1/stats/indicators", &h.tokens.court).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{v}");
}
