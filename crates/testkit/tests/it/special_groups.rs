//! 特殊人群 and 入户走访: each group is seen only with its permission, within scope; a member falls
//! due for a visit by the rules; a visit sent twice is recorded once; the township sees coverage;
//! the persons list exports masked, or plain for a reason, with the exporter in the file.

use crate::events::Hub;
use crate::persons::{as_rows, people, sheet};
use chrono::{Duration, Utc};
use pingan_app::sheet::read_first_sheet;
use pingan_app::{
    Actor, AppError, MemberInput, MemberQuery, PersonQuery, VisitEntry, VisitPolicyView,
};

/// Imports the three people into the hub's grid; their ids in order.
pub(crate) async fn three_people(h: &Hub) -> Vec<i64> {
    h.t.app
        .registry()
        .import_persons(&h.commander, &sheet(&as_rows(&people())), Some(&h.grid))
        .await
        .unwrap();
    let user = h.commander.user.clone().unwrap();
    let list =
        h.t.app
            .registry()
            .persons(&user, &PersonQuery::default())
            .await
            .unwrap();
    let mut ids: Vec<i64> = list.rows.iter().map(|r| r.id).collect();
    ids.sort_unstable();
    ids
}

fn visit(person_id: i64, key: &str) -> VisitEntry {
    VisitEntry {
        person_id,
        notes: "本人在家，情绪稳定，按时服药".into(),
        temperature: Some(36.6),
        lat: Some(31.21),
        lon: Some(107.47),
        client_id: Some(key.into()),
        ..Default::default()
    }
}

/// A photo as a phone sends it: the PNG signature is what tells an image.
fn photo() -> Vec<pingan_app::PhotoUpload> {
    let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    bytes.extend_from_slice(b"visit photo body");
    vec![pingan_app::PhotoUpload {
        file_name: "门牌.png".into(),
        bytes,
    }]
}

pub(crate) async fn leader(h: &Hub) -> pingan_app::CurrentUser {
    crate::add_user(
        &h.t,
        "lingdao",
        "区领导",
        "511702",
        "leader",
        "Leader#Groups2026",
    )
    .await
    .unwrap();
    crate::signed_in(&h.t, "lingdao", "Leader#Groups2026").await
}

