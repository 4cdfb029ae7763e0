//! 信访: registration with 重复/越级/不再受理 found, the regulation's steps through the API with
//! their deadlines (extension, hearing days not counted), every refusal, the scope of a township,
//! a 包案 leader and an assigned lawyer, 访调对接, the notices and the indicators — on whichever
//! backend the run uses.

use crate::disputes::{get, pdf_text, post};
use crate::events::{Hub, OTHER_TOWNSHIP, TOWNSHIP, actor};
use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn intake(h: &Hub, client_id: &str, id_number: &str) -> Value {
    json!({
        "client_id": client_id,
        "channel": "来访",
        "class": "claim",
        "title": "反映村道硬化工程占用承包地未补偿",
        "content": "2025年村道硬化工程占用本人承包地约0.3亩，至今未获补偿，多次向村委会反映无果。",
        "requests": "要求按标准给予青苗和土地补偿",
        "petitioners": [{"name": "王秀英", "id_number": id_number, "phone": "13800138000"}],
        "lat": h.point.1,
        "lon": h.point.0
    })
}

async fn register(h: &Hub, token: &str, body: &Value) -> Value {
    let (status, v) = post(h, "/api/v1/petitions", token, body).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    v
}

async fn act(h: &Hub, id: i64, token: &str, body: Value) -> (StatusCode, Value) {
    post(h, &format!("/api/v1/petitions/{id}/actions"), token, &body).await
}

async fn ok(h: &Hub, id: i64, token: &str, body: Value) -> Value {
    let (status, v) = act(h, id, token, body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body} → {v}");
    v
}

/// An action by the township police station's handler (the organ a petition is 交办 to).
async fn police_act(h: &Hub, id: i64, body: Value) -> (StatusCode, Value) {
    let req: pingan_app::PetitionActionRequest = serde_json::from_value(body).unwrap();
    match h.t.app.cases().act_on_petition(&h.police, id, &req).await {
        Ok(v) => (StatusCode::OK, serde_json::to_value(v).unwrap()),
        Err(e) => (
            match e {
                pingan_app::AppError::Invalid(_) => StatusCode::BAD_REQUEST,
                pingan_app::AppError::Conflict(_) => StatusCode::CONFLICT,
                pingan_app::AppError::Forbidden(_) => StatusCode::FORBIDDEN,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            },
            json!({"detail": e.to_string()}),
        ),
    }
}

async fn police_ok(h: &Hub, id: i64, body: Value) -> Value {
    let (status, v) = police_act(h, id, body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body} → {v}");
    v
}

fn deadline(v: &Value) -> DateTime<Utc> {
    v["deadline"].as_str().unwrap().parse().unwrap()
}

