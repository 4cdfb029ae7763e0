//! 政务服务办件: a resident signs in with a code sent by SMS, applies for a service of the
//! catalogue, uploads the materials, is told once what is missing, supplements it, and reads the
//! 办结告知书 once the counter is done; residents see only their own; the district edits the
//! catalogue; and every form refuses what it must.

use crate::disputes::{get, pdf_text, post};
use crate::events::Hub;
use crate::receiver::Receiver;
use pingan_app::{AppConfig, SmsSender};
use reqwest::StatusCode;
use serde_json::{Value, json};

const PHONE: &str = "13912340001";

/// A hub whose texts go to `gateway`.
async fn hub(gateway: &Receiver) -> Hub {
    Hub::with_config(AppConfig {
        sms: SmsSender::Http {
            url: gateway.url.clone(),
        },
        ..AppConfig::default()
    })
    .await
}

/// The code in the last text the gateway took for `phone`.
fn last_code(gateway: &Receiver, phone: &str) -> String {
    let texts = gateway.bodies();
    let text = texts
        .iter()
        .rev()
        .find(|b| b["phone"] == phone)
        .and_then(|b| b["text"].as_str())
        .unwrap()
        .to_owned();
    text.split(|c: char| !c.is_ascii_digit())
        .find(|d| d.len() == 6)
        .unwrap()
        .to_owned()
}

async fn ask_code(h: &Hub, phone: &str) -> StatusCode {
    reqwest::Client::new()
        .post(h.t.url("/api/v1/session/sms-code"))
        .json(&json!({ "phone": phone }))
        .send()
        .await
        .unwrap()
        .status()
}

