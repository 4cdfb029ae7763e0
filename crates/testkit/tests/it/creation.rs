//! 平安创建: a village declared, self-assessed, assessed by its township, reviewed and named by the
//! district; its "六无" computed from the records (a 命案 event breaks it and is named); 摘牌; the
//! overview of every village; the checklist the district edits; and each refusal.

use crate::disputes::{get, post};
use crate::events::Hub;
use chrono::Datelike;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn this_year() -> i32 {
    pingan_domain::time::beijing_date(chrono::Utc::now()).year()
}

/// Full points on every line of a unit's checklist.
fn full_marks(unit: &Value) -> Value {
    let lines = unit["checklist"]["items"].as_array().unwrap();
    Value::Array(lines.iter().map(|c| c["points"].clone()).collect())
}

async fn step(h: &Hub, token: &str, id: i64, body: Value) -> (StatusCode, Value) {
    post(
        h,
        &format!("/api/v1/creation-units/{id}/steps"),
        token,
        &body,
    )
    .await
}

/// Takes a scored step with full marks at the unit's present version.
async fn pass(h: &Hub, token: &str, id: i64, name: &str) -> (StatusCode, Value) {
    let (_, unit) = get(h, &format!("/api/v1/creation-units/{id}"), token).await;
    let body = json!({
        "step": name, "scores": full_marks(&unit), "remarks": "台账齐全",
        "version": unit["unit"]["version"], "document_no": "通平安委〔2026〕3号",
    });
    step(h, token, id, body).await
}

async fn declare(h: &Hub, token: &str, body: Value) -> (StatusCode, Value) {
    post(h, "/api/v1/creation-units", token, &body).await
}

/// A homicide reported in the test grid and taken in by the township (accepted: it counts).
async fn homicide(h: &Hub) -> pingan_app::EventView {
    let e =
        h.t.app
            .cases()
            .report_event(
                &h.worker,
                &h.intake("cj-ma-0001", "ZZ0703", "出租屋内发现一名男子死亡"),
            )
            .await
            .unwrap()
            .event;
    h.act(&h.operator, e.id, "accept").await.unwrap()
}