async fn pdf(h: &Hub, id: i64, kind: &str, token: &str) -> (StatusCode, Vec<u8>) {
    let res = reqwest::Client::new()
        .get(h.t.url(&format!("/api/v1/petitions/{id}/notices/{kind}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (res.status(), res.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn a_petition_goes_through_reply_review_and_recheck_and_the_same_matter_is_then_refused() {
    let h = Hub::new().await;
    let op = &h.tokens.operator;
    let p = register(&h, op, &intake(&h, "xf-life-0001", "11010519491231002X")).await;
    let id = p["id"].as_i64().unwrap();
    assert!(p["number"].as_str().unwrap().starts_with("XF"), "{p}");
    assert_eq!(p["state"], "registered");
    assert_eq!(p["skipped_level"], false);
    // 15 days to route, as an absolute time.
    let routed_by = deadline(&p);
    let days = (routed_by - Utc::now()).num_days();
    assert!((14..=19).contains(&days), "{days}");

    // 交办 to the police station, which accepts and handles it.
    ok(
        &h,
        id,
        op,
        json!({"action": "route", "mode": "交办", "department_id": h.police_id}),
    )
    .await;
    let handling = police_ok(&h, id, json!({"action": "accept"})).await;
    assert_eq!(handling["state"], "handling");
    let sixty = deadline(&handling);
    // Extensions: 20 days, then 20 more is refused (30 in all), then 10.
    let ext = police_ok(
        &h,
        id,
        json!({"action": "extend", "extension_days": 20, "reason": "需调取土地确权档案"}),
    )
    .await;
    // Recounted from the step's start: 80 natural days, an end on a day off moved to the next
    // working day (so less than 20 days after the 60-day end when that one was moved: a limit
    // ending in the Spring Festival holiday).
    let started: DateTime<Utc> = handling["accepted_at"].as_str().unwrap().parse().unwrap();
    let days = (deadline(&ext) - started).num_days();
    assert!(
        (79..=95).contains(&days) && deadline(&ext) > sixty,
        "{days}: {ext}"
    );
    let (status, v) = police_act(
        &h,
        id,
        json!({"action": "extend", "extension_days": 20, "reason": "再延"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("最多 10 日"), "{v}");
    // A reply needs its outcome.
    let (status, _) = police_act(&h, id, json!({"action": "reply", "reason": "经核实"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    police_ok(
        &h,
        id,
        json!({"action": "reply", "outcome": "support", "reason": "经核实，应按标准补偿"}),
    )
    .await;
    ok(&h, id, op, json!({"action": "serve"})).await;

    // The notices: acceptance, extension, opinion; no refusal.
    for kind in ["acceptance", "extension", "opinion"] {
        let (status, bytes) = pdf(&h, id, kind, op).await;
        assert_eq!(status, StatusCode::OK, "{kind}");
        assert!(bytes.starts_with(b"%PDF-"));
        if let Some((text, _)) = pdf_text(&bytes) {
            assert!(text.contains("王秀英"), "{kind}: {text}");
        }
    }
    assert_eq!(pdf(&h, id, "refusal", op).await.0, StatusCode::CONFLICT);
    assert_eq!(
        pdf(&h, id, "opinion", &h.tokens.worker).await.0,
        StatusCode::FORBIDDEN
    );

    // 复查 and 复核 with a hearing whose days are not counted.
    ok(&h, id, op, json!({"action": "request_review"})).await;
    ok(
        &h,
        id,
        op,
        json!({"action": "review_reply", "outcome": "uphold"}),
    )
    .await;
    let rechecking = ok(&h, id, op, json!({"action": "request_recheck"})).await;
    let before = deadline(&rechecking);
    ok(&h, id, op, json!({"action": "hearing_start"})).await;
    let (status, _) = act(&h, id, op, json!({"action": "hearing_start"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = act(
        &h,
        id,
        op,
        json!({"action": "recheck_reply", "outcome": "uphold"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "not while the hearing runs");
    let heard = ok(
        &h,
        id,
        op,
        json!({"action": "hearing_end", "reason": "听证会维持原意见"}),
    )
    .await;
    assert_eq!(heard["hearing_days"], 1);
    assert!(deadline(&heard) > before, "{heard}");
    let done = ok(
        &h,
        id,
        op,
        json!({"action": "recheck_reply", "outcome": "uphold"}),
    )
    .await;
    assert_eq!(done["state"], "rechecked");
    assert_eq!(done["open"], false);

    // The same matter again: 不再受理, naming the earlier case.
    let again = register(&h, op, &intake(&h, "xf-life-0002", "11010519491231002X")).await;
    assert_eq!(again["state"], "refused", "{again}");
    assert_eq!(again["refusal_ground"], "concluded");
    assert_eq!(again["repeat_of"], id);
    let findings = again["findings"].to_string();
    assert!(
        findings.contains("不再受理") && findings.contains(p["number"].as_str().unwrap()),
        "{findings}"
    );
    let (status, bytes) = pdf(&h, again["id"].as_i64().unwrap(), "refusal", op).await;
    assert_eq!(status, StatusCode::OK);
    if let Some((text, _)) = pdf_text(&bytes) {
        assert!(text.contains("不予受理"), "{text}");
    }
}

#[tokio::test]
async fn refusals_say_why_and_another_township_sees_nothing() {
    let h = Hub::new().await;
    let op = &h.tokens.operator;
    let id = register(&h, op, &intake(&h, "xf-refuse-01", "11010519491231002X")).await["id"]
        .as_i64()
        .unwrap();
    // Route needs a mode; a refusal needs its ground.
    let (status, v) = act(&h, id, op, json!({"action": "route"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    let (status, _) = act(&h, id, op, json!({"action": "route", "mode": "refuse"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Wrong state, wrong party, stale version.
    let (status, _) = act(&h, id, op, json!({"action": "serve"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = act(&h, id, &h.tokens.worker, json!({"action": "accept"})).await;
    assert!(
        matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{status}"
    );
    let (status, _) = act(&h, id, op, json!({"action": "accept", "version": 99})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    // Another township's office and the court see nothing of it.
    let other = h.t.app.cases().petition_detail(&h.other_operator, id).await;
    assert!(matches!(other, Err(pingan_app::AppError::NotFound(_))));
    assert_eq!(
        get(&h, &format!("/api/v1/petitions/{id}"), &h.tokens.court)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    // A collective petition names one to five representatives.
    let mut many = intake(&h, "xf-refuse-02", "11010519491231002X");
    many["people_count"] = json!(30);
    let (status, v) = post(&h, "/api/v1/petitions", op, &many).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(v["detail"].as_str().unwrap().contains("代表人"), "{v}");
    many["petitioners"][0]["role"] = json!("representative");
    let made = register(&h, op, &many).await;
    assert_eq!(made["collective"], true);
    // 不予受理 with its ground (诉访分离).
    let refused = ok(
        &h,
        id,
        op,
        json!({"action": "route", "mode": "refuse", "ground": "litigation", "reason": "已起诉"}),
    )
    .await;
    assert_eq!(refused["state"], "refused");
    assert_eq!(
        refused["refusal_ground_label"],
        "应通过诉讼、仲裁、行政复议等法定途径解决"
    );
}

#[tokio::test]
async fn a_repeat_by_the_same_person_is_linked_and_the_district_first_is_a_level_skipped() {
    let h = Hub::new().await;
    let first = register(
        &h,
        &h.tokens.operator,
        &intake(&h, "xf-repeat-01", "11010519491231002X"),
    )
    .await;
    // The same person, another matter, brought straight to the district.
    let mut body = intake(&h, "xf-repeat-02", "11010519491231002X");
    body["title"] = json!("反映邻居违建遮挡采光");
    body["content"] = json!("邻居加建三楼遮挡本人住房采光，请求依法处理。");
    let second = register(&h, &h.tokens.commander, &body).await;
    assert_eq!(second["repeat_of"], first["id"], "{second}");
    assert_eq!(
        second["skipped_level"], false,
        "the township had the person before"
    );
    // Someone new, straight to the district: 越级.
    let mut body = intake(&h, "xf-repeat-03", "510702199001011230");
    body["petitioners"] = json!([{"name": "赵立"}]);
    body["title"] = json!("反映小区电梯长期停运");
    body["content"] = json!("小区3栋电梯停运两个月，物业不予维修。");
    let third = register(&h, &h.tokens.commander, &body).await;
    assert_eq!(third["skipped_level"], true, "{third}");
    assert!(third["findings"].to_string().contains("越级"));
    // The lists filter them.
    let (_, page) = get(
        &h,
        "/api/v1/petitions?skipped_level=true",
        &h.tokens.commander,
    )
    .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1, "{page}");
    let (_, page) = get(&h, "/api/v1/petitions?repeated=true", &h.tokens.commander).await;
    assert_eq!(page["items"][0]["id"], second["id"]);
    // The indicators count them.
    let (status, s) = get(&h, "/api/v1/stats/petitions", &h.tokens.commander).await;
    assert_eq!(status, StatusCode::OK, "{s}");
    assert!(s["total"]["received"].as_i64().unwrap() >= 3, "{s}");
    assert!(s["total"]["skipped_level"].as_i64().unwrap() >= 1);
    assert!(s["total"]["repeated"].as_i64().unwrap() >= 1);
}

#[tokio::test]
async fn a_leader_and_a_lawyer_see_only_what_they_were_given() {
    let h = Hub::new().await;
    let op = &h.tokens.operator;
    let id = register(&h, op, &intake(&h, "xf-leader-01", "11010519491231002X")).await["id"]
        .as_i64()
        .unwrap();
    let other = register(&h, op, &intake(&h, "xf-leader-02", "510702199001011230")).await["id"]
        .as_i64()
        .unwrap();
    // A leader of another township takes it on (包案).
    crate::add_user(
        &h.t,
        "leader-b",
        "李副区长",
        OTHER_TOWNSHIP,
        "leader",
        &h.password,
    )
    .await
    .unwrap();
    let (leader, leader_token) = actor(&h.t, "leader-b", &h.password).await;
    let leader_id = leader.user.as_ref().unwrap().id;
    assert_eq!(
        get(&h, &format!("/api/v1/petitions/{id}"), &leader_token)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (status, _) = act(
        &h,
        id,
        op,
        json!({"action": "assign_leader", "leader_id": h.police_id}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "an account that cannot supervise"
    );
    ok(&h, id, op, json!({"action": "assign_leader", "leader_id": leader_id, "reason": "每月接访一次，协调国土部门"})).await;
    let (status, page) = get(&h, "/api/v1/petitions?mine=leader", &leader_token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["items"].as_array().unwrap().len(), 1, "{page}");
    ok(
        &h,
        id,
        &leader_token,
        json!({"action": "progress", "reason": "已约见信访人"}),
    )
    .await;
    let (status, _) = act(&h, id, op, json!({"action": "progress", "reason": "x"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A lawyer with an account sees only the petition assigned to them.
    crate::add_user(&h.t, "lawyer-a", "陈律师", "511702", "lawyer", &h.password)
        .await
        .unwrap();
    let (_, lawyer_token) = actor(&h.t, "lawyer-a", &h.password).await;
    let (status, lawyer) = post(
        &h,
        "/api/v1/lawyers",
        &h.tokens.commander,
        &json!({"name": "陈明", "firm": "四川达通律师事务所", "licence_number": "15117201810123456",
                "legal_adviser": true, "username": "lawyer-a"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{lawyer}");
    let (status, _) = post(
        &h,
        "/api/v1/lawyers",
        op,
        &json!({"name": "某某", "firm": "某所", "licence_number": "1"}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        get(&h, &format!("/api/v1/petitions/{id}"), &lawyer_token)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    ok(
        &h,
        id,
        op,
        json!({"action": "assign_lawyer", "lawyer_id": lawyer["id"], "lawyer_role": "represent"}),
    )
    .await;
    let (status, page) = get(&h, "/api/v1/petitions", &lawyer_token).await;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<i64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [id]);
    assert_eq!(
        get(&h, &format!("/api/v1/petitions/{other}"), &lawyer_token)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    ok(
        &h,
        id,
        &lawyer_token,
        json!({"action": "lawyer_opinion", "reason": "属涉法涉诉事项，建议引导诉讼"}),
    )
    .await;
    // The lawyer cannot route it, nor print a notice naming the petitioner.
    let (status, _) = act(&h, id, &lawyer_token, json!({"action": "accept"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Names stay masked; the office reveals one for a reason, on the audit record.
    let (_, detail) = get(&h, &format!("/api/v1/petitions/{id}"), &lawyer_token).await;
    assert_eq!(detail["petitioners"][0]["name"], "王**", "{detail}");
    let party = detail["petitioners"][0]["id"].as_i64().unwrap();
    let path = format!("/api/v1/petitions/{id}/petitioners/{party}/reveal");
    assert_eq!(
        post(&h, &path, op, &json!({"reason": ""})).await.0,
        StatusCode::BAD_REQUEST
    );
    let (status, plain) = post(&h, &path, op, &json!({"reason": "电话告知受理情况"})).await;
    assert_eq!(status, StatusCode::OK, "{plain}");
    assert_eq!(plain["name"], "王秀英");
    // The district sees each leader's load.
    let (_, s) = get(&h, "/api/v1/stats/petitions", &h.tokens.commander).await;
    assert_eq!(s["leaders"][0]["leader_id"], leader_id, "{s}");
    assert_eq!(s["leaders"][0]["open"], 1);
}

#[tokio::test]
async fn a_civil_matter_goes_to_mediation_and_its_success_closes_the_petition() {
    let h = Hub::new().await;
    let op = &h.tokens.operator;
    let id = register(&h, op, &intake(&h, "xf-mediate-01", "11010519491231002X")).await["id"]
        .as_i64()
        .unwrap();
    let (status, _) = act(
        &h,
        id,
        op,
        json!({"action": "to_mediation", "dispute_type": "07"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the other side is needed");
    let sent = ok(
        &h,
        id,
        op,
        json!({"action": "to_mediation", "dispute_type": "山林土地纠纷", "respondent": "某村村民委员会"}),
    )
    .await;
    assert_eq!(sent["state"], "mediating");
    let dispute = sent["dispute_id"].as_i64().unwrap();
    let (_, d) = get(&h, &format!("/api/v1/disputes/{dispute}"), op).await;
    assert_eq!(d["dispute"]["source"], "petition", "{d}");
    assert_eq!(d["dispute"]["external_ref"], sent["number"]);
    // The township committee mediates it to an agreement.
    let orgs = get(&h, "/api/v1/mediation-organisations", op).await.1;
    let committee = orgs
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code"] == format!("{TOWNSHIP}-TJ"))
        .unwrap()["id"]
        .clone();
    let (_, mediator) = actor(&h.t, &format!("bm-{TOWNSHIP}-tj"), &h.password).await;
    let path = format!("/api/v1/disputes/{dispute}/actions");
    for (token, body) in [
        (op.as_str(), json!({"action": "accept"})),
        (
            op.as_str(),
            json!({"action": "assign", "organisation_id": committee}),
        ),
        (
            mediator.as_str(),
            json!({"action": "succeed", "agreement": "written", "content": "村委会于三十日内按标准支付补偿款"}),
        ),
    ] {
        let (status, v) = post(&h, &path, token, &body).await;
        assert_eq!(status, StatusCode::OK, "{body} → {v}");
    }
    let (_, p) = get(&h, &format!("/api/v1/petitions/{id}"), op).await;
    assert_eq!(p["state"], "mediated", "{p}");
    assert_eq!(p["open"], false);
    // Nobody may close a petition in mediation by hand.
    let id2 = register(&h, op, &intake(&h, "xf-mediate-02", "510702199001011230")).await["id"]
        .as_i64()
        .unwrap();
    ok(
        &h,
        id2,
        op,
        json!({"action": "to_mediation", "dispute_type": "07", "respondent": "某村"}),
    )
    .await;
    let (status, _) = act(
        &h,
        id2,
        &h.tokens.commander,
        json!({"action": "mediation_succeeded"}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_pages_register_and_show_a_petition_escaped_and_masked() {
    let h = Hub::new().await;
    let mut ready =
        h.t.ready(
            &format!("op{TOWNSHIP}"),
            &format!("{}#Own2026x", h.password.len()),
        )
        .await;
    let c = crate::client();
    crate::web_login(&h.t, &c, &mut ready).await;
    let form = crate::page(&c, &h.t, "/petitions/new").await;
    assert!(
        form.contains("登记信访事项") && form.contains(&h.grid),
        "{form}"
    );
    let res = c
        .post(h.t.url("/petitions/new"))
        .form(&[
            ("client_id", "page-xf-000001"),
            ("channel", "letter"),
            ("class", "suggestion"),
            ("title", "<script>alert(1)</script>建议增设路灯"),
            ("content", "村口道路夜间无照明，建议增设路灯。"),
            ("grid_code", h.grid.as_str()),
            ("address", "某村村口"),
            ("name1", "李德明"),
            ("phone1", "13800138000"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = res.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = to.trim_start_matches("/petitions/").parse().unwrap();
    // A refusal re-renders the case page with its message.
    let res = c
        .post(h.t.url(&format!("/petitions/{id}/act")))
        .form(&[("action", "route"), ("mode", "transfer")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("请选择承办部门"));
    let res = c
        .post(h.t.url(&format!("/petitions/{id}/act")))
        .form(&[("action", "accept")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = crate::page(&c, &h.t, &format!("/petitions/{id}")).await;
    assert!(html.contains("alert(1)") && !html.contains("<script>alert(1)"));
    assert!(html.contains("李**") && !html.contains("13800138000"));
    assert!(html.contains("信访事项受理告知书"), "the notice is offered");
    let list = crate::page(&c, &h.t, "/petitions").await;
    assert!(list.contains(&format!("/petitions/{id}")));
    let stats = crate::page(&c, &h.t, "/petitions/stats").await;
    assert!(stats.contains("按期办结率") && stats.contains("同比"));
    let lawyers = crate::page(&c, &h.t, "/petitions/lawyers").await;
    assert!(lawyers.contains("律师名录"));
}