#[tokio::test]
async fn groups_are_seen_with_their_permission_and_visits_fall_due() {
    let h = Hub::new().await;
    let ids = three_people(&h).await;
    let operator = h.operator.user.clone().unwrap();
    let worker = h.worker.user.clone().unwrap();
    let forty_days_ago = (Utc::now() - Duration::days(40))
        .format("%Y-%m-%d")
        .to_string();
    let zhang =
        h.t.app
            .registry()
            .enrol_member(
                &h.operator,
                &operator,
                ids[0],
                &MemberInput {
                    group: "严重精神障碍患者".into(),
                    risk_level: Some(3),
                    enrolled_on: Some(forty_days_ago),
                    facts: Some("监护人：张大山，13900001111".into()),
                },
            )
            .await
            .unwrap();
    assert_eq!(
        (zhang.every_days, zhang.state.as_deref()),
        (Some(30), Some("overdue"))
    );
    assert_eq!(zhang.facts, None, "lists never carry the facts");
    let again = MemberInput {
        group: "mental_disorder".into(),
        ..Default::default()
    };
    assert!(matches!(
        h.t.app
            .registry()
            .enrol_member(&h.operator, &operator, ids[0], &again)
            .await,
        Err(AppError::Conflict(_))
    ));
    // 重点青少年 has its own permission: the township's operator lacks it, the grid worker has it.
    let youth = MemberInput {
        group: "key_youth".into(),
        ..Default::default()
    };
    assert!(matches!(
        h.t.app
            .registry()
            .enrol_member(&h.operator, &operator, ids[2], &youth)
            .await,
        Err(AppError::Forbidden(_))
    ));
    h.t.app
        .registry()
        .enrol_member(&h.worker, &worker, ids[2], &youth)
        .await
        .unwrap();
    // The list exports as the reader sees it: masked, or plain for a reason.
    let masked =
        h.t.app
            .registry()
            .export_members(&h.worker, &worker, &MemberQuery::default(), None)
            .await
            .unwrap();
    let text = format!("{:?}", read_first_sheet(&masked, 100).unwrap());
    assert!(
        text.contains("张**") && text.contains("重点青少年") && !text.contains("张三丰"),
        "{text}"
    );
    let plain =
        h.t.app
            .registry()
            .export_members(
                &h.operator,
                &operator,
                &MemberQuery::default(),
                Some("报送司法所核对"),
            )
            .await
            .unwrap();
    let text = format!("{:?}", read_first_sheet(&plain, 100).unwrap());
    assert!(
        text.contains("张三丰") && !text.contains("重点青少年"),
        "{text}"
    );

    // The person list filters by a group its reader may see.
    let in_group =
        h.t.app
            .registry()
            .persons(
                &worker,
                &PersonQuery {
                    group: Some("重点青少年".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    assert_eq!(
        in_group.rows.iter().map(|p| p.id).collect::<Vec<_>>(),
        [ids[2]]
    );
    assert!(matches!(
        h.t.app
            .registry()
            .persons(
                &operator,
                &PersonQuery {
                    group: Some("key_youth".into()),
                    ..Default::default()
                }
            )
            .await,
        Err(AppError::Forbidden(_))
    ));
    let seen_by_operator =
        h.t.app
            .registry()
            .members(&operator, &MemberQuery::default())
            .await
            .unwrap();
    assert_eq!(seen_by_operator.len(), 1);
    let seen_by_worker =
        h.t.app
            .registry()
            .members(&worker, &MemberQuery::default())
            .await
            .unwrap();
    assert_eq!(seen_by_worker.len(), 2);
    assert!(matches!(
        h.t.app
            .registry()
            .members(
                &operator,
                &MemberQuery {
                    group: Some("key_youth".into()),
                    ..Default::default()
                }
            )
            .await,
        Err(AppError::Forbidden(_))
    ));
    // Out of scope and without the permission: nothing.
    let other = h.other_operator.user.clone().unwrap();
    assert!(
        h.t.app
            .registry()
            .members(&other, &MemberQuery::default())
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        h.t.app
            .registry()
            .end_member(&h.other_operator, &other, zhang.id, "迁出本辖区")
            .await,
        Err(AppError::NotFound(_))
    ));
    let leader = leader(&h).await;
    assert!(matches!(
        h.t.app
            .registry()
            .members(&leader, &MemberQuery::default())
            .await,
        Err(AppError::Forbidden(_))
    ));
    assert!(pingan_app::Registry::visible_groups(&leader).is_empty());

    // The task list and the coverage show the overdue member; a visit puts them right, once.
    let tasks = h.t.app.registry().visit_tasks(&worker).await.unwrap();
    assert_eq!(
        tasks.iter().map(|t| t.person_id).collect::<Vec<_>>(),
        [ids[0]]
    );
    let coverage =
        h.t.app
            .registry()
            .visit_coverage(&operator, None)
            .await
            .unwrap();
    let row = coverage.iter().find(|c| c.code == h.grid).unwrap();
    assert_eq!((row.members, row.overdue, row.rate), (1, 1, 0.0));
    assert!(
        coverage
            .iter()
            .filter(|c| c.code != h.grid)
            .all(|c| c.members == 0 && c.rate == 100.0)
    );
    let (first, created) =
        h.t.app
            .registry()
            .record_visit(&h.worker, &worker, &visit(ids[0], "visit-0001"), &photo())
            .await
            .unwrap();
    assert!(created);
    assert_eq!(first.notes, "本人在家，情绪稳定，按时服药");
    let (resent, created) =
        h.t.app
            .registry()
            .record_visit(&h.worker, &worker, &visit(ids[0], "visit-0001"), &photo())
            .await
            .unwrap();
    assert!(!created);
    assert_eq!(resent.id, first.id);
    let recorded = h.t.app.registry().visits(&worker, ids[0]).await.unwrap();
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].photos.len(), 1, "a resend adds no second photo");
    let photo_id: i64 = recorded[0].photos[0]
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let (content_type, bytes) =
        h.t.app
            .registry()
            .visit_photo(&worker, ids[0], photo_id)
            .await
            .unwrap();
    assert_eq!((content_type.as_str(), bytes.len()), ("image/png", 24));
    assert!(matches!(
        h.t.app
            .registry()
            .visit_photo(&other, ids[0], photo_id)
            .await,
        Err(AppError::NotFound(_))
    ));
    let not_an_image = vec![pingan_app::PhotoUpload {
        file_name: "a.txt".into(),
        bytes: b"hello".to_vec(),
    }];
    let refused =
        h.t.app
            .registry()
            .record_visit(
                &h.worker,
                &worker,
                &visit(ids[0], "visit-0009"),
                &not_an_image,
            )
            .await
            .unwrap_err();
    assert!(refused.to_string().contains("不是 JPEG"), "{refused}");
    assert_eq!(
        h.t.app
            .registry()
            .visits(&worker, ids[0])
            .await
            .unwrap()
            .len(),
        1,
        "nothing recorded"
    );
    assert!(
        h.t.app
            .registry()
            .visit_tasks(&worker)
            .await
            .unwrap()
            .is_empty()
    );
    let row =
        h.t.app
            .registry()
            .visit_coverage(&operator, Some(&h.grid))
            .await
            .unwrap();
    assert_eq!((row[0].on_time, row[0].rate), (1, 100.0));
    // A district commander sees townships, not grids.
    let commander = h.commander.user.clone().unwrap();
    let townships =
        h.t.app
            .registry()
            .visit_coverage(&commander, None)
            .await
            .unwrap();
    assert!(
        townships.len() >= 18 && townships.iter().all(|c| c.code.len() == 9),
        "{townships:?}"
    );

    // Bad visits are refused field by field.
    let mut bad = visit(ids[0], "visit-0002");
    bad.temperature = Some(45.0);
    bad.notes = "好".into();
    let e =
        h.t.app
            .registry()
            .record_visit(&h.worker, &worker, &bad, &[])
            .await
            .unwrap_err()
            .to_string();
    assert!(e.contains("体温") && e.contains("走访情况"), "{e}");
    assert!(matches!(
        h.t.app
            .registry()
            .record_visit(&h.other_operator, &other, &visit(ids[0], "visit-0003"), &[])
            .await,
        Err(AppError::NotFound(_))
    ));

    // One person's page opens the facts (audited); ending keeps the record.
    let mine =
        h.t.app
            .registry()
            .memberships_of(&operator, ids[0])
            .await
            .unwrap();
    assert_eq!(
        mine[0].facts.as_deref(),
        Some("监护人：张大山，13900001111")
    );
    let ended =
        h.t.app
            .registry()
            .end_member(&h.operator, &operator, zhang.id, "病情稳定，解除列管")
            .await
            .unwrap();
    assert!(ended.ended && ended.state.is_none());
    assert!(
        h.t.app
            .registry()
            .members(&operator, &MemberQuery::default())
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        h.t.app
            .registry()
            .memberships_of(&operator, ids[0])
            .await
            .unwrap()
            .len(),
        1
    );
    let audit =
        h.t.app
            .access()
            .search_audit(
                &Actor::cli(),
                &pingan_app::AuditFilter {
                    action_prefix: Some("special_groups.".into()),
                    ..Default::default()
                },
                50,
            )
            .await
            .unwrap();
    let actions: Vec<&str> = audit.iter().map(|a| a.event.action.as_str()).collect();
    for want in [
        "special_groups.enrol",
        "special_groups.view",
        "special_groups.end",
    ] {
        assert!(actions.contains(&want), "{actions:?}");
    }
}

