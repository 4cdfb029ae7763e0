//! 涉黑涉恶线索: the clue office takes a report in and carries it to its result; the informant
//! looks the result up with their code; and nobody but the clue office — not a commander, a
//! system or audit administrator, the verifying police station or a grid worker — ever sees who
//! reported it, through the API, the stream or the audit; each read is on the audit record.

use crate::disputes::{get, post};
use crate::events::{Hub, actor};
use reqwest::StatusCode;
use serde_json::{Value, json};

const INFORMANT: &str = "周知情";
const INFORMANT_PHONE: &str = "13912345678";

/// The hub with a clue office account (扫黑办线索管理员) at the district.
async fn office(h: &Hub) -> String {
    crate::add_user(
        &h.t,
        "sh-office",
        "扫黑办",
        "511702",
        "clue_officer",
        &h.password,
    )
    .await
    .unwrap();
    actor(&h.t, "sh-office", &h.password).await.1
}

fn report(client_id: &str, informant: bool) -> Value {
    let mut v = json!({
        "client_id": client_id,
        "source": "phone",
        "title": "某村有人强揽工程、威胁施工方",
        "content": "有人纠集多人到工地阻工，强迫施工方把土方工程交其承包，并多次威胁。",
        "named": "张某某及其手下数人"
    });
    if informant {
        v["informant"] =
            json!({"name": INFORMANT, "phone": INFORMANT_PHONE, "contact": "晚上联系"});
    }
    v
}

