//! 联合信用惩戒: the list keeper imports the court's sheet (bad cells named, a 案号 kept by another
//! unit refused), a member unit checks a subject and learns as much as it may, records the measure
//! it took; the registry's person and place pages flag a listed subject to those who may check and
//! to nobody else; a lifted entry stops flagging; every check and every flag is audited, and the
//! trail never holds a whole ID number.

use crate::disputes::{get, post};
use crate::events::{Hub, TOWNSHIP, actor};
use pingan_app::sheet::write_sheet;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The demo's list keeper (联合惩戒名单管理员).
const KEEPER: &str = "xy-511702";
/// A company with a valid credit code (the places tests' shop).
const SHOP: &str = crate::places::SHOP;

/// One row of the court's sheet, in the template's columns.
fn row(case: &str, kind: &str, name: &str, subject: &str, restrictions: &str) -> Vec<String> {
    [
        case,
        kind,
        name,
        subject,
        "通川区人民法院",
        "12,345.60",
        restrictions,
        "2020-06-18",
        "在册",
        "",
        "",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

fn sheet(rows: &[Vec<String>]) -> Vec<u8> {
    write_sheet(
        "失信被执行人名单",
        &pingan_app::credit_template_columns(),
        rows,
        None,
    )
    .unwrap()
}

async fn import(h: &Hub, token: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let res = reqwest::Client::new()
        .post(h.t.url("/api/v1/credit/import"))
        .bearer_auth(token)
        .header(
            "content-type",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn check(h: &Hub, token: &str, body: Value) -> (StatusCode, Value) {
    post(h, "/api/v1/credit/check", token, &body).await
}

async fn audit_trail(h: &Hub) -> String {
    let audit =
        h.t.app
            .access()
            .search_audit(
                &pingan_app::Actor::cli(),
                &pingan_app::AuditFilter {
                    action_prefix: Some("credit.".into()),
                    ..Default::default()
                },
                5000,
            )
            .await
            .unwrap();
    serde_json::to_string(&audit).unwrap()
}

#[tokio::test]
async fn the_court_list_is_imported_checked_measured_and_lifted() {
    let h = Hub::new().await;
    let keeper = actor(&h.t, KEEPER, &h.password).await.1;
    let debtor = crate::persons::id("19750312", 31);
    let paid = crate::persons::id("19800101", 41);
    let refuser = crate::persons::id("19680808", 51);
    let mut lifted = row(
        "(2019)川1702执88号",
        "失信被执行人",
        "钱已还",
        &paid,
        "限制高消费",
    );
    lifted[8] = "已撤销".into();
    lifted[9] = "2021-01-05".into();
    let rows = vec![
        row(
            "（2020）川1702执1234号",
            "失信被执行人",
            "赵欠款",
            &debtor,
            "限制高消费、限制招投标",
        ),
        row(
            "(2020)川1702执1235号",
            "",
            "达州市川东物流有限公司",
            SHOP,
            "限制招投标；限制融资信贷",
        ),
        row("(2021)川1702刑初77号", "拒执案件", "孙拒执", &refuser, ""),
        lifted,
        row("川1702执9号", "", "格式错", &debtor, ""),
        row(
            "(2020)川1702执1236号",
            "",
            "号码错",
            "110105194912310021",
            "",
        ),
        row("(2020)川1702执1237号", "", "措施错", &debtor, "限制养猫"),
    ];
    let (status, report) = import(&h, &keeper, sheet(&rows)).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(
        (&report["added"], &report["updated"], &report["lifted"]),
        (&json!(4), &json!(0), &json!(1)),
        "{report}"
    );
    let rejected: Vec<(i64, &str)> = report["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["row"].as_i64().unwrap(), c["column"].as_str().unwrap()))
        .collect();
    assert_eq!(
        rejected,
        vec![
            (6, "案号"),
            (7, "证件号码或统一社会信用代码"),
            (8, "限制措施")
        ]
    );
    assert!(
        !report.to_string().contains("110105194912310021"),
        "a bad identifier is not echoed whole: {report}"
    );
    // The same sheet again brings the entries up to date, never twice.
    let (_, again) = import(&h, &keeper, sheet(&rows)).await;
    assert_eq!((&again["added"], &again["updated"]), (&json!(0), &json!(4)));

    // A township's keeper may not overwrite what the district keeps.
    crate::add_user(
        &h.t,
        "xy-township",
        "街道名单管理员",
        TOWNSHIP,
        "credit_officer",
        &h.password,
    )
    .await
    .unwrap();
    let township_keeper = actor(&h.t, "xy-township", &h.password).await.1;
    let (_, theirs) = import(&h, &township_keeper, sheet(&rows[..1])).await;
    assert_eq!(theirs["added"], 0, "{theirs}");
    assert!(
        theirs["rejected"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("不在您的管辖范围内"),
        "{theirs}"
    );

    // A member unit checks: listed, what is restricted, and nothing of the list itself.
    let (status, hit) = check(
        &h,
        &h.tokens.court,
        json!({"id_number": debtor, "purpose": "招投标"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{hit}");
    assert_eq!(hit["listed"], true);
    assert_eq!(hit["restricted_for_purpose"], true);
    assert_eq!(hit["kinds"], json!(["失信被执行人"]));
    assert_eq!(hit["restrictions"], json!(["限制高消费", "限制招投标"]));
    assert_eq!(
        hit["entries"],
        json!([]),
        "a member unit never sees the list"
    );
    assert!(hit["subject"].as_str().unwrap().contains("****"));
    let (_, service) = check(
        &h,
        &h.tokens.court,
        json!({"id_number": debtor, "purpose": "service"}),
    )
    .await;
    assert_eq!(service["restricted_for_purpose"], false);
    // The keeper sees the entry with its 案号 and amount.
    let (_, full) = check(
        &h,
        &keeper,
        json!({"id_number": debtor, "purpose": "other"}),
    )
    .await;
    assert_eq!(full["entries"][0]["case_number"], "（2020）川1702执1234号");
    assert_eq!(full["entries"][0]["amount_yuan"], 12345.6, "{full}");
    assert_eq!(full["entries"][0]["name"], "赵**");
    // A refusal case and a company; a lifted entry does not flag.
    let (_, refusal) = check(
        &h,
        &h.tokens.commander,
        json!({"id_number": refuser, "purpose": "appointment"}),
    )
    .await;
    assert_eq!(refusal["kinds"], json!(["拒执案件"]));
    let (_, company) = check(
        &h,
        &h.tokens.operator,
        json!({"credit_code": SHOP.to_lowercase(), "purpose": "financing"}),
    )
    .await;
    assert_eq!(
        (&company["listed"], &company["restricted_for_purpose"]),
        (&json!(true), &json!(true)),
        "{company}"
    );
    let (_, clean) = check(
        &h,
        &h.tokens.court,
        json!({"id_number": paid, "purpose": "bidding"}),
    )
    .await;
    assert_eq!(clean["listed"], false, "lifted in 2021: {clean}");

    // Refusals: no purpose, both or neither identifier, a wrong one, and no permission.
    for (body, words) in [
        (json!({"id_number": debtor}), "核查用途"),
        (
            json!({"id_number": debtor, "credit_code": SHOP, "purpose": "other"}),
            "只填一项",
        ),
        (json!({"purpose": "other"}), "只填一项"),
        (
            json!({"id_number": SHOP, "purpose": "other"}),
            "credit_code",
        ),
    ] {
        let (status, problem) = check(&h, &h.tokens.court, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
        assert!(problem.to_string().contains(words), "{problem}");
    }
    let (status, _) = check(
        &h,
        &h.tokens.worker,
        json!({"id_number": debtor, "purpose": "other"}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a grid worker does not check"
    );

    // The court records the measure it took; an unlisted subject has nothing to record.
    let (status, done) = post(
        &h,
        "/api/v1/credit/measures",
        &h.tokens.court,
        &json!({"credit_code": SHOP, "measure": "限制招投标", "note": "取消中标候选人资格"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{done}");
    assert_eq!(done["entries"], 1);
    let (status, _) = post(
        &h,
        "/api/v1/credit/measures",
        &h.tokens.court,
        &json!({"id_number": paid, "measure": "限制招投标"}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The list is the keeper's alone.
    let (status, list) = get(
        &h,
        "/api/v1/credit/entries?status=standing&case_number=(2020)川1702执1235号",
        &keeper,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["total"], 1, "{list}");
    let company_entry = list["items"][0]["id"].as_i64().unwrap();
    let (status, _) = get(&h, "/api/v1/credit/entries", &h.tokens.commander).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, entry) = get(
        &h,
        &format!("/api/v1/credit/entries/{company_entry}"),
        &keeper,
    )
    .await;
    assert_eq!(entry["measures"][0]["unit"], "通川区人民法院", "{entry}");
    assert_eq!(entry["measures"][0]["measure"], "限制招投标");
    let (status, _) = get(
        &h,
        &format!("/api/v1/credit/entries/{company_entry}"),
        &township_keeper,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "outside the township's scope"
    );

    // Lifted: it stops flagging from today; a second lift is a conflict.
    let (_, found) = get(
        &h,
        "/api/v1/credit/entries?case_number=（2020）川1702执1234号",
        &keeper,
    )
    .await;
    let debtor_entry = found["items"][0]["id"].as_i64().unwrap();
    let path = format!("/api/v1/credit/entries/{debtor_entry}/lift");
    let (status, problem) = post(&h, &path, &keeper, &json!({"reason": ""})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    let (status, lifted) = post(&h, &path, &keeper, &json!({"reason": "已全部履行"})).await;
    assert_eq!(status, StatusCode::OK, "{lifted}");
    assert_eq!(lifted["standing"], false);
    let (status, _) = post(&h, &path, &keeper, &json!({"reason": "已全部履行"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, after) = check(
        &h,
        &h.tokens.court,
        json!({"id_number": debtor, "purpose": "bidding"}),
    )
    .await;
    assert_eq!(after["listed"], false);

    // Every check is on the audit trail, with whom it was about masked and whether it hit.
    let trail = audit_trail(&h).await;
    assert!(trail.contains("credit.check") && trail.contains("credit.measure"));
    assert!(trail.contains("credit.import") && trail.contains("credit.lift"));
    assert!(!trail.contains(&debtor), "never a whole ID number: {trail}");
}

#[tokio::test]
async fn a_listed_person_and_company_are_flagged_on_their_pages_to_those_who_may_check() {
    let h = Hub::new().await;
    let keeper = actor(&h.t, KEEPER, &h.password).await.1;
    let people = crate::persons::people();
    h.t.app
        .registry()
        .import_persons(
            &pingan_app::Actor::cli(),
            &crate::persons::sheet(&crate::persons::as_rows(&people)),
            Some(&h.grid),
        )
        .await
        .unwrap();
    h.t.app
        .registry()
        .import_places(
            &h.commander,
            &crate::places::sheet(&[[
                "川东物流有限公司",
                "非公有制经济组织",
                "通川区西外大街 8 号",
                SHOP,
                "李经理",
                "",
            ]]),
            Some(&h.grid),
        )
        .await
        .unwrap();
    let listed_id = people[0][1].clone();
    let (status, _) = import(
        &h,
        &keeper,
        sheet(&[
            row(
                "(2020)川1702执2001号",
                "",
                &people[0][0],
                &listed_id,
                "限制高消费",
            ),
            row(
                "(2020)川1702执2002号",
                "",
                "川东物流有限公司",
                SHOP,
                "限制招投标",
            ),
        ]),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let commander = h.commander.user.clone().unwrap();
    let found =
        h.t.app
            .registry()
            .persons(
                &commander,
                &pingan_app::PersonQuery {
                    id_number: Some(listed_id.clone()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    let person = found.rows[0].id;
    let other =
        h.t.app
            .registry()
            .persons(
                &commander,
                &pingan_app::PersonQuery {
                    id_number: Some(people[1][1].clone()),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .rows[0]
            .id;
    let place =
        h.t.app
            .registry()
            .places(&commander, &pingan_app::PlaceQuery::default())
            .await
            .unwrap()
            .rows
            .iter()
            .find(|p| p.credit_code.as_deref() == Some(SHOP))
            .unwrap()
            .id;

    // A commander may check: the pages say so.
    crate::add_user(
        &h.t,
        "xy-web",
        "区综治中心",
        "511702",
        "commander",
        &h.password,
    )
    .await
    .unwrap();
    let c = crate::client();
    let mut ready = h.t.ready("xy-web", &h.password).await;
    crate::web_login(&h.t, &c, &mut ready).await;
    let page = crate::page(&c, &h.t, &format!("/persons/{person}")).await;
    assert!(
        page.contains("id=\"credit-flag\"") && page.contains("失信被执行人"),
        "{page}"
    );
    assert!(
        !page.contains("（2020）川1702执2001号"),
        "not the list itself"
    );
    let page = crate::page(&c, &h.t, &format!("/persons/{other}")).await;
    assert!(
        !page.contains("credit-flag"),
        "an unlisted person is not flagged"
    );
    let page = crate::page(&c, &h.t, &format!("/places/{place}")).await;
    assert!(
        page.contains("credit-flag") && page.contains("限制招投标"),
        "{page}"
    );

    // A township leader sees the person but may not check: no flag, nothing audited for them.
    let (leader, _) = actor(&h.t, &format!("ld{TOWNSHIP}"), &h.password).await;
    let leader_user = leader.user.unwrap();
    assert!(
        h.t.app
            .registry()
            .person(&leader_user, person)
            .await
            .is_ok()
    );
    assert_eq!(
        h.t.app
            .credit()
            .person_flag(&leader_user, person)
            .await
            .unwrap(),
        None
    );
    let trail = audit_trail(&h).await;
    assert!(
        trail.contains(&format!("person:{person}")),
        "the flag shown is audited"
    );
    assert!(trail.contains(&format!("place:{place}")));

    // Lifted: the page no longer flags.
    let (_, list) = get(
        &h,
        "/api/v1/credit/entries?case_number=(2020)川1702执2001号",
        &keeper,
    )
    .await;
    let entry = list["items"][0]["id"].as_i64().unwrap();
    let (status, _) = post(
        &h,
        &format!("/api/v1/credit/entries/{entry}/lift"),
        &keeper,
        &json!({"reason": "已全部履行"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let page = crate::page(&c, &h.t, &format!("/persons/{person}")).await;
    assert!(!page.contains("credit-flag"), "lifted: no flag");
}
