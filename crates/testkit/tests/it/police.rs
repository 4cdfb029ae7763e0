//! 公安统计: the demo's 2020 figures against 2019 come out as the district published them; a
//! township leader sees their township only; months are entered and imported, every bad cell
//! named — on whichever backend the run uses.

use crate::disputes::{get, post};
use crate::events::{Hub, OTHER_TOWNSHIP, TOWNSHIP, actor};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn line<'a>(table: &'a Value, key: &str) -> &'a Value {
    table["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["key"] == key)
        .unwrap_or_else(|| panic!("{key} in {table}"))
}

#[tokio::test]
async fn the_demo_district_shows_the_published_2020_falls_and_a_township_sees_its_own() {
    let h = Hub::new().await;
    pingan_app::demo::police_history::seed(&h.t.app)
        .await
        .unwrap();
    let (status, t) = get(&h, "/api/v1/stats/police?year=2020", &h.tokens.commander).await;
    assert_eq!(status, StatusCode::OK, "{t}");
    assert_eq!(t["months"], 12);
    let offences = line(&t, "offence_alerts");
    assert_eq!(
        (
            offences["this_year"].as_i64(),
            offences["last_year"].as_i64()
        ),
        (Some(9_539), Some(10_000))
    );
    assert_eq!(offences["wording"], "下降 4.6%");
    assert_eq!(line(&t, "admin_accepted")["wording"], "下降 20.5%");
    assert_eq!(line(&t, "criminal_filed")["wording"], "下降 22.0%");
    assert_eq!(line(&t, "criminal_filed")["yoy_percent"], -22.0);
    // 警情 and 案件 are never added: each line is one group.
    let received = line(&t, "received_alerts")["this_year"].as_i64().unwrap();
    let valid = line(&t, "valid_alerts")["this_year"].as_i64().unwrap();
    assert!(received > valid && valid > 9_539);

    // A township leader: their township's figures, a part of the district's; never a neighbour's.
    crate::add_user(
        &h.t,
        "leader-twp",
        "街道领导",
        TOWNSHIP,
        "leader",
        &h.password,
    )
    .await
    .unwrap();
    let (_, leader) = actor(&h.t, "leader-twp", &h.password).await;
    let (status, own) = get(&h, "/api/v1/stats/police?year=2020", &leader).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(own["org_code"], TOWNSHIP);
    assert_eq!(own["org_name"], "东城街道");
    let own_filed = line(&own, "criminal_filed")["this_year"].as_i64().unwrap();
    assert!(own_filed > 0 && own_filed < 1_170, "{own_filed}");
    let (status, _) = get(
        &h,
        &format!("/api/v1/stats/police?year=2020&org={OTHER_TOWNSHIP}"),
        &leader,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn months_are_entered_and_imported_and_bad_cells_are_named() {
    let h = Hub::new().await;
    let (status, v) = post(
        &h,
        "/api/v1/stats/police",
        &h.tokens.commander,
        &json!({"township": TOWNSHIP, "month": "2025-03",
                "figures": {"criminal_filed": 12, "criminal_solved": 9, "alert_criminal": 40}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["rows"], 3);
    // Again for the same month replaces, never adds.
    post(
        &h,
        "/api/v1/stats/police",
        &h.tokens.commander,
        &json!({"township": TOWNSHIP, "month": "2025-03", "figures": {"criminal_filed": 10}}),
    )
    .await;
    let (_, t) = get(&h, "/api/v1/stats/police?year=2025", &h.tokens.commander).await;
    assert_eq!(line(&t, "criminal_filed")["this_year"], 10);
    assert_eq!(
        line(&t, "criminal_filed")["wording"],
        "上年同期为0，新增10起"
    );
    for (body, says) in [
        (
            json!({"township": "511702", "month": "2025-03", "figures": {"criminal_filed": 1}}),
            "乡镇",
        ),
        (
            json!({"township": TOWNSHIP, "month": "2025-13", "figures": {"criminal_filed": 1}}),
            "月份",
        ),
        (
            json!({"township": TOWNSHIP, "month": "2025-03", "figures": {"murders": 1}}),
            "没有统计项",
        ),
        (
            json!({"township": TOWNSHIP, "month": "2025-03", "figures": {"criminal_filed": -3}}),
            "0 到",
        ),
    ] {
        let (status, v) = post(&h, "/api/v1/stats/police", &h.tokens.commander, &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(v["detail"].as_str().unwrap().contains(says), "{v}");
    }
    // An operator cannot enter figures.
    let (status, _) = post(
        &h,
        "/api/v1/stats/police",
        &h.tokens.operator,
        &json!({"township": TOWNSHIP, "month": "2025-03", "figures": {"criminal_filed": 1}}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The template, filled in and imported: one good row, one bad cell named.
    let template = reqwest::Client::new()
        .get(h.t.url("/api/v1/stats/police/template"))
        .bearer_auth(&h.tokens.commander)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let header = pingan_app::sheet::read_first_sheet(&template, 10).unwrap();
    let headers: Vec<String> = header[0].iter().map(|c| c.text()).collect();
    assert!(headers.contains(&"刑事立案".to_owned()), "{headers:?}");
    let columns: Vec<pingan_app::sheet::Column> = headers
        .iter()
        .map(|h| pingan_app::sheet::Column::new(Box::leak(h.clone().into_boxed_str()), 10.0).text())
        .collect();
    let row = |month: &str, filed: &str| -> Vec<String> {
        headers
            .iter()
            .map(|h| match h.as_str() {
                "乡镇街道代码" => TOWNSHIP.to_owned(),
                "月份" => month.to_owned(),
                "刑事立案" => filed.to_owned(),
                _ => String::new(),
            })
            .collect()
    };
    let sheet = pingan_app::sheet::write_sheet(
        "公安统计",
        &columns,
        &[row("2025-04", "7"), row("2025-05", "七")],
        None,
    )
    .unwrap();
    let res = reqwest::Client::new()
        .post(h.t.url("/api/v1/stats/police/import"))
        .bearer_auth(&h.tokens.commander)
        .header(
            "content-type",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        .body(sheet)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let report: Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["rows"], 1, "{report}");
    assert_eq!(report["rejected"][0]["row"], 3);
    assert_eq!(report["rejected"][0]["column"], "刑事立案");
    let (_, t) = get(&h, "/api/v1/stats/police?year=2025", &h.tokens.commander).await;
    assert_eq!(line(&t, "criminal_filed")["this_year"], 17);
    // The page shows the table.
    // The commander's own password, chosen at first login by the hub's set-up.
    let mut ready =
        h.t.ready("commander", &format!("{}#Own2026x", h.password.len()))
            .await;
    let c = crate::client();
    crate::web_login(&h.t, &c, &mut ready).await;
    let page = crate::page(&c, &h.t, "/stats/police?year=2025").await;
    assert!(
        page.contains("刑事立案") && page.contains("上年同期为0，新增17起"),
        "{page}"
    );
}