async fn lookup(h: &Hub, code: &str) -> (StatusCode, Value) {
    let res = reqwest::Client::new()
        .get(h.t.url(&format!("/api/v1/clues/lookup?code={code}")))
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// The police station handler's action, through the app (its account is already set up by the hub).
async fn police(
    h: &Hub,
    id: i64,
    body: Value,
) -> Result<pingan_app::ClueView, pingan_app::AppError> {
    let req: pingan_app::ClueActionRequest = serde_json::from_value(body).unwrap();
    h.t.app.cases().act_on_clue(&h.police, id, &req).await
}

#[tokio::test]
async fn a_clue_is_verified_and_its_informant_reads_the_result_with_the_code() {
    let h = Hub::new().await;
    let office = office(&h).await;
    let (status, made) = post(&h, "/api/v1/clues", &office, &report("xs-life-0001", true)).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert!(made["number"].as_str().unwrap().starts_with("XS"));
    let code = made["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 16);
    let id = made["id"].as_i64().unwrap();
    let (status, seen) = lookup(&h, &code).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(seen, json!({"stage": "已受理，正在甄别", "result": null}));

    let act = |body: Value| {
        let office = office.clone();
        let h = &h;
        async move { post(h, &format!("/api/v1/clues/{id}/actions"), &office, &body).await }
    };
    assert_eq!(
        act(json!({"action": "screen", "reason": "内容具体"}))
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        act(json!({"action": "screen", "grade": "important", "reason": "有具体人名和工地"}))
            .await
            .0,
        StatusCode::OK
    );
    let (status, v) = act(json!({"action": "assign", "department_id": h.police_id})).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["state"], "verifying");
    // The office cannot report the result in the station's place; the station can.
    assert_eq!(
        act(json!({"action": "report_result", "result": "substantiated", "reason": "x"}))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let wrong = police(
        &h,
        id,
        json!({"action": "report_result", "result": "unfounded", "cases_opened": 1, "reason": "查否"}),
    )
    .await;
    assert!(matches!(wrong, Err(pingan_app::AppError::Invalid(_))));
    let done = police(
        &h,
        id,
        json!({"action": "report_result", "result": "substantiated", "cases_opened": 1,
               "people_involved": 6, "assets_yuan": 850000, "reason": "已立案侦查"}),
    )
    .await
    .unwrap();
    assert_eq!(done.state, "verified");
    assert_eq!(done.assets_yuan, 850_000.0);
    police(
        &h,
        id,
        json!({"action": "mark", "mark": "umbrella", "reason": "涉嫌有公职人员通风报信"}),
    )
    .await
    .unwrap();
    let (status, v) =
        act(json!({"action": "conclude", "feedback": "经核查属实，已依法处理"})).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["state"], "closed");
    assert_eq!(v["marks"], json!(["涉嫌充当保护伞"]));
    let (status, seen) = lookup(&h, &code).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(seen, json!({"stage": "已办结", "result": "查实"}));
    // Lower case works too; the answer never carries more.
    assert_eq!(lookup(&h, &code.to_lowercase()).await.1, seen);
}

#[tokio::test]
async fn nobody_but_the_clue_office_sees_the_informant() {
    let h = Hub::new().await;
    let office = office(&h).await;
    let (_, made) = post(&h, "/api/v1/clues", &office, &report("xs-matrix-01", true)).await;
    let id = made["id"].as_i64().unwrap();
    // The stream hears nothing of clues.
    let mut stream =
        h.t.app
            .cases()
            .subscribe_cases(h.commander.user.as_ref().unwrap())
            .unwrap();
    post(
        &h,
        &format!("/api/v1/clues/{id}/actions"),
        &office,
        &json!({"action": "screen", "grade": "general", "reason": "一般线索"}),
    )
    .await;
    post(
        &h,
        &format!("/api/v1/clues/{id}/actions"),
        &office,
        &json!({"action": "assign", "department_id": h.police_id}),
    )
    .await;
    assert!(stream.try_recv().is_err(), "no clue change on the stream");

    for (username, role) in [
        ("sys-b", "sysadmin"),
        ("aud-b", "auditor"),
        ("cmd-b", "commander"),
        ("lead-b", "leader"),
    ] {
        crate::add_user(&h.t, username, role, "511702", role, &h.password)
            .await
            .unwrap();
    }
    let mut tokens = vec![
        ("commander", h.tokens.commander.clone()),
        ("grid worker", h.tokens.worker.clone()),
        ("operator", h.tokens.operator.clone()),
    ];
    for (who, username) in [
        ("sysadmin", "sys-b"),
        ("auditor", "aud-b"),
        ("another commander", "cmd-b"),
        ("leader", "lead-b"),
    ] {
        tokens.push((who, actor(&h.t, username, &h.password).await.1));
    }
    for (who, token) in &tokens {
        let (list, _) = get(&h, "/api/v1/clues", token).await;
        assert!(
            matches!(list, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{who} lists clues: {list}"
        );
        let (one, body) = get(&h, &format!("/api/v1/clues/{id}"), token).await;
        assert!(
            matches!(one, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{who} reads the clue: {one} {body}"
        );
        let (reveal, body) = post(
            &h,
            &format!("/api/v1/clues/{id}/informant"),
            token,
            &json!({"reason": "核实举报人身份"}),
        )
        .await;
        assert!(
            matches!(reveal, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{who} reveals: {reveal}"
        );
        assert!(!body.to_string().contains(INFORMANT), "{who}: {body}");
    }
    // The police station verifying it reads the clue — never who reported it.
    let seen = h.t.app.cases().clue_detail(&h.police, id).await.unwrap();
    let text = serde_json::to_string(&seen).unwrap();
    assert!(text.contains("强揽工程"));
    assert!(!text.contains(INFORMANT) && !text.contains(INFORMANT_PHONE) && !text.contains("晚上"));
    let refused =
        h.t.app
            .cases()
            .reveal_informant(&h.police, id, "核实举报人身份")
            .await;
    assert!(refused.is_err());
    // The office's own list and page carry no informant field either; revealing takes a reason.
    for path in ["/api/v1/clues".to_owned(), format!("/api/v1/clues/{id}")] {
        let (status, body) = get(&h, &path, &office).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!body.to_string().contains(INFORMANT), "{path}: {body}");
    }
    let path = format!("/api/v1/clues/{id}/informant");
    assert_eq!(
        post(&h, &path, &office, &json!({"reason": ""})).await.0,
        StatusCode::BAD_REQUEST
    );
    let (status, plain) = post(&h, &path, &office, &json!({"reason": "约谈举报人补充证据"})).await;
    assert_eq!(status, StatusCode::OK, "{plain}");
    assert_eq!(plain["name"], INFORMANT);
    assert_eq!(plain["phone"], INFORMANT_PHONE);

    // The audit trail names each read and each reveal, and never the informant.
    let audit =
        h.t.app
            .access()
            .search_audit(
                &pingan_app::Actor::cli(),
                &pingan_app::AuditFilter {
                    action_prefix: Some("clue.".into()),
                    ..Default::default()
                },
                1000,
            )
            .await
            .unwrap();
    let trail = serde_json::to_string(&audit).unwrap();
    assert!(trail.contains("clue.read") && trail.contains("clue.informant.reveal"));
    assert!(trail.contains("约谈举报人补充证据"), "the reason is kept");
    assert!(!trail.contains(INFORMANT), "{trail}");
    let reads = audit
        .iter()
        .filter(|a| serde_json::to_string(a).unwrap().contains("clue.read"))
        .count();
    assert!(reads >= 4, "every read is recorded: {reads}");
}

#[tokio::test]
async fn an_anonymous_report_has_nobody_to_reveal_and_wrong_codes_are_locked_out() {
    let h = Hub::new().await;
    let office = office(&h).await;
    let (status, made) = post(&h, "/api/v1/clues", &office, &report("xs-anon-0001", false)).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(made["anonymous"], true);
    let id = made["id"].as_i64().unwrap();
    let (status, _) = post(
        &h,
        &format!("/api/v1/clues/{id}/informant"),
        &office,
        &json!({"reason": "核实举报人身份"}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Only the clue office registers clues.
    let (status, _) = post(
        &h,
        "/api/v1/clues",
        &h.tokens.commander,
        &report("xs-anon-0002", false),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Wrong codes: 404 each, then the address is locked out, even for the right code.
    let code = made["code"].as_str().unwrap().to_owned();
    for _ in 0..5 {
        let (status, body) = lookup(&h, "AAAAAAAAAAAAAAAA").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        assert!(!body.to_string().contains("强揽"));
    }
    let (status, _) = lookup(&h, &code).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn the_pages_register_a_clue_show_its_code_once_and_reveal_only_for_a_reason() {
    let h = Hub::new().await;
    crate::add_user(
        &h.t,
        "sh-web",
        "扫黑办",
        "511702",
        "clue_officer",
        &h.password,
    )
    .await
    .unwrap();
    let mut ready = h.t.ready("sh-web", &h.password).await;
    let c = crate::client();
    crate::web_login(&h.t, &c, &mut ready).await;
    let form = crate::page(&c, &h.t, "/clues/new").await;
    assert!(form.contains("举报人身份严格保密"), "{form}");
    let res = c
        .post(h.t.url("/clues/new"))
        .form(&[
            ("client_id", "page-xs-000001"),
            ("source", "visit"),
            ("title", "<script>alert(1)</script>某市场欺行霸市"),
            ("content", "有人在农贸市场强收保护费，商户不敢报警。"),
            ("named", "王某"),
            ("informant_name", INFORMANT),
            ("informant_phone", INFORMANT_PHONE),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let made = res.text().await.unwrap();
    let code = made
        .split("id=\"clue-code\">")
        .nth(1)
        .and_then(|s| s.get(..16))
        .unwrap()
        .to_owned();
    let number_at = made.find("XS").unwrap();
    let link = &made[..number_at];
    let id: i64 = link
        .rsplit("/clues/")
        .next()
        .and_then(|s| s.split('"').next())
        .and_then(|s| s.parse().ok())
        .unwrap();
    let html = crate::page(&c, &h.t, &format!("/clues/{id}")).await;
    assert!(html.contains("alert(1)") && !html.contains("<script>alert(1)"));
    assert!(
        html.contains("实名举报") && !html.contains(INFORMANT) && !html.contains(INFORMANT_PHONE)
    );
    assert!(!crate::page(&c, &h.t, "/clues").await.contains(INFORMANT));
    let res = c
        .post(h.t.url(&format!("/clues/{id}/informant")))
        .form(&[("reason", "约谈举报人补充证据")])
        .send()
        .await
        .unwrap();
    let revealed = res.text().await.unwrap();
    assert!(revealed.contains(INFORMANT) && revealed.contains(INFORMANT_PHONE));
    // The informant's page needs no sign-in and says the stage only.
    let public = reqwest::Client::new()
        .get(h.t.url(&format!("/clues/lookup?code={code}")))
        .send()
        .await
        .unwrap();
    assert_eq!(public.status(), StatusCode::OK);
    let public = public.text().await.unwrap();
    assert!(public.contains("已受理，正在甄别"), "{public}");
    assert!(!public.contains("欺行霸市") && !public.contains("王某"));
}
