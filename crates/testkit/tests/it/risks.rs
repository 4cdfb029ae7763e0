//! 社会稳定风险评估: a matter carried through the eight steps — each refused until its record is
//! there — to a decision under the level rule, tracked, filed and re-assessed; the 简易评估
//! track; scope; the expert panel's result; the register — on whichever backend the run uses.

use crate::disputes::{get, post};
use crate::events::Hub;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn act(h: &Hub, id: i64, body: Value) -> (StatusCode, Value) {
    post(
        h,
        &format!("/api/v1/risk-assessments/{id}/actions"),
        &h.tokens.commander,
        &body,
    )
    .await
}

async fn ok(h: &Hub, id: i64, body: Value) -> Value {
    let (status, v) = act(h, id, body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body} → {v}");
    v
}

async fn refused(h: &Hub, id: i64, body: Value, says: &str) {
    let (status, v) = act(h, id, body.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body} → {v}");
    assert!(v["detail"].as_str().unwrap().contains(says), "{v}");
}

fn doc(kind: &str) -> Value {
    json!({"action": "add_document", "kind": kind, "title": format!("{kind} 材料"), "content": "材料正文（测试）"})
}

async fn register(h: &Hub, client_id: &str, track: &str) -> i64 {
    let (status, v) = post(
        h,
        "/api/v1/risk-assessments",
        &h.tokens.commander,
        &json!({"client_id": client_id, "matter_type": "land", "track": track,
                "title": "东城片区旧城改造征地拆迁", "description": "涉及 320 户居民房屋征收与安置",
                "people_affected": 1100, "department_id": h.police_id,
                "lat": h.point.1, "lon": h.point.0}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(v["state"], "defining");
    v["id"].as_i64().unwrap()
}

#[tokio::test]
async fn a_matter_goes_through_the_eight_steps_to_a_decision_and_is_reassessed() {
    let h = Hub::new().await;
    let id = register(&h, "wp-full-0001", "full").await;
    ok(&h, id, json!({"action": "advance"})).await;
    refused(&h, id, json!({"action": "advance"}), "评估方案").await;
    ok(&h, id, doc("plan")).await;
    assert_eq!(
        ok(&h, id, json!({"action": "advance"})).await["state"],
        "consulting"
    );
    refused(&h, id, json!({"action": "advance"}), "意见征集").await;
    ok(
        &h,
        id,
        json!({"action": "add_opinion", "method": "hearing", "participants": 45,
               "title": "征收补偿方案听证会", "content": "多数群众支持，对过渡安置费有意见，已采纳提高标准"}),
    )
    .await;
    assert_eq!(
        ok(&h, id, json!({"action": "advance"})).await["state"],
        "analysing"
    );
    ok(&h, id, doc("analysis")).await;
    refused(&h, id, json!({"action": "advance"}), "3 名专家").await;
    let mut experts = Vec::new();
    for (name, field) in [("李明", "法律"), ("王芳", "城乡规划"), ("赵强", "社会学")]
    {
        let (status, e) = post(
            &h,
            "/api/v1/risk-experts",
            &h.tokens.commander,
            &json!({"name": name, "field": field, "unit": "四川文理学院"}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{e}");
        experts.push(e["id"].as_i64().unwrap());
    }
    let (status, _) = act(
        &h,
        id,
        json!({"action": "expert_score", "expert_id": experts[0], "legality": 120,
               "rationality": 70, "feasibility": 70, "controllability": 65}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    for e in &experts {
        ok(
            &h,
            id,
            json!({"action": "expert_score", "expert_id": e, "legality": 85, "rationality": 70,
                   "feasibility": 72, "controllability": 62, "reason": "安置房源需提前落实"}),
        )
        .await;
    }
    let (_, detail) = get(
        &h,
        &format!("/api/v1/risk-assessments/{id}"),
        &h.tokens.commander,
    )
    .await;
    assert_eq!(detail["panel"]["experts"], 3, "{detail}");
    assert_eq!(detail["panel"]["suggested_level"], "medium");
    assert_eq!(detail["panel"]["suggested_label"], "中风险（B级）");
    assert_eq!(
        ok(&h, id, json!({"action": "advance"})).await["state"],
        "leveling"
    );
    refused(&h, id, json!({"action": "advance"}), "风险等级").await;
    let leveled = ok(
        &h,
        id,
        json!({"action": "set_level", "level": "medium", "reason": "专家评审"}),
    )
    .await;
    assert_eq!(leveled["level_label"], "中风险（B级）");
    assert_eq!(
        ok(&h, id, json!({"action": "advance"})).await["state"],
        "reporting"
    );
    refused(&h, id, json!({"action": "advance"}), "评估报告").await;
    ok(&h, id, doc("report")).await;
    ok(&h, id, json!({"action": "file_record"})).await;
    assert_eq!(
        ok(&h, id, json!({"action": "advance"})).await["state"],
        "deciding"
    );
    // The decision: minutes first; a 中 matter is not implemented without a 预案.
    refused(
        &h,
        id,
        json!({"action": "decide", "decision": "implement", "reason": "常委会"}),
        "会议纪要",
    )
    .await;
    ok(&h, id, doc("minutes")).await;
    refused(
        &h,
        id,
        json!({"action": "decide", "decision": "implement", "reason": "常委会"}),
        "预案",
    )
    .await;
    ok(&h, id, doc("contingency")).await;
    let decided = ok(
        &h,
        id,
        json!({"action": "decide", "decision": "implement", "reason": "区委常委会研究同意实施"}),
    )
    .await;
    assert_eq!(decided["state"], "tracking");
    assert_eq!(decided["decision_label"], "实施");
    assert!(decided["filed_at"].is_string());
    // Tracking: a measure past its day shows overdue until done; an incident reported.
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).date_naive();
    ok(
        &h,
        id,
        json!({"action": "add_measure", "content": "提前落实过渡安置房源", "owner": "区住建局",
               "due_on": yesterday}),
    )
    .await;
    let (_, detail) = get(
        &h,
        &format!("/api/v1/risk-assessments/{id}"),
        &h.tokens.commander,
    )
    .await;
    assert_eq!(detail["measures"][0]["overdue"], true, "{detail}");
    let measure = detail["measures"][0]["id"].clone();
    ok(
        &h,
        id,
        json!({"action": "complete_measure", "measure_id": measure}),
    )
    .await;
    ok(
        &h,
        id,
        json!({"action": "report_incident", "reason": "3 户群众到区政府反映补偿标准"}),
    )
    .await;
    // Conditions changed: re-assessed from the consultation, the level and decision cleared.
    let again = ok(
        &h,
        id,
        json!({"action": "reassess", "reason": "补偿政策调整"}),
    )
    .await;
    assert_eq!(again["state"], "consulting");
    assert_eq!(again["reassessments"], 1);
    assert!(again["level"].is_null() && again["decision"].is_null());
    // Another township's hub sees nothing of it; the register counts it.
    let other = h.t.app.cases().risk_detail(&h.other_operator, id).await;
    assert!(matches!(other, Err(pingan_app::AppError::NotFound(_))));
    let (status, reg) = get(&h, "/api/v1/stats/risk-assessments", &h.tokens.commander).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reg["total"], 1, "{reg}");
}

#[tokio::test]
async fn the_simple_track_goes_from_the_plan_to_the_level_and_low_risk_may_be_implemented() {
    let h = Hub::new().await;
    let id = register(&h, "wp-simple-01", "simple").await;
    ok(&h, id, json!({"action": "advance"})).await;
    ok(&h, id, doc("plan")).await;
    assert_eq!(
        ok(&h, id, json!({"action": "advance"})).await["state"],
        "leveling"
    );
    ok(
        &h,
        id,
        json!({"action": "set_level", "level": "low", "reason": "影响面小"}),
    )
    .await;
    ok(&h, id, json!({"action": "advance"})).await;
    ok(&h, id, doc("report")).await;
    ok(&h, id, json!({"action": "advance"})).await;
    ok(&h, id, doc("minutes")).await;
    let done = ok(
        &h,
        id,
        json!({"action": "decide", "decision": "implement", "reason": "同意"}),
    )
    .await;
    assert_eq!(done["state"], "tracking");
    // The 评估主体 (the police station's handler) works its own matter; the decision is the hub's.
    let req: pingan_app::RiskActionRequest = serde_json::from_value(
        json!({"action": "report_incident", "reason": "施工现场有群众围观"}),
    )
    .unwrap();
    h.t.app
        .cases()
        .act_on_risk(&h.police, id, &req)
        .await
        .unwrap();
    let req: pingan_app::RiskActionRequest =
        serde_json::from_value(json!({"action": "close"})).unwrap();
    assert!(matches!(
        h.t.app.cases().act_on_risk(&h.police, id, &req).await,
        Err(pingan_app::AppError::Forbidden(_))
    ));
    // A grid worker may not register matters.
    let (status, _) = post(
        &h,
        "/api/v1/risk-assessments",
        &h.tokens.worker,
        &json!({"client_id": "wp-simple-02", "matter_type": "policy", "title": "调整",
                "description": "调整收费标准", "department_id": h.police_id}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