#[tokio::test]
async fn a_village_is_named_and_a_homicide_breaks_its_six_none_and_names_the_event() {
    let h = Hub::new().await;
    let (op, cmd) = (&h.tokens.operator, &h.tokens.commander);
    let village = &h.grid[..12];
    let year = this_year();

    let (status, unit) = declare(
        &h,
        op,
        json!({"kind": "village", "year": year, "org": village}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{unit}");
    assert_eq!(unit["status"], "declared");
    assert_eq!(unit["kind_label"], "平安村（社区）");
    assert!(!unit["name"].as_str().unwrap().is_empty());
    let id = unit["id"].as_i64().unwrap();
    let (status, again) = declare(
        &h,
        op,
        json!({"kind": "平安村（社区）", "year": year, "org": village}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");

    // Nothing has happened in the village yet: all six hold.
    let (_, six) = get(&h, &format!("/api/v1/creation-units/{id}/assessment"), op).await;
    assert_eq!(six["clean"], true, "{six}");
    assert_eq!(six["items"].as_array().unwrap().len(), 6);

    let (status, page) = pass(&h, op, id, "self_assess").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["unit"]["status"], "self_assessed");
    // A township may not review for the district.
    let (status, refused) = pass(&h, op, id, "district_review").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    let (status, page) = pass(&h, op, id, "township_assess").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["unit"]["status"], "township_passed");
    let (status, page) = pass(&h, cmd, id, "district_review").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["unit"]["status"], "named");
    assert_eq!(page["unit"]["document_no"], "通平安委〔2026〕3号");
    assert!(page["unit"]["named_on"].is_string());
    assert_eq!(page["unit"]["score"], 100);
    assert_eq!(page["assessments"].as_array().unwrap().len(), 3);
    assert_eq!(page["steps"][0]["step"], "revoke", "{}", page["steps"]);

    // A report not yet taken in does not count; once accepted it breaks 无命案 and is named.
    let e = homicide(&h).await;
    let (_, six) = get(&h, &format!("/api/v1/creation-units/{id}/assessment"), cmd).await;
    assert_eq!(six["clean"], false, "{six}");
    let item = six["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == "no_homicide")
        .unwrap();
    assert_eq!(item["clean"], false);
    assert_eq!(item["breaches"][0]["number"], e.number.as_str());
    assert_eq!(item["breaches"][0]["href"], format!("/events/{}", e.id));
    let others_clean = six["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["key"] != "no_homicide")
        .all(|i| i["clean"] == true);
    assert!(others_clean, "{six}");
    // A drug user newly enrolled breaks 无毒害: the date is shown to those who see special
    // groups, never the person; a leader (no special groups) sees that a record exists.
    let person = crate::special_groups::three_people(&h).await[0];
    h.t.app
        .registry()
        .enrol_member(
            &h.commander,
            h.commander.user.as_ref().unwrap(),
            person,
            &pingan_app::MemberInput {
                group: "drug_user".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let (_, six) = get(&h, &format!("/api/v1/six-none/{village}"), cmd).await;
    let drugs = &six["items"][1];
    assert_eq!(drugs["key"], "no_drugs");
    assert_eq!(drugs["clean"], false, "{six}");
    let shown = drugs["breaches"][0]["title"].as_str().unwrap();
    assert!(shown.starts_with("列管日期 "), "{shown}");
    assert!(drugs["breaches"][0]["number"].is_null());
    let leader = crate::special_groups::leader(&h).await;
    let seen =
        h.t.app
            .creation()
            .six_none(&leader, village, None)
            .await
            .unwrap();
    assert!(!seen.items[1].clean);
    assert_eq!(seen.items[1].breaches[0].title, None);
    assert_eq!(
        seen.items[3].breaches[0].number.as_deref(),
        Some(e.number.as_str())
    );

    // Last year's "六无" is untouched by it.
    let (_, last) = get(
        &h,
        &format!("/api/v1/creation-units/{id}/assessment?year={}", year - 1),
        cmd,
    )
    .await;
    assert_eq!(last["clean"], true, "{last}");

    // 摘牌 needs its ground, and then the unit is revoked.
    let (_, unit) = get(&h, &format!("/api/v1/creation-units/{id}"), cmd).await;
    let version = unit["unit"]["version"].clone();
    let (status, refused) = step(&h, cmd, id, json!({"step": "revoke", "version": version})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    let (status, page) = step(
        &h,
        cmd,
        id,
        json!({"step": "revoke", "remarks": format!("发生命案 {}", e.number), "version": version}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["unit"]["status"], "revoked");

    // A new unit of the village now fails its township's assessment on the "六无" veto.
    let (status, demo) = declare(
        &h,
        op,
        json!({"kind": "demonstration", "year": year, "org": village, "name": "平安示范街"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{demo}");
    let did = demo["id"].as_i64().unwrap();
    pass(&h, op, did, "self_assess").await;
    let (status, page) = pass(&h, op, did, "township_assess").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["unit"]["status"], "failed");
    let last = page["assessments"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["passed"], false);
    assert_eq!(last["total"], 100);
    assert_eq!(last["six_none_broken"], json!(["无毒害", "无命案"]));

    // The overview counts the event against the village alone.
    let (status, all) = get(&h, &format!("/api/v1/six-none?year={year}"), cmd).await;
    assert_eq!(status, StatusCode::OK, "{all}");
    let villages = all["villages"].as_array().unwrap();
    assert!(villages.len() > 1);
    let row = villages.iter().find(|v| v["org_code"] == village).unwrap();
    assert_eq!(row["broken"], json!([0, 1, 0, 1, 0, 0]));
    assert_eq!(row["clean"], false);
    assert_eq!(all["clean"].as_u64().unwrap() as usize, villages.len() - 1);
}

#[tokio::test]
async fn creation_refuses_what_it_should_with_a_reason() {
    let h = Hub::new().await;
    let (op, cmd) = (&h.tokens.operator, &h.tokens.commander);
    let village = &h.grid[..12];
    let year = this_year();

    // A village unit names a village, not a grid; a year in range; a known kind.
    let (status, e) = declare(
        &h,
        op,
        json!({"kind": "village", "year": year, "org": h.grid}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
    assert!(e["detail"].as_str().unwrap().contains("12 位"), "{e}");
    let (status, e) = declare(
        &h,
        op,
        json!({"kind": "village", "year": 1990, "org": village}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
    let (status, e) = declare(
        &h,
        op,
        json!({"kind": "park", "year": year, "org": village}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
    // A school without a name is refused; with one it is declared.
    let (status, e) = declare(
        &h,
        op,
        json!({"kind": "campus", "year": year, "org": h.grid}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");

    // Another township's area is out of scope; so is the unit.
    let (_, unit) = declare(
        &h,
        op,
        json!({"kind": "village", "year": year, "org": village}),
    )
    .await;
    let id = unit["id"].as_i64().unwrap();
    let other = h.other_operator.user.as_ref().unwrap();
    let listed =
        h.t.app
            .creation()
            .units(other, &Default::default())
            .await
            .unwrap();
    assert!(listed.rows.iter().all(|u| u.org_code != village));
    let err = h.t.app.creation().unit(other, id).await.unwrap_err();
    assert!(matches!(err, pingan_app::AppError::NotFound(_)), "{err:?}");
    let err =
        h.t.app
            .creation()
            .declare(
                &h.other_operator,
                &pingan_app::CreationUnitRequest {
                    kind: "village".into(),
                    year,
                    org: Some(village.into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap_err();
    assert!(matches!(err, pingan_app::AppError::Forbidden(_)), "{err:?}");
    // A grid worker does not take part; a department cannot either.
    let (status, _) = get(&h, "/api/v1/creation-units", &h.tokens.worker).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = get(&h, "/api/v1/six-none", &h.tokens.court).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Steps out of order, a wrong count of scores, too many points, a stale version.
    let (status, e) = pass(&h, op, id, "township_assess").await;
    assert_eq!(status, StatusCode::CONFLICT, "{e}");
    assert!(e["detail"].as_str().unwrap().contains("已申报"), "{e}");
    let (status, e) = step(
        &h,
        op,
        id,
        json!({"step": "self_assess", "scores": [10, 10], "version": 1}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
    assert!(e["detail"].as_str().unwrap().contains("共 8 条"), "{e}");
    let (_, unit) = get(&h, &format!("/api/v1/creation-units/{id}"), op).await;
    let mut over = full_marks(&unit);
    over[0] = json!(99);
    let (status, e) = step(
        &h,
        op,
        id,
        json!({"step": "self_assess", "scores": over, "version": 1}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
    let body = json!({"step": "self_assess", "scores": full_marks(&unit), "version": 1});
    let (status, _) = step(&h, op, id, body.clone()).await;
    assert_eq!(status, StatusCode::OK);
    let (status, e) = step(&h, op, id, body).await;
    assert_eq!(status, StatusCode::CONFLICT, "{e}");

    // The checklist is the district's: a township may not change it; the district's change
    // applies to the next assessment, and a bad table is refused.
    let table = json!({"pass_mark": 8, "items": [
        {"label": "综治中心规范运行", "points": 5},
        {"label": "未发生重大案事件", "points": 5, "veto": true},
    ]});
    let path = "/api/v1/creation-checklists/village";
    let put = |token: &str, body: &Value| {
        reqwest::Client::new()
            .put(h.t.url(path))
            .bearer_auth(token.to_owned())
            .json(body)
            .send()
    };
    assert_eq!(
        put(op, &table).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let bad = json!({"pass_mark": 11, "items": table["items"]});
    assert_eq!(
        put(cmd, &bad).await.unwrap().status(),
        StatusCode::BAD_REQUEST
    );
    let res = put(cmd, &table).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let saved: Value = res.json().await.unwrap();
    assert_eq!(saved["total"], 10);
    assert!(saved["updated_at"].is_string());
    // Full points but the veto line: vetoed, so the township fails it.
    let (_, unit) = get(&h, &format!("/api/v1/creation-units/{id}"), op).await;
    assert_eq!(unit["checklist"]["items"].as_array().unwrap().len(), 2);
    let (status, page) = step(
        &h,
        op,
        id,
        json!({"step": "township_assess", "scores": [5, 4], "version": unit["unit"]["version"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["unit"]["status"], "failed");
    assert_eq!(page["unit"]["score"], 9);
    // Its earlier self-assessment keeps the eight lines it was scored on.
    assert_eq!(
        page["assessments"][0]["scores"].as_array().unwrap().len(),
        8
    );
}

#[tokio::test]
async fn the_pages_show_a_unit_its_six_none_and_take_a_step() {
    let h = Hub::new().await;
    crate::add_user(
        &h.t,
        "cj-web",
        "区平安办",
        "511702",
        "commander",
        &h.password,
    )
    .await
    .unwrap();
    let mut ready = h.t.ready("cj-web", &h.password).await;
    let c = crate::client();
    crate::web_login(&h.t, &c, &mut ready).await;
    let village = &h.grid[..12];
    let year = this_year().to_string();
    let res = c
        .post(h.t.url("/creation"))
        .form(&[
            ("kind", "village"),
            ("year", year.as_str()),
            ("org", village),
            ("name", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let url = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(url.starts_with("/creation/"), "{url}");
    let html = crate::page(&c, &h.t, &url).await;
    assert!(html.contains("“六无”"), "{html}");
    assert!(html.contains("无重大安全事故"));
    assert!(html.contains("提交自评"));
    homicide(&h).await;
    let html = crate::page(&c, &h.t, &url).await;
    assert!(html.contains("未达标，一票否决"), "{html}");
    assert!(html.contains("出租屋内发现一名男子死亡"));
    let version = html
        .split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let mut form: Vec<(&str, String)> = vec![
        ("step", "self_assess".into()),
        ("version", version),
        ("remarks", "<b>自评</b>".into()),
    ];
    form.extend(std::iter::repeat_n(("score", "10".to_owned()), 8));
    let res = c
        .post(h.t.url(&format!("{url}/steps")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = crate::page(&c, &h.t, &url).await;
    assert!(html.contains("已自评"), "{html}");
    assert!(html.contains("&#60;b&#62;自评&#60;/b&#62;"), "escaped");
    assert!(!html.contains("<b>自评"));
    let list = crate::page(&c, &h.t, "/creation/six-none").await;
    assert!(list.contains(&format!("data-org=\"{village}\"")), "{list}");
    assert!(list.contains("未达标"));
    let table = crate::page(&c, &h.t, "/creation/checklists/campus").await;
    assert!(table.contains("护学岗"), "{table}");
}
