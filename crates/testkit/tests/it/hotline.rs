//! 12345 热线工单: orders taken in as events (once per 工单编号), the reports back — 受理, 办结,
//! 回访 — sent signed to the hotline, a failed one kept for its next try, and the refusals.

use crate::events::{Hub, actor};
use crate::receiver::Receiver as Hotline;
use pingan_app::{ActionRequest, Actor, HotlineConfig};
use serde_json::{Value, json};

const SECRET: &str = "shared-with-12345";

/// A hub that reports to `hotline`, and the token of the hotline's account (a district operator).
async fn hub(hotline: &Hotline) -> (Hub, String) {
    let config = pingan_app::AppConfig {
        hotline: Some(HotlineConfig {
            callback_url: hotline.url.clone(),
            secret: Some(SECRET.into()),
        }),
        ..Default::default()
    };
    let h = Hub::with_config(config).await;
    let account = pingan_app::NewAccount {
        username: "hotline-12345".into(),
        display_name: "12345 热线对接".into(),
        org: "511702".into(),
        role: "operator".into(),
        password: "Hotline#2026x".into(),
        ..pingan_app::NewAccount::default()
    };
    h.t.app
        .access()
        .add_user(&Actor::cli(), &account)
        .await
        .unwrap();
    let (_, token) = actor(&h.t, "hotline-12345", "Hotline#2026x").await;
    (h, token)
}

async fn post_order(h: &Hub, token: &str, order: Value) -> (reqwest::StatusCode, Value) {
    let res = reqwest::Client::new()
        .post(h.t.url("/api/v1/hotline/orders"))
        .bearer_auth(token)
        .json(&order)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap())
}

fn order(h: &Hub, no: &str) -> Value {
    json!({"order_no": no, "category": "民生诉求", "content": "小区北门路灯坏了一周，晚上出行不便",
           "address": "朝阳东路 12 号", "grid_code": h.grid, "caller_name": "李四",
           "caller_phone": "13900001111"})
}