async fn sign_in(h: &Hub, body: &Value) -> (StatusCode, Value) {
    let res = reqwest::Client::new()
        .post(h.t.url("/api/v1/session/sms"))
        .json(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// The village of the hub's grid: where a resident applies.
fn village(h: &Hub) -> String {
    h.grid[..12].to_owned()
}

fn application(client_id: &str, service: &str, org: &str) -> Value {
    json!({
        "client_id": client_id,
        "service": service,
        "org": org,
        "name": "王秀英",
        "id_number": "511702195203150020",
        "phone": PHONE,
        "note": "本人年满七十岁，申请老年人优待证"
    })
}

async fn act(h: &Hub, token: &str, id: i64, body: Value) -> (StatusCode, Value) {
    post(
        h,
        &format!("/api/v1/applications/{id}/actions"),
        token,
        &body,
    )
    .await
}

async fn upload(h: &Hub, token: &str, id: i64) -> StatusCode {
    let part = reqwest::multipart::Part::bytes(crate::events::PNG.to_vec()).file_name("身份证.png");
    reqwest::Client::new()
        .post(h.t.url(&format!("/api/v1/applications/{id}/photos")))
        .bearer_auth(token)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn a_resident_signs_in_by_sms_applies_supplements_once_and_reads_the_result() {
    let gateway = Receiver::start(vec![]).await;
    let h = hub(&gateway).await;
    // The catalogue is the public 办事指南.
    let res = reqwest::Client::new()
        .get(h.t.url("/api/v1/services"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let services: Value = res.json().await.unwrap();
    assert!(services.as_array().unwrap().len() > 40);
    let fw09 = services
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == "FW09")
        .unwrap();
    assert_eq!(fw09["name"], "老年人优待证办理");
    assert!(fw09["materials"].as_array().unwrap().len() >= 2);

    // Sign-in by SMS code: one code a minute, a wrong one refused, the right one once.
    assert_eq!(ask_code(&h, PHONE).await, StatusCode::NO_CONTENT);
    assert_eq!(ask_code(&h, PHONE).await, StatusCode::TOO_MANY_REQUESTS);
    let code = last_code(&gateway, PHONE);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (status, _) = sign_in(&h, &json!({"phone": PHONE, "code": wrong})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let first = json!({"phone": PHONE, "code": code, "name": "王秀英", "org": village(&h)});
    let (status, session) = sign_in(&h, &first).await;
    assert_eq!(status, StatusCode::CREATED, "{session}");
    assert_eq!(session["user"]["role"], "citizen");
    assert_eq!(session["user"]["org_code"], village(&h));
    let resident = session["token"].as_str().unwrap().to_owned();
    let (status, _) = sign_in(&h, &first).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a code signs in once");

    // Applying.
    let body = application("bj-life-0001", "FW09", &village(&h));
    let (status, made) = post(&h, "/api/v1/applications", &resident, &body).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert!(made["number"].as_str().unwrap().starts_with("BJ"));
    assert_eq!(made["state"], "submitted");
    assert_eq!(made["channel"], "online");
    assert_eq!(made["title"], "老年人优待证办理（王**）");
    let id = made["id"].as_i64().unwrap();
    let (status, again) = post(&h, "/api/v1/applications", &resident, &body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (again["id"].as_i64(), again["created"].as_bool()),
        (Some(id), Some(false))
    );
    assert_eq!(upload(&h, &resident, id).await, StatusCode::CREATED);

    // The counter's queue: the township's operator sees it, the applicant masked.
    let ops = &h.tokens.operator;
    let (status, queue) = get(&h, "/api/v1/applications?open=true", ops).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        queue["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["id"] == id)
    );
    let (_, seen) = get(&h, &format!("/api/v1/applications/{id}"), ops).await;
    assert_eq!(seen["applicant"]["name"], "王**");
    assert_ne!(seen["applicant"]["id_number"], "511702195203150020");
    assert_eq!(seen["materials"].as_array().unwrap().len(), 1);
    assert!(seen["deadline"].is_string());
    let actions: Vec<&str> = seen["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"accept") && actions.contains(&"notify"),
        "{actions:?}"
    );

    // 一次性告知: everything missing in one message.
    let (status, told) = act(
        &h,
        ops,
        id,
        json!({"action": "notify",
        "missing_materials": ["居民户口簿", "近期免冠一寸照片"], "reason": "照片须为白底"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{told}");
    assert_eq!(told["state"], "supplement");
    let missing = told["missing"].as_str().unwrap();
    assert!(
        missing.contains("居民户口簿")
            && missing.contains("近期免冠一寸照片")
            && missing.contains("白底")
    );
    // …texted to the applicant, and on their own page; they add it and send it again.
    let texted = gateway.bodies().last().unwrap().clone();
    assert_eq!(texted["phone"], PHONE);
    let text = texted["text"].as_str().unwrap();
    assert!(
        text.contains("需补正") && text.contains("居民户口簿"),
        "{text}"
    );
    let (_, mine) = get(&h, &format!("/api/v1/applications/{id}"), &resident).await;
    assert_eq!(mine["missing"], told["missing"]);
    assert_eq!(mine["stage"], "材料需要补正，请按告知内容补齐后重新提交");
    assert_eq!(upload(&h, &resident, id).await, StatusCode::CREATED);
    let (status, back) = act(&h, &resident, id, json!({"action": "resubmit"})).await;
    assert_eq!(
        (status, back["state"].as_str()),
        (StatusCode::OK, Some("submitted"))
    );
    // Only the counter accepts.
    let (status, _) = act(&h, &resident, id, json!({"action": "accept"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, accepted) = act(&h, ops, id, json!({"action": "accept"})).await;
    assert_eq!(
        (status, accepted["state"].as_str()),
        (StatusCode::OK, Some("processing"))
    );
    assert!(accepted["missing"].is_null());
    // Once accepted, the applicant adds no more materials; the counter still may.
    assert_eq!(upload(&h, &resident, id).await, StatusCode::FORBIDDEN);
    assert_eq!(upload(&h, ops, id).await, StatusCode::CREATED);
    // Withdrawn only before acceptance.
    let (status, _) = act(&h, &resident, id, json!({"action": "withdraw"})).await;
    assert_eq!(status, StatusCode::CONFLICT);

    let pdf_url = h.t.url(&format!("/api/v1/applications/{id}/result.pdf"));
    let early = reqwest::Client::new()
        .get(&pdf_url)
        .bearer_auth(&resident)
        .send()
        .await
        .unwrap();
    assert_eq!(early.status(), StatusCode::CONFLICT);
    let (status, done) = act(
        &h,
        ops,
        id,
        json!({"action": "complete",
        "reason": "老年人优待证已制作完成，请持身份证到社区便民服务站领取"}),
    )
    .await;
    assert_eq!(
        (status, done["state"].as_str()),
        (StatusCode::OK, Some("done")),
        "{done}"
    );
    let texted = gateway.bodies().last().unwrap().clone();
    assert!(
        texted["text"]
            .as_str()
            .unwrap()
            .contains("已办结：老年人优待证已制作完成")
    );
    let res = reqwest::Client::new()
        .get(&pdf_url)
        .bearer_auth(&resident)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let bytes = res.bytes().await.unwrap();
    if let Some((text, pages)) = pdf_text(&bytes) {
        assert_eq!(pages, 1);
        for want in [
            "政务服务事项办结告知书",
            "王秀英",
            "老年人优待证办理",
            "持身份证",
        ] {
            assert!(text.contains(want), "{want} not in {text}");
        }
    }
    let (status, rated) = act(
        &h,
        &resident,
        id,
        json!({"action": "evaluate", "rating": "satisfied"}),
    )
    .await;
    assert_eq!(
        (status, rated["state"].as_str()),
        (StatusCode::OK, Some("evaluated"))
    );
    assert_eq!(rated["rating"], "satisfied");

    // Signing in again is the same account.
    assert_eq!(ask_code(&h, PHONE).await, StatusCode::NO_CONTENT);
    let (status, again) = sign_in(
        &h,
        &json!({"phone": PHONE, "code": last_code(&gateway, PHONE)}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(again["user"]["username"], session["user"]["username"]);
}

#[tokio::test]
async fn residents_see_only_their_own_applications_and_every_form_refuses_what_it_must() {
    let gateway = Receiver::start(vec![]).await;
    let h = hub(&gateway).await;
    let a = h.citizen("jm-resident-a").await;
    let b = h.citizen("jm-resident-b").await;
    let intake = |client_id: &str, service: &str, org: &str| -> pingan_app::ApplicationIntake {
        serde_json::from_value(application(client_id, service, org)).unwrap()
    };
    let made =
        h.t.app
            .cases()
            .apply_for_service(&a, &intake("bj-own-0001", "FW03", &village(&h)))
            .await
            .unwrap();
    let id = made.application.id;
    let cases = h.t.app.cases();
    // Another resident, and the counter of another township, see nothing of it.
    assert!(matches!(
        cases.application_detail(&b, id).await,
        Err(pingan_app::AppError::NotFound(_))
    ));
    let theirs = cases
        .applications(&b, &pingan_app::ApplicationListQuery::default())
        .await
        .unwrap();
    assert!(theirs.items.is_empty());
    let mine = cases
        .applications(&a, &pingan_app::ApplicationListQuery::default())
        .await
        .unwrap();
    assert_eq!(mine.items.len(), 1);
    assert!(
        cases
            .application_detail(&h.other_operator, id)
            .await
            .is_err()
    );
    let withdraw: pingan_app::ApplicationActionRequest =
        serde_json::from_value(json!({"action": "withdraw"})).unwrap();
    assert!(cases.act_on_application(&b, id, &withdraw).await.is_err());
    assert!(cases.act_on_application(&a, id, &withdraw).await.is_ok());

    // At the counter: the operator enters it for a resident who came in, and works it for them.
    let at_counter = intake("bj-counter-0001", "FW08", &village(&h));
    let entered = cases
        .apply_for_service(&h.operator, &at_counter)
        .await
        .unwrap();
    assert_eq!(entered.application.channel, "counter");
    let again = cases
        .apply_for_service(&h.operator, &at_counter)
        .await
        .unwrap();
    assert_eq!(
        (again.application.id, again.created),
        (entered.application.id, false)
    );
    let step = |action: &str| -> pingan_app::ApplicationActionRequest {
        serde_json::from_value(json!({"action": action, "reason": "缺户口簿"})).unwrap()
    };
    let counter_id = entered.application.id;
    cases
        .act_on_application(&h.operator, counter_id, &step("notify"))
        .await
        .unwrap();
    let back = cases
        .act_on_application(&h.operator, counter_id, &step("resubmit"))
        .await
        .unwrap();
    assert_eq!(back.state, "submitted");
    // A resident applies at any station of the district (全区通办); a counter only at its own.
    let other_village =
        h.t.app
            .cases()
            .service_stations()
            .await
            .unwrap()
            .into_iter()
            .map(|(code, _)| code)
            .find(|c| c.len() == 12 && c.starts_with(crate::events::OTHER_TOWNSHIP))
            .unwrap();
    let elsewhere = cases
        .apply_for_service(&a, &intake("bj-elsewhere-0001", "FW08", &other_village))
        .await
        .unwrap();
    assert!(
        cases
            .application_detail(&h.other_operator, elsewhere.application.id)
            .await
            .is_ok()
    );
    assert!(matches!(
        cases
            .apply_for_service(
                &h.operator,
                &intake("bj-elsewhere-0002", "FW08", &other_village)
            )
            .await,
        Err(pingan_app::AppError::Forbidden(_))
    ));
    // An old person without a phone is served at the counter; online the phone is required.
    let mut no_phone = intake("bj-counter-0002", "FW08", &village(&h));
    no_phone.phone = None;
    assert!(
        cases
            .apply_for_service(&h.operator, &no_phone)
            .await
            .is_ok()
    );
    // …and no resident sees it as theirs.
    assert!(cases.application_detail(&a, counter_id).await.is_err());

    // Refusals of the application form.
    let refused = |body: pingan_app::ApplicationIntake, who: &'static str| {
        let a = a.clone();
        let h = &h;
        async move {
            let got = h.t.app.cases().apply_for_service(&a, &body).await;
            assert!(
                matches!(got, Err(pingan_app::AppError::Invalid(_))),
                "{who}: {got:?}"
            );
        }
    };
    refused(
        intake("bj-bad-0001", "FW99", &village(&h)),
        "unknown service",
    )
    .await;
    refused(
        intake("bj-bad-0002", "FW03", "511702"),
        "the district is no station",
    )
    .await;
    refused(
        intake("bj-bad-0003", "FW03", "511702999999"),
        "no such village",
    )
    .await;
    refused(intake("bad id", "FW03", &village(&h)), "client id").await;
    let mut no_phone = intake("bj-bad-0004", "FW03", &village(&h));
    no_phone.phone = None;
    refused(no_phone, "phone").await;
    let mut long_note = intake("bj-bad-0005", "FW03", &village(&h));
    long_note.note = "很".repeat(501);
    refused(long_note, "note").await;
    let mut bad_id = intake("bj-bad-0006", "FW03", &village(&h));
    bad_id.id_number = Some("511702195203150025".into());
    refused(bad_id, "ID number").await;
    // A grid worker does not apply.
    assert!(matches!(
        cases
            .apply_for_service(&h.worker, &intake("bj-bad-0007", "FW03", &village(&h)))
            .await,
        Err(pingan_app::AppError::Forbidden(_))
    ));

    // The district edits the catalogue; an operator may not.
    let edit = json!({"unit": "区公安分局户政科", "limit_days": 2, "online_once": true,
        "materials": "居民身份证\n居民户口簿\n用途说明", "active": true});
    let (status, _) = reqwest_put(&h, "/api/v1/services/FW03", &h.tokens.operator, &edit).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut zero = edit.clone();
    zero["limit_days"] = json!(0);
    let (status, e) = reqwest_put(&h, "/api/v1/services/FW03", &h.tokens.commander, &zero).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(e["detail"].as_str().unwrap().contains("limit_days"), "{e}");
    let (status, changed) =
        reqwest_put(&h, "/api/v1/services/FW03", &h.tokens.commander, &edit).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(
        (
            changed["limit_days"].as_i64(),
            changed["customized"].as_bool()
        ),
        (Some(2), Some(true))
    );
    assert_eq!(changed["materials"].as_array().unwrap().len(), 3);
    // A restart brings the shipped list in again, and leaves the district's change alone.
    let restarted = h.t.another_instance().await;
    let listed = restarted.app.cases().service_items(false).await.unwrap();
    let fw03 = listed.iter().find(|s| s.code == "FW03").unwrap();
    assert_eq!(
        (fw03.limit_days, fw03.unit.as_str()),
        (2, "区公安分局户政科")
    );
    let mut off = edit.clone();
    off["active"] = json!(false);
    let (status, _) = reqwest_put(&h, "/api/v1/services/FW03", &h.tokens.commander, &off).await;
    assert_eq!(status, StatusCode::OK);
    refused(intake("bj-bad-0008", "FW03", &village(&h)), "off the list").await;

    // Sign-in refusals: not a mobile number, a malformed code, five wrong tries spend a code.
    assert_eq!(ask_code(&h, "0818-2123456").await, StatusCode::BAD_REQUEST);
    let (status, _) = sign_in(&h, &json!({"phone": PHONE, "code": "12ab"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(ask_code(&h, PHONE).await, StatusCode::NO_CONTENT);
    let code = last_code(&gateway, PHONE);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    // A phone with no code waiting has nothing to guess.
    let (status, e) = sign_in(&h, &json!({"phone": "13912349999", "code": wrong})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(e["detail"].as_str().unwrap().contains("重新获取"), "{e}");
    for _ in 0..5 {
        let (status, _) = sign_in(&h, &json!({"phone": PHONE, "code": wrong})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
    // Five wrong guesses lock the address, the right code included.
    let (status, _) = sign_in(&h, &json!({"phone": PHONE, "code": code})).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

async fn reqwest_put(h: &Hub, path: &str, token: &str, body: &Value) -> (StatusCode, Value) {
    let res = reqwest::Client::new()
        .put(h.t.url(path))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}
