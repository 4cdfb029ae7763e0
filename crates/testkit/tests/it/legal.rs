//! 公共法律服务: "一村一法律顾问" — each village gets its adviser from the lawyers' directory, one at a
//! time, within the lawyer's service area and the assigner's; the coverage names each township's
//! gaps — and consultations recorded once per client id, counted by township, channel and topic,
//! the asker masked; departments and grid workers are refused.

use crate::disputes::{get, post};
use crate::events::{Hub, OTHER_TOWNSHIP, TOWNSHIP, actor};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn lawyer(h: &Hub, name: &str, licence: &str, org: &str) -> i64 {
    let (status, l) = post(
        h,
        "/api/v1/lawyers",
        &h.tokens.commander,
        &json!({"name": name, "firm": "四川达通律师事务所", "licence_number": licence,
                "org_code": org, "legal_adviser": true}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{l}");
    l["id"].as_i64().unwrap()
}

fn township<'a>(view: &'a Value, code: &str) -> &'a Value {
    view["townships"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == code)
        .unwrap_or_else(|| panic!("{code} in {view}"))
}

async fn delete(h: &Hub, path: &str, token: &str) -> StatusCode {
    reqwest::Client::new()
        .delete(h.t.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn each_village_gets_its_adviser_and_the_gaps_are_named() {
    let h = Hub::new().await;
    let district_lawyer = lawyer(&h, "陈明", "15117201810123456", "511702").await;
    let elsewhere = lawyer(&h, "刘芳", "15117201910234567", OTHER_TOWNSHIP).await;
    let second = lawyer(&h, "黄伟", "15117202010567890", "511702").await;
    let path = format!("/api/v1/legal-advisers?org={TOWNSHIP}");
    let (status, before) = get(&h, &path, &h.tokens.commander).await;
    assert_eq!(status, StatusCode::OK, "{before}");
    let villages = before["villages"].as_i64().unwrap();
    assert!(villages > 1, "{before}");
    assert_eq!(before["covered"], 0);
    assert_eq!(
        township(&before, TOWNSHIP)["gaps"]
            .as_array()
            .unwrap()
            .len() as i64,
        villages
    );

    let village = &h.grid[..12];
    let assign = |village: &str, lawyer: i64| json!({"village": village, "lawyer_id": lawyer});
    let (status, after) = post(
        &h,
        "/api/v1/legal-advisers",
        &h.tokens.commander,
        &assign(village, district_lawyer),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{after}");
    let t = township(&after, TOWNSHIP);
    assert_eq!(t["covered"], 1);
    assert!(
        !t["gaps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["code"] == village),
        "{t}"
    );
    assert_eq!(after["advisers"][0]["lawyer_name"], "陈明");

    // A lawyer serving another township may not advise this village; a township code is no
    // village; the township's hub assigns its own villages and no others.
    let (status, problem) = post(
        &h,
        "/api/v1/legal-advisers",
        &h.tokens.commander,
        &assign(village, elsewhere),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    let (status, _) = post(
        &h,
        "/api/v1/legal-advisers",
        &h.tokens.commander,
        &assign(TOWNSHIP, district_lawyer),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let other_village = format!("{OTHER_TOWNSHIP}001");
    let (status, _) = post(
        &h,
        "/api/v1/legal-advisers",
        &h.tokens.operator,
        &assign(&other_village, district_lawyer),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Another lawyer takes the village over: one adviser at a time.
    let (status, swapped) = post(
        &h,
        "/api/v1/legal-advisers",
        &h.tokens.operator,
        &assign(village, second),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{swapped}");
    let here: Vec<&Value> = swapped["advisers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["village"] == village)
        .collect();
    assert_eq!(here.len(), 1);
    assert_eq!(here[0]["lawyer_name"], "黄伟");

    // The adviser leaves: the village is a gap again.
    let end = format!("/api/v1/legal-advisers/{village}");
    assert_eq!(
        delete(&h, &end, &h.tokens.operator).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        delete(&h, &end, &h.tokens.operator).await,
        StatusCode::NOT_FOUND
    );
    let (_, gone) = get(&h, &path, &h.tokens.commander).await;
    assert_eq!(gone["covered"], 0);

    // A township leader sees the coverage and may not assign; a department sees nothing.
    let (_, leader) = actor(&h.t, &format!("ld{TOWNSHIP}"), &h.password).await;
    let (status, _) = get(&h, "/api/v1/legal-advisers", &leader).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = post(
        &h,
        "/api/v1/legal-advisers",
        &leader,
        &assign(village, district_lawyer),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = get(&h, "/api/v1/legal-advisers", &h.tokens.court).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn consultations_are_recorded_once_and_counted() {
    let h = Hub::new().await;
    let adviser = lawyer(&h, "陈明", "15117201810123456", "511702").await;
    let body = json!({
        "client_id": "zx-consult-0001",
        "lawyer_id": adviser,
        "channel": "来访",
        "topic": "婚姻家庭",
        "asker": "王秀英",
        "question": "丈夫长期外出打工不回家，想离婚，孩子抚养权怎么判？",
        "answer": "可先协议离婚；协议不成可起诉，抚养权以有利于子女成长为原则，建议先到村调委会调解。",
        "minutes": 30,
        "notary": true
    });
    let (status, first) = post(&h, "/api/v1/legal-consultations", &h.tokens.operator, &body).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(first["asker"], "王**");
    assert_eq!(first["org_code"], TOWNSHIP);
    let (status, again) = post(&h, "/api/v1/legal-consultations", &h.tokens.operator, &body).await;
    assert_eq!(status, StatusCode::OK, "sent again: recorded once");
    assert_eq!(again["id"], first["id"]);

    let mut district = body.clone();
    district["client_id"] = json!("zx-consult-0002");
    district["channel"] = json!("phone");
    district["topic"] = json!("labour");
    district["notary"] = json!(false);
    district["minutes"] = json!(15);
    let (status, _) = post(
        &h,
        "/api/v1/legal-consultations",
        &h.tokens.commander,
        &district,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);

    // Refusals: each missing field named; a grid worker and a department may not record.
    let mut bad = body.clone();
    bad["client_id"] = json!("zx-consult-0003");
    bad["question"] = json!("");
    bad["minutes"] = json!(0);
    let (status, problem) = post(&h, "/api/v1/legal-consultations", &h.tokens.operator, &bad).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let text = problem.to_string();
    assert!(
        text.contains("question") && text.contains("minutes"),
        "{text}"
    );
    let mut later = body.clone();
    later["client_id"] = json!("zx-consult-0004");
    later["consulted_at"] = json!("2099-01-01T00:00:00Z");
    let (status, _) = post(
        &h,
        "/api/v1/legal-consultations",
        &h.tokens.operator,
        &later,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    for token in [&h.tokens.worker, &h.tokens.court] {
        let (status, _) = post(&h, "/api/v1/legal-consultations", token, &body).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }

    // The counts: the township's own, the district's over both.
    let (status, mine) = get(&h, "/api/v1/legal-consultations", &h.tokens.operator).await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    assert_eq!(
        (&mine["total"], &mine["minutes"], &mine["notary"]),
        (&json!(1), &json!(30), &json!(1))
    );
    assert_eq!(mine["by_topic"][0]["label"], "婚姻家庭");
    assert_eq!(mine["items"][0]["lawyer_name"], "陈明");
    let (_, all) = get(&h, "/api/v1/legal-consultations", &h.tokens.commander).await;
    assert_eq!(all["total"], 2, "{all}");
    let townships: Vec<&str> = all["by_township"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["key"].as_str().unwrap())
        .collect();
    assert_eq!(townships, vec!["511702", TOWNSHIP]);
    let channels: Vec<&str> = all["by_channel"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["label"].as_str().unwrap())
        .collect();
    assert_eq!(channels, vec!["电话", "来访"]);
    let theirs =
        h.t.app
            .legal()
            .consultations(&h.other_operator, &Default::default())
            .await
            .unwrap();
    assert_eq!(theirs.total, 0);
    assert!(!all.to_string().contains("王秀英"), "the asker is masked");
}

#[tokio::test]
async fn outreach_activities_are_recorded_with_photos_and_counted_by_team_and_township() {
    let h = Hub::new().await;
    let (status, team) = post(
        &h,
        "/api/v1/outreach-teams",
        &h.tokens.commander,
        &json!({"name": "“通川有礼”法治服务第一小分队", "lead_unit": "区委政法委", "officers": 59}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{team}");
    let (status, _) = post(
        &h,
        "/api/v1/outreach-teams",
        &h.tokens.commander,
        &json!({"name": "“通川有礼”法治服务第一小分队", "lead_unit": "区法院", "officers": 58}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "the same name twice");
    let team = team["id"].as_i64().unwrap();
    let village = &h.grid[..12];
    let body = json!({
        "client_id": "outreach-test-0001",
        "kind": "法治赶场日",
        "team_id": team,
        "org": village,
        "place": "北山镇赶场点",
        "officers": 12,
        "people_reached": 600,
        "materials": 800,
        "questions": 35,
        "summary": "宣讲反电诈和婚姻家庭法律知识"
    });
    // The township's hub records it (the district's team serves every township).
    let (status, made) = post(&h, "/api/v1/outreach-activities", &h.tokens.operator, &body).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(made["team_name"], "“通川有礼”法治服务第一小分队");
    let (status, again) = post(&h, "/api/v1/outreach-activities", &h.tokens.operator, &body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["id"], made["id"]);
    let id = made["id"].as_i64().unwrap();

    // Photos: a real PNG is kept and served; a text file passed off as one is refused.
    let png = {
        let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        b.extend_from_slice(b"outreach photo");
        b
    };
    let upload = |bytes: Vec<u8>, name: &str| {
        reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        )
    };
    let res = reqwest::Client::new()
        .post(h.t.url(&format!("/api/v1/outreach-activities/{id}/photos")))
        .bearer_auth(&h.tokens.operator)
        .multipart(upload(png.clone(), "现场.png"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let with_photo: Value = res.json().await.unwrap();
    let photo = with_photo["photos"][0].as_str().unwrap().to_owned();
    let res = reqwest::Client::new()
        .post(h.t.url(&format!("/api/v1/outreach-activities/{id}/photos")))
        .bearer_auth(&h.tokens.operator)
        .multipart(upload(b"<svg onload=alert(1)>".to_vec(), "fake.png"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = reqwest::Client::new()
        .get(h.t.url(&photo))
        .bearer_auth(&h.tokens.commander)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.bytes().await.unwrap().to_vec(), png);
    let other = h.other_operator.clone();
    let refused =
        h.t.app
            .legal()
            .outreach_photo(&other, id, 1)
            .await
            .unwrap_err();
    assert!(
        matches!(refused, pingan_app::AppError::NotFound(_)),
        "another township's hub: {refused:?}"
    );

    // Refusals: each wrong field named; an unknown team; another township's village.
    let mut bad = body.clone();
    bad["client_id"] = json!("outreach-test-0002");
    bad["officers"] = json!(0);
    bad["place"] = json!("镇");
    let (status, problem) = post(&h, "/api/v1/outreach-activities", &h.tokens.operator, &bad).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        problem.to_string().contains("officers") && problem.to_string().contains("place"),
        "{problem}"
    );
    let mut unknown = body.clone();
    unknown["client_id"] = json!("outreach-test-0003");
    unknown["team_id"] = json!(9999);
    let (status, _) = post(
        &h,
        "/api/v1/outreach-activities",
        &h.tokens.operator,
        &unknown,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let mut elsewhere = body.clone();
    elsewhere["client_id"] = json!("outreach-test-0004");
    elsewhere["org"] = json!(format!("{OTHER_TOWNSHIP}001"));
    let (status, _) = post(
        &h,
        "/api/v1/outreach-activities",
        &h.tokens.operator,
        &elsewhere,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The counts: by team, township and kind; the other township sees none of it.
    let (status, o) = get(&h, "/api/v1/outreach-activities", &h.tokens.commander).await;
    assert_eq!(status, StatusCode::OK, "{o}");
    assert_eq!(
        (&o["activities"], &o["officers"], &o["people_reached"]),
        (&json!(1), &json!(12), &json!(600))
    );
    assert_eq!(o["by_team"][0]["label"], "“通川有礼”法治服务第一小分队");
    assert_eq!(o["by_township"][0]["key"], TOWNSHIP);
    assert_eq!(o["by_kind"][0]["label"], "法治赶场日");
    assert_eq!(o["items"][0]["photos"].as_array().unwrap().len(), 1);
    let theirs =
        h.t.app
            .legal()
            .outreach(&other, &Default::default())
            .await
            .unwrap();
    assert_eq!(theirs.activities, 0);
    let (status, _) = get(&h, "/api/v1/outreach-activities", &h.tokens.court).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a department");
}

#[tokio::test]
async fn an_enterprise_file_keeps_its_checkups_and_risks_until_they_are_put_right() {
    let h = Hub::new().await;
    h.t.app
        .registry()
        .import_places(
            &h.commander,
            &crate::places::sheet(&[
                [
                    "川东物流有限公司",
                    "非公有制经济组织",
                    "通川区西外大街 8 号",
                    crate::places::SHOP,
                    "李经理",
                    "",
                ],
                ["二马路小学", "学校", "通川区二马路 10 号", "", "王校长", ""],
            ]),
            Some(&h.grid),
        )
        .await
        .unwrap();
    let places =
        h.t.app
            .registry()
            .places(h.commander.user.as_ref().unwrap(), &Default::default())
            .await
            .unwrap()
            .rows;
    let firm = places
        .iter()
        .find(|p| p.category == "enterprise")
        .unwrap()
        .id;
    let school = places.iter().find(|p| p.category == "school").unwrap().id;
    let adviser = lawyer(&h, "陈明", "15117201810123456", "511702").await;
    let path = format!("/api/v1/places/{firm}/legal-health");
    let body = json!({
        "client_id": "checkup-test-0001",
        "checked_on": "2026-01-05",
        "lawyer_id": adviser,
        "risks": [
            {"area": "劳动用工", "level": "high", "finding": "12 名员工未签订书面劳动合同"},
            {"area": "contract", "level": "中", "finding": "运输合同无违约责任条款"}
        ],
        "advice": "一个月内补签劳动合同；修订运输合同范本，增加违约责任和争议解决条款。",
        "lawsuits_pending": 2,
        "enforcement": "executing",
        "follow_up_on": "2026-02-01"
    });
    let (status, file) = post(&h, &path, &h.tokens.operator, &body).await;
    assert_eq!(status, StatusCode::CREATED, "{file}");
    assert_eq!(
        (
            &file["open"],
            &file["lawsuits_pending"],
            &file["enforcement"]
        ),
        (&json!(2), &json!(2), &json!("被执行中"))
    );
    let labour = file["risks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["area"] == "劳动用工")
        .unwrap()
        .clone();
    assert_eq!(labour["overdue"], true, "the follow-up day has passed");
    assert_eq!(file["checkups"][0]["lawyer_name"], "陈明");
    let (status, again) = post(&h, &path, &h.tokens.operator, &body).await;
    assert_eq!(status, StatusCode::OK, "sent again: recorded once");
    assert_eq!(again["checkups"].as_array().unwrap().len(), 1);

    // Refusals: a school keeps no such file; no advice; an unknown area; a follow-up before it.
    let (status, problem) = post(
        &h,
        &format!("/api/v1/places/{school}/legal-health"),
        &h.tokens.operator,
        &json!({"advice": "建议"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    for (change, words) in [
        (json!({"advice": ""}), "advice"),
        (
            json!({"risks": [{"area": "养猫", "level": "high", "finding": "无"}]}),
            "risks[0]",
        ),
        (json!({"follow_up_on": "2025-12-01"}), "复查日期"),
    ] {
        let mut bad = body.clone();
        bad["client_id"] = json!("checkup-test-0002");
        for (k, v) in change.as_object().unwrap() {
            bad[k] = v.clone();
        }
        let (status, problem) = post(&h, &path, &h.tokens.operator, &bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
        assert!(problem.to_string().contains(words), "{words}: {problem}");
    }

    // The district's risk list; a risk put right leaves it.
    let (_, list) = get(&h, "/api/v1/legal-risks", &h.tokens.commander).await;
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
    assert_eq!(list[0]["level"], "high", "high first");
    let id = labour["id"].as_i64().unwrap();
    let resolve = format!("/api/v1/legal-risks/{id}/resolve");
    let res = reqwest::Client::new()
        .post(h.t.url(&resolve))
        .bearer_auth(&h.tokens.operator)
        .json(&json!({"resolution": "已补签全部劳动合同"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = reqwest::Client::new()
        .post(h.t.url(&resolve))
        .bearer_auth(&h.tokens.operator)
        .json(&json!({"resolution": "已补签全部劳动合同"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "already put right");
    let (_, list) = get(&h, "/api/v1/legal-risks", &h.tokens.commander).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let (_, file) = get(&h, &path, &h.tokens.commander).await;
    assert_eq!(file["open"], 1);

    // Another township's hub and a department see none of it.
    let theirs =
        h.t.app
            .legal()
            .open_risks(&h.other_operator, None)
            .await
            .unwrap();
    assert!(theirs.is_empty());
    let (status, _) = get(&h, &path, &h.tokens.court).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