#[tokio::test]
async fn visiting_rules_are_set_by_the_district_and_change_what_is_due() {
    let h = Hub::new().await;
    let ids = three_people(&h).await;
    let operator = h.operator.user.clone().unwrap();
    let mut rules =
        h.t.app
            .registry()
            .visit_policy_views(&operator)
            .await
            .unwrap();
    assert_eq!(rules.len(), 7);
    assert!(matches!(
        h.t.app
            .registry()
            .set_visit_policies(&h.operator, &rules)
            .await,
        Err(AppError::Forbidden(_))
    ));
    for r in &mut rules {
        if r.group == "mental_disorder" && r.min_risk == 3 {
            r.every_days = 7;
        }
    }
    let mut missing = rules.clone();
    missing.retain(|r| r.group != "released");
    assert!(
        h.t.app
            .registry()
            .set_visit_policies(&h.commander, &missing)
            .await
            .unwrap_err()
            .to_string()
            .contains("刑满释放人员")
    );
    let mut bad = rules.clone();
    bad.push(VisitPolicyView {
        group: "released".into(),
        group_label: String::new(),
        min_risk: 9,
        every_days: 10,
    });
    assert!(matches!(
        h.t.app
            .registry()
            .set_visit_policies(&h.commander, &bad)
            .await,
        Err(AppError::Invalid(_))
    ));
    h.t.app
        .registry()
        .set_visit_policies(&h.commander, &rules)
        .await
        .unwrap();
    let ten_days_ago = (Utc::now() - Duration::days(10))
        .format("%Y-%m-%d")
        .to_string();
    let m =
        h.t.app
            .registry()
            .enrol_member(
                &h.operator,
                &operator,
                ids[1],
                &MemberInput {
                    group: "mental_disorder".into(),
                    risk_level: Some(4),
                    enrolled_on: Some(ten_days_ago),
                    facts: None,
                },
            )
            .await
            .unwrap();
    assert_eq!(
        (m.every_days, m.state.as_deref()),
        (Some(7), Some("overdue"))
    );
    let lowered =
        h.t.app
            .registry()
            .update_member(
                &h.operator,
                &operator,
                m.id,
                &MemberInput {
                    risk_level: Some(1),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    assert_eq!(
        (lowered.every_days, lowered.state.as_deref()),
        (Some(90), Some("on_time"))
    );
}

#[tokio::test]
async fn the_list_exports_masked_or_plain_for_a_reason() {
    let h = Hub::new().await;
    three_people(&h).await;
    let operator = h.operator.user.clone().unwrap();
    let bytes =
        h.t.app
            .registry()
            .export_persons(&h.operator, &operator, &PersonQuery::default(), None)
            .await
            .unwrap();
    let rows = read_first_sheet(&bytes, 100).unwrap();
    let text: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| c.text()).collect())
        .collect();
    assert_eq!(&text[0][..3], ["序号", "姓名", "性别"]);
    let good = people();
    let all = format!("{text:?}");
    assert!(
        all.contains("张**") && !all.contains("张三丰") && !all.contains(&good[0][1]),
        "{all}"
    );
    let note = text.last().unwrap()[0].clone();
    assert!(
        note.contains("导出人")
            && note.contains(&operator.display_name)
            && note.contains("脱敏")
            && note.contains("共 3 人"),
        "{note}"
    );

    let plain =
        h.t.app
            .registry()
            .export_persons(
                &h.operator,
                &operator,
                &PersonQuery {
                    q: Some("三丰".into()),
                    ..Default::default()
                },
                Some("报送民政部门核对名单"),
            )
            .await
            .unwrap();
    let all = format!("{:?}", read_first_sheet(&plain, 100).unwrap());
    assert!(
        all.contains("张三丰")
            && all.contains(&good[0][1])
            && all.contains("报送民政部门核对名单")
            && !all.contains("欧阳"),
        "{all}"
    );
    let leader = leader(&h).await;
    let as_leader = Actor::user(leader.clone(), None);
    assert!(matches!(
        h.t.app
            .registry()
            .export_persons(
                &as_leader,
                &leader,
                &PersonQuery::default(),
                Some("领导要看明文")
            )
            .await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        h.t.app
            .registry()
            .export_persons(&h.operator, &operator, &PersonQuery::default(), Some("看"))
            .await,
        Err(AppError::Invalid(_))
    ));
    let other = h.other_operator.user.clone().unwrap();
    let theirs =
        h.t.app
            .registry()
            .export_persons(&h.other_operator, &other, &PersonQuery::default(), None)
            .await
            .unwrap();
    assert!(!format!("{:?}", read_first_sheet(&theirs, 100).unwrap()).contains("张**"));
    let audit =
        h.t.app
            .access()
            .search_audit(
                &Actor::cli(),
                &pingan_app::AuditFilter {
                    action_prefix: Some("persons.export".into()),
                    ..Default::default()
                },
                50,
            )
            .await
            .unwrap();
    let results: Vec<&str> = audit.iter().map(|a| a.event.result.as_str()).collect();
    assert!(
        results.contains(&"ok") && results.contains(&"denied"),
        "{results:?}"
    );
}