#[tokio::test]
async fn an_order_becomes_an_event_once_and_the_hotline_hears_of_its_receipt_conclusion_and_rating()
{
    let hotline = Hotline::start(vec![500]).await;
    let (h, token) = hub(&hotline).await;
    let client = reqwest::Client::new();

    let (status, taken) = post_order(&h, &token, order(&h, "GD20261207-0001")).await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{taken}");
    assert_eq!(taken["event"]["channel"], "hotline_12345");
    assert_eq!(taken["event"]["category_code"], "ZZ08");
    let id = taken["event"]["id"].as_i64().unwrap();
    let number = taken["event"]["number"].as_str().unwrap().to_owned();
    let (status, again) = post_order(&h, &token, order(&h, "GD20261207-0001")).await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert_eq!(
        (again["event"]["id"].as_i64(), again["created"].as_bool()),
        (Some(id), Some(false))
    );

    // The hub sees the caller masked, with the order's number.
    let detail = h.t.app.cases().event_detail(&h.operator, id).await.unwrap();
    let caller = detail.reporter_contact.unwrap();
    assert!(
        caller.contains("12345 工单 GD20261207-0001") && caller.contains("李*"),
        "{caller}"
    );
    assert!(!caller.contains("13900001111"), "{caller}");

    // The first try fails (the hotline answers 500): kept for a later try, not sent twice now.
    assert_eq!(
        h.t.app.hotline().send_due_reports(&client).await.unwrap(),
        0
    );
    let view =
        h.t.app
            .hotline()
            .order(&h.commander, "GD20261207-0001")
            .await
            .unwrap();
    assert_eq!(view.reports.len(), 1);
    assert_eq!(
        (view.reports[0].status.as_str(), view.reports[0].attempts),
        ("waiting", 1)
    );
    assert!(
        view.reports[0]
            .last_error
            .as_deref()
            .unwrap()
            .contains("500")
    );
    assert_eq!(
        h.t.app.hotline().send_due_reports(&client).await.unwrap(),
        0
    );
    assert_eq!(hotline.bodies().len(), 1, "the next try waits its minute");

    // Worked to the end and rated: 办结 with the department's answer, then 回访.
    h.act(&h.operator, id, "accept").await.unwrap();
    h.act(&h.operator, id, "register").await.unwrap();
    h.dispatch(id, h.police_id).await.unwrap();
    h.act(&h.police, id, "sign").await.unwrap();
    h.with_reason(
        &h.police,
        id,
        "feedback",
        "已联系物业更换路灯，当晚恢复照明",
    )
    .await
    .unwrap();
    h.act(&h.operator, id, "verify").await.unwrap();
    h.act_with(
        &h.operator,
        id,
        ActionRequest {
            action: "evaluate".into(),
            rating: Some("satisfied".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        h.t.app.hotline().send_due_reports(&client).await.unwrap(),
        2
    );
    let bodies = hotline.bodies();
    let kinds: Vec<&str> = bodies
        .iter()
        .map(|b| b["report"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["received", "concluded", "visited"]);
    assert_eq!(bodies[0]["event_number"], number.as_str());
    assert_eq!(bodies[1]["order_no"], "GD20261207-0001");
    assert_eq!(bodies[1]["state_label"], "已结案");
    assert_eq!(bodies[1]["result"], "已联系物业更换路灯，当晚恢复照明");
    assert_eq!(
        (
            bodies[2]["rating"].as_str(),
            bodies[2]["rating_label"].as_str()
        ),
        (Some("satisfied"), Some("满意"))
    );
    // Each is signed: HMAC-SM3 under SM3(secret) of "timestamp\nbody".
    for (head, body) in hotline.got.lock().unwrap().iter() {
        let header = |name: &str| {
            head.lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .starts_with(name)
                        .then(|| l[name.len()..].trim().to_owned())
                })
                .unwrap()
        };
        let ts = header("x-pingan-timestamp:");
        let expected = pingan_crypto::hmac_sm3_hex(
            &pingan_crypto::sm3_digest(SECRET.as_bytes()),
            format!("{ts}\n{body}").as_bytes(),
        );
        assert_eq!(header("x-pingan-signature:"), expected);
    }
    let view =
        h.t.app
            .hotline()
            .order(&h.commander, "GD20261207-0001")
            .await
            .unwrap();
    let statuses: Vec<(&str, &str)> = view
        .reports
        .iter()
        .map(|r| (r.kind.as_str(), r.status.as_str()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("received", "waiting"),
            ("concluded", "sent"),
            ("visited", "sent")
        ]
    );

    // Another township's operator may not look the order up.
    let refused =
        h.t.app
            .hotline()
            .order(&h.other_operator, "GD20261207-0001")
            .await;
    assert!(matches!(refused, Err(pingan_app::AppError::NotFound(_))));
}

#[tokio::test]
async fn orders_are_refused_with_a_reason_and_taken_from_a_sheet() {
    let hotline = Hotline::start(Vec::new()).await;
    let (h, token) = hub(&hotline).await;
    let with = |k: &str, v: Value| {
        let mut o = order(&h, "GD20261207-0100");
        o[k] = v;
        o
    };
    for (body, expected) in [
        (with("order_no", json!("12 34")), "工单编号"),
        (with("category", json!("不存在的类别")), "事件类别"),
        (with("content", json!("")), "诉求内容"),
        (with("caller_phone", json!("call me")), "来电号码"),
        (with("grid_code", Value::Null), "grid_code"),
    ] {
        let (status, e) = post_order(&h, &token, body).await;
        assert_eq!(status, reqwest::StatusCode::BAD_REQUEST, "{e}");
        assert!(e["detail"].as_str().unwrap().contains(expected), "{e}");
    }
    let (status, _) = post_order(&h, &token, order(&h, "GD20261207-0101")).await;
    assert_eq!(status, reqwest::StatusCode::CREATED);
    // Another account cannot reach that order through its number.
    let (status, e) = post_order(&h, &h.tokens.worker, order(&h, "GD20261207-0101")).await;
    assert_eq!(status, reqwest::StatusCode::CONFLICT);
    assert!(
        e["detail"].as_str().unwrap().contains("已由其他账号转入"),
        "{e}"
    );
    assert!(!e.to_string().contains("SJ"), "nothing of the event: {e}");
    let res = reqwest::Client::new()
        .get(h.t.url("/api/v1/hotline/orders/GD-NO-SUCH-ORDER"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::NOT_FOUND);
    let e: Value = res.json().await.unwrap();
    assert!(e["detail"].as_str().unwrap().contains("没有工单"), "{e}");

    let columns: Vec<pingan_app::sheet::Column> = [
        "工单编号",
        "事件类别",
        "标题",
        "诉求内容",
        "地址",
        "所属网格",
        "来电人",
        "来电号码",
    ]
    .into_iter()
    .map(|c| pingan_app::sheet::Column::new(c, 12.0).text())
    .collect();
    let row = |no: &str, content: &str| -> Vec<String> {
        [
            no,
            "ZZ08",
            "",
            content,
            "朝阳东路 3 号",
            h.grid.as_str(),
            "王五",
            "13800000000",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect()
    };
    let sheet = pingan_app::sheet::write_sheet(
        "工单",
        &columns,
        &[
            row("GD20261207-0201", "井盖缺失"),
            row("GD20261207-0101", "已经受理过的工单"),
            row("bad no", "编号不对"),
        ],
        None,
    )
    .unwrap();
    let res = reqwest::Client::new()
        .post(h.t.url("/api/v1/hotline/orders/import"))
        .bearer_auth(&token)
        .body(sheet)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::OK);
    let report: Value = res.json().await.unwrap();
    assert_eq!(
        (report["created"].as_i64(), report["existing"].as_i64()),
        (Some(1), Some(1)),
        "{report}"
    );
    assert_eq!(report["rejected"][0]["row"], 4);
}