#[tokio::test]
async fn the_api_and_pages_enrol_visit_and_export() {
    let h = Hub::new().await;
    let ids = three_people(&h).await;
    let client = reqwest::Client::new();
    let post = |path: String, token: &str, body: serde_json::Value| {
        client
            .post(h.t.url(&path))
            .bearer_auth(token.to_owned())
            .json(&body)
            .send()
    };
    let res = post(format!("/api/v1/persons/{}/groups", ids[0]), &h.tokens.worker,
        serde_json::json!({"group": "drug_user", "risk_level": 2, "enrolled_on": "2026-01-05", "facts": "初次发现 2025 年"}))
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let res = post(
        format!("/api/v1/persons/{}/groups", ids[0]),
        &h.tokens.worker,
        serde_json::json!({"group": "drug_user"}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 409);
    let due = h.get_json("/api/v1/visits/due", &h.tokens.worker).await;
    assert_eq!(due["items"][0]["state"], "overdue");
    let entry = serde_json::json!({"person_id": ids[0], "notes": "入户走访，本人在家", "client_id": "phone-0001-abcd"});
    assert_eq!(
        post("/api/v1/visits".into(), &h.tokens.worker, entry.clone())
            .await
            .unwrap()
            .status(),
        201
    );
    assert_eq!(
        post("/api/v1/visits".into(), &h.tokens.worker, entry)
            .await
            .unwrap()
            .status(),
        200
    );
    let visits = h
        .get_json(
            &format!("/api/v1/visits?person={}", ids[0]),
            &h.tokens.worker,
        )
        .await;
    assert_eq!(visits["items"].as_array().unwrap().len(), 1);
    let coverage = h
        .get_json(
            &format!("/api/v1/visits/coverage?org={}", h.grid),
            &h.tokens.operator,
        )
        .await;
    assert_eq!(coverage["items"][0]["members"], 1);
    let res = client
        .put(h.t.url("/api/v1/visit-policies"))
        .bearer_auth(&h.tokens.worker)
        .json(&serde_json::json!({"items": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = client
        .get(h.t.url("/api/v1/persons/export?reason="))
        .bearer_auth(&h.tokens.operator)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        read_first_sheet(&res.bytes().await.unwrap(), 100)
            .unwrap()
            .len()
            >= 4
    );
    let spec = h.get_text("/api/v1/openapi.json", &h.tokens.operator).await;
    for path in [
        "/api/v1/visits/due",
        "/api/v1/persons/{id}/groups",
        "/api/v1/persons/export",
        "/api/v1/visit-policies",
    ] {
        assert!(spec.contains(path), "{path}");
    }

    // The pages, as the grid worker on a phone.
    let pw = "Worker#Visits2026";
    crate::add_user(&h.t, "wgy_pages", "王网格", &h.grid, "grid_worker", pw)
        .await
        .unwrap();
    let mut ready = h.t.ready("wgy_pages", pw).await;
    let c = crate::client();
    crate::web_login(&h.t, &c, &mut ready).await;
    let person = crate::page(&c, &h.t, &format!("/persons/{}", ids[0])).await;
    assert!(
        person.contains("特殊人群列管")
            && person.contains("吸毒人员")
            && person.contains("初次发现 2025 年"),
        "{person}"
    );
    assert!(
        person.contains("入户走访，本人在家") && !person.contains("张三丰"),
        "{person}"
    );
    let res = c
        .post(h.t.url(&format!("/persons/{}/groups", ids[1])))
        .form(&[
            ("group", "key_youth"),
            ("risk_level", ""),
            ("enrolled_on", ""),
            ("facts", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let form = crate::page(&c, &h.t, &format!("/persons/{}/visit", ids[1])).await;
    assert!(
        form.contains("登记走访") && form.contains("name=\"client_id\""),
        "{form}"
    );
    let res = c
        .post(h.t.url(&format!("/persons/{}/visit", ids[1])))
        .multipart(
            reqwest::multipart::Form::new()
                .text("client_id", "web-visit-0001")
                .text("visited_at", "")
                .text("lat", "")
                .text("lon", "")
                .text("notes", "与监护人面谈，在校表现良好")
                .text("temperature", "36.5")
                .text("symptoms", "")
                .part(
                    "photo",
                    reqwest::multipart::Part::bytes(photo().remove(0).bytes).file_name("门牌.png"),
                ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let bad = c
        .post(h.t.url(&format!("/persons/{}/visit", ids[1])))
        .multipart(
            reqwest::multipart::Form::new()
                .text("client_id", "web-visit-0002")
                .text("notes", "好")
                .text("temperature", "高"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.unwrap().contains("体温应为数字"));
    let shown = crate::page(&c, &h.t, &format!("/persons/{}?done=visit", ids[1])).await;
    let img = shown
        .split("<img src=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("a photo on the page: {shown}"))
        .to_owned();
    let res = c.get(h.t.url(&img)).send().await.unwrap();
    assert_eq!(res.headers()["content-type"], "image/png");
    assert!(
        shown.contains("走访记录已保存")
            && shown.contains("与监护人面谈")
            && shown.contains("36.5"),
        "{shown}"
    );
    let list = crate::page(&c, &h.t, "/special-groups").await;
    assert!(
        list.contains("重点青少年") && list.contains("走访覆盖") && list.contains("走访频次"),
        "{list}"
    );
    let res = post(
        format!("/api/v1/persons/{}/groups", ids[2]),
        &h.tokens.worker,
        serde_json::json!({"group": "correction", "enrolled_on": "2026-01-05"}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 201);
    // Tags from the person's page: each checked box.
    let res = c
        .post(h.t.url(&format!("/persons/{}/tags", ids[0])))
        .form(&[("tag", "disabled"), ("tag", "veteran")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let tagged = crate::page(&c, &h.t, &format!("/persons/{}?done=tags", ids[0])).await;
    assert!(
        tagged.contains("标签已保存") && tagged.contains("value=\"veteran\" checked"),
        "{tagged}"
    );

    // Moving out ends the person; the record stays and the page says so.
    let res = c
        .post(h.t.url(&format!("/persons/{}/end", ids[1])))
        .form(&[("reason", "迁往达川区")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let ended = crate::page(&c, &h.t, &format!("/persons/{}?done=ended", ids[1])).await;
    assert!(
        ended.contains("已迁出") && !ended.contains("登记走访 ›"),
        "{ended}"
    );
    let res = c
        .post(h.t.url(&format!("/persons/{}/end", ids[1])))
        .form(&[("reason", "迁往达川区")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    let tasks = crate::page(&c, &h.t, "/visits/due").await;
    assert!(
        tasks.contains("走访任务") && tasks.contains("社区矫正人员") && tasks.contains("已逾期"),
        "{tasks}"
    );
}

#[tokio::test]
async fn a_key_rotation_seals_the_registry_again() {
    let h = Hub::new().await;
    let ids = three_people(&h).await;
    let worker = h.worker.user.clone().unwrap();
    let facts = MemberInput {
        group: "released".into(),
        facts: Some("原罪名：盗窃罪".into()),
        ..Default::default()
    };
    h.t.app
        .registry()
        .enrol_member(&h.worker, &worker, ids[0], &facts)
        .await
        .unwrap();
    h.t.app
        .registry()
        .record_visit(&h.worker, &worker, &visit(ids[0], "visit-rotate-1"), &[])
        .await
        .unwrap();
    let rotated = h.t.after_key_rotation(false).await;
    // Three names, three ID numbers, two phones, the facts and the visit's notes at least.
    let changed = rotated.access().reseal_stale().await.unwrap();
    assert!(changed >= 10, "{changed}");
    assert_eq!(rotated.access().reseal_stale().await.unwrap(), 0);
    // Nothing needs the old key any more.
    let rotated = h.t.after_key_rotation(true).await;
    let plain = rotated
        .registry()
        .reveal_person(&h.worker, ids[0], "核实走访对象身份")
        .await
        .unwrap();
    assert_eq!(plain.name, "张三丰");
    let mine = rotated
        .registry()
        .memberships_of(&worker, ids[0])
        .await
        .unwrap();
    assert_eq!(mine[0].facts.as_deref(), Some("原罪名：盗窃罪"));
    let found = rotated
        .registry()
        .persons(
            &worker,
            &PersonQuery {
                q: Some("三丰".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(found.total.count, 1, "blind indexes survive the rotation");
    let notes = rotated.registry().visits(&worker, ids[0]).await.unwrap();
    assert_eq!(notes[0].notes, "本人在家，情绪稳定，按时服药");
}
