//! 实有人口: a spreadsheet of persons imports its good rows keyed by ID number and names every bad
//! cell; persons are found within scope by two characters of a name, an address, an exact ID
//! number or phone, shown masked, and revealed only for a reason to those allowed.

use crate::events::Hub;
use pingan_app::sheet::{Column, read_first_sheet, write_sheet};
use pingan_app::{AppError, CurrentUser, ImportJobView, PersonQuery};

/// A valid 公民身份号码 of 通川区 for a birth date and sequence.
pub(crate) fn id(birth: &str, seq: u16) -> String {
    let first17 = format!("511702{birth}{seq:03}");
    let check = pingan_domain::identity::check_character(&first17).unwrap();
    format!("{first17}{check}")
}

/// A sheet with just the four columns every file must have.
pub(crate) fn sheet(rows: &[[&str; 4]]) -> Vec<u8> {
    let columns: Vec<Column> = ["姓名", "公民身份号码", "联系方式", "现住址"]
        .into_iter()
        .map(|h| Column::new(h, 12.0).text())
        .collect();
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
        .collect();
    write_sheet("人员", &columns, &rows, None).unwrap()
}

pub(crate) fn people() -> Vec<[String; 4]> {
    vec![
        [
            "张三丰".into(),
            id("19800101", 123),
            "13812345678".into(),
            "朝阳路 1 号".into(),
        ],
        [
            "李四".into(),
            id("19900512", 224),
            String::new(),
            "翠屏路 8 号 2 单元".into(),
        ],
        [
            "欧阳修文".into(),
            id("20100203", 331),
            "0818-2123456".into(),
            "朝阳路 3 号".into(),
        ],
    ]
}

pub(crate) fn as_rows(v: &[[String; 4]]) -> Vec<[&str; 4]> {
    v.iter()
        .map(|r| [r[0].as_str(), r[1].as_str(), r[2].as_str(), r[3].as_str()])
        .collect()
}

#[tokio::test]
async fn a_four_column_file_imports_and_names_every_bad_cell() {
    let h = Hub::new().await;
    let good = people();
    let mut bad_check = id("19800101", 125);
    bad_check.pop();
    bad_check.push('0');
    let mut rows = as_rows(&good);
    rows.push(["王五", &bad_check, "", "朝阳路"]); // row 5: wrong check character
    rows.push(["赵六", &good[1][1], "", "朝阳路"]); // row 6: same person as row 3
    rows.push(["钱七", "511702199001011234", "12345", ""]); // row 7: phone and address
    let file = sheet(&rows);
    let report =
        h.t.app
            .registry()
            .import_persons(&h.commander, &file, Some(&h.grid))
            .await
            .unwrap();
    assert_eq!((report.inserted, report.rejected_rows), (3, 3));
    let cells: Vec<(usize, &str)> = report
        .rejected
        .iter()
        .map(|c| (c.row, c.column.as_str()))
        .collect();
    assert!(cells.contains(&(5, "公民身份号码")), "{cells:?}");
    assert!(cells.contains(&(6, "公民身份号码")), "{cells:?}");
    assert!(
        cells.contains(&(7, "联系方式")) && cells.contains(&(7, "现住址")),
        "{cells:?}"
    );
    assert!(
        report.rejected.iter().any(|c| c.reason.contains("校验位")),
        "{:?}",
        report.rejected
    );

    // The same file again changes nothing; a changed address updates that one person.
    let again =
        h.t.app
            .registry()
            .import_persons(&h.commander, &file, Some(&h.grid))
            .await
            .unwrap();
    assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 3));
    let mut moved = good.clone();
    moved[1][3] = "翠屏路 9 号".into();
    let changed =
        h.t.app
            .registry()
            .import_persons(&h.commander, &sheet(&as_rows(&moved)), Some(&h.grid))
            .await
            .unwrap();
    assert_eq!(
        (changed.inserted, changed.updated, changed.unchanged),
        (0, 1, 2)
    );

    // Without a grid column the grid must be given, and must be in scope.
    let refused =
        h.t.app
            .registry()
            .import_persons(&h.commander, &file, None)
            .await
            .unwrap_err();
    assert!(refused.to_string().contains("网格"), "{refused}");
    let other_grid =
        h.t.app
            .registry()
            .import_persons(&h.other_operator, &file, Some(&h.grid))
            .await
            .unwrap_err();
    assert!(matches!(other_grid, AppError::Invalid(_)), "{other_grid}");
    let missing = sheet(&[]);
    let columns = [Column::new("姓名", 8.0)];
    let only_name = write_sheet("人员", &columns, &[], None).unwrap();
    assert!(
        h.t.app
            .registry()
            .import_persons(&h.commander, &only_name, Some(&h.grid))
            .await
            .unwrap_err()
            .to_string()
            .contains("公民身份号码")
    );
    let empty =
        h.t.app
            .registry()
            .import_persons(&h.commander, &missing, Some(&h.grid))
            .await
            .unwrap();
    assert_eq!(empty.inserted + empty.rejected_rows, 0);
}

#[tokio::test]
async fn persons_are_found_masked_within_scope_and_revealed_for_a_reason() {
    let h = Hub::new().await;
    let good = people();
    h.t.app
        .registry()
        .import_persons(&h.commander, &sheet(&as_rows(&good)), Some(&h.grid))
        .await
        .unwrap();
    let operator = h.operator.user.clone().unwrap();
    let find = |q: PersonQuery| {
        let (app, user) = (h.t.app.clone(), operator.clone());
        async move { app.registry().persons(&user, &q).await }
    };
    let by_name = find(PersonQuery {
        q: Some("三丰".into()),
        ..Default::default()
    })
    .await
    .unwrap();
    assert_eq!(by_name.total.count, 1);
    let p = &by_name.rows[0];
    assert_eq!(
        (p.name.as_str(), p.phone.as_deref()),
        ("张**", Some("138****5678"))
    );
    assert!(p.id_number.starts_with("511702") && p.id_number.contains("****"));
    assert_eq!(
        (p.sex.as_str(), p.residence_label.as_str()),
        ("男", "户籍人口")
    );
    let json = serde_json::to_string(&by_name.rows).unwrap();
    assert!(
        !json.contains("张三丰") && !json.contains(&good[0][1]),
        "masked: {json}"
    );

    // Any two characters of a name; an address; an exact ID number or phone.
    for (q, want) in [
        ("欧阳", 1),
        ("阳修", 1),
        ("修文", 1),
        ("朝阳路", 2),
        ("翠屏", 1),
    ] {
        let found = find(PersonQuery {
            q: Some(q.into()),
            ..Default::default()
        })
        .await
        .unwrap();
        assert_eq!(found.total.count, want, "{q}");
    }
    let by_id = find(PersonQuery {
        id_number: Some(good[1][1].clone()),
        ..Default::default()
    })
    .await
    .unwrap();
    assert_eq!(by_id.rows[0].name, "李*");
    let by_phone = find(PersonQuery {
        phone: Some("0818-2123456".into()),
        ..Default::default()
    })
    .await
    .unwrap();
    assert_eq!(by_phone.total.count, 1);
    let too_short = find(PersonQuery {
        q: Some("张".into()),
        ..Default::default()
    })
    .await
    .unwrap_err();
    assert!(too_short.to_string().contains("2 个字"), "{too_short}");

    // Another township sees none of them; a department's handler none at all.
    let other = h.other_operator.user.clone().unwrap();
    assert_eq!(
        h.t.app
            .registry()
            .persons(&other, &PersonQuery::default())
            .await
            .unwrap()
            .total
            .count,
        0
    );
    let police = h.police.user.clone().unwrap();
    assert!(matches!(
        h.t.app
            .registry()
            .persons(&police, &PersonQuery::default())
            .await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        h.t.app.registry().person(&other, p.id).await,
        Err(AppError::NotFound(_))
    ));

    // The reveal: a reason is required; then the plain text, on the audit record.
    assert!(matches!(
        h.t.app
            .registry()
            .reveal_person(&h.operator, p.id, "看")
            .await,
        Err(AppError::Invalid(_))
    ));
    let plain =
        h.t.app
            .registry()
            .reveal_person(&h.operator, p.id, "核实走访对象身份")
            .await
            .unwrap();
    assert_eq!(
        (
            plain.name.as_str(),
            plain.id_number.as_str(),
            plain.phone.as_deref()
        ),
        ("张三丰", good[0][1].as_str(), Some("13812345678"))
    );
    assert!(matches!(
        h.t.app
            .registry()
            .reveal_person(&h.other_operator, p.id, "核实走访对象身份")
            .await,
        Err(AppError::NotFound(_))
    ));
}

#[tokio::test]
async fn the_api_imports_searches_and_reveals() {
    let h = Hub::new().await;
    let client = reqwest::Client::new();
    let res = client
        .get(h.t.url("/api/v1/persons/import/template"))
        .bearer_auth(&h.tokens.operator)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let template = read_first_sheet(&res.bytes().await.unwrap(), 10).unwrap();
    let headers: Vec<String> = template[0].iter().map(|c| c.text()).collect();
    assert_eq!(
        &headers[..4],
        ["姓名", "公民身份号码", "联系方式", "现住址"]
    );

    let good = people();
    let res = client
        .post(h.t.url(&format!("/api/v1/persons/import?grid={}", h.grid)))
        .bearer_auth(&h.tokens.operator)
        .body(sheet(&as_rows(&good)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let report: serde_json::Value = res.json().await.unwrap();
    assert_eq!(report["inserted"], 3);

    let list = h
        .get_json(
            &format!("/api/v1/persons?grid={}&q=李四", h.grid),
            &h.tokens.operator,
        )
        .await;
    assert_eq!(list["total"], 1);
    let id = list["items"][0]["id"].as_i64().unwrap();
    assert_eq!(list["items"][0]["name"], "李*");
    let one = h
        .get_json(&format!("/api/v1/persons/{id}"), &h.tokens.worker)
        .await;
    assert_eq!(one["residence"], "registered");
    let res = client
        .post(h.t.url(&format!("/api/v1/persons/{id}/reveal")))
        .bearer_auth(&h.tokens.operator)
        .json(&serde_json::json!({"reason": "核实走访对象身份"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let plain: serde_json::Value = res.json().await.unwrap();
    assert_eq!(plain["name"], "李四");
    let res = client
        .get(h.t.url("/api/v1/persons?id_number=123"))
        .bearer_auth(&h.tokens.operator)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let spec = h.get_text("/api/v1/openapi.json", &h.tokens.operator).await;
    assert!(spec.contains("/api/v1/persons/{id}/reveal"));

    // A large file can go as a job: 202, then its progress until the report.
    let res = client
        .post(h.t.url(&format!("/api/v1/persons/import/jobs?grid={}", h.grid)))
        .bearer_auth(&h.tokens.operator)
        .body(sheet(&as_rows(&good)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let job: serde_json::Value = res.json().await.unwrap();
    let path = format!(
        "/api/v1/persons/import/jobs/{}",
        job["id"].as_str().unwrap()
    );
    let mut state = job;
    for _ in 0..100 {
        if state["state"] != "running" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        state = h.get_json(&path, &h.tokens.operator).await;
    }
    assert_eq!(state["state"], "done", "{state}");
    assert_eq!(
        (
            state["percent"].as_u64(),
            state["report"]["unchanged"].as_u64()
        ),
        (Some(100), Some(3))
    );
    let res = client
        .post(h.t.url("/api/v1/persons/import/jobs?grid=511702999999999"))
        .bearer_auth(&h.tokens.operator)
        .body(sheet(&as_rows(&good)))
        .send()
        .await
        .unwrap();
    let failed: serde_json::Value = res.json().await.unwrap();
    let path = format!(
        "/api/v1/persons/import/jobs/{}",
        failed["id"].as_str().unwrap()
    );
    let mut state = failed;
    for _ in 0..100 {
        if state["state"] != "running" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        state = h.get_json(&path, &h.tokens.operator).await;
    }
    assert_eq!(state["state"], "failed");
    assert!(
        state["message"].as_str().unwrap().contains("网格"),
        "{state}"
    );
}

#[tokio::test]
async fn the_pages_import_search_and_reveal() {
    use reqwest::multipart::{Form, Part};
    let h = Hub::new().await;
    crate::add_user(
        &h.t,
        "registry_chief",
        "人口专干",
        "511702001",
        "operator",
        "Registry#Pages2026",
    )
    .await
    .unwrap();
    let mut ready = h.t.ready("registry_chief", "Registry#Pages2026").await;
    let c = crate::client();
    crate::web_login(&h.t, &c, &mut ready).await;

    let good = people();
    let form = Form::new().text("grid", h.grid.clone()).part(
        "file",
        Part::bytes(sheet(&as_rows(&good))).file_name("人员.xlsx"),
    );
    let res = c
        .post(h.t.url("/persons/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    // The import runs as a job: its page shows the progress, reloading itself, then the report.
    let job = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(job.starts_with("/persons/import/jobs/"), "{job}");
    let mut html = String::new();
    for _ in 0..100 {
        html = crate::page(&c, &h.t, &job).await;
        if !html.contains("http-equiv=\"refresh\"") {
            break;
        }
        assert!(html.contains("<progress"), "{html}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(html.contains("人新增") && html.contains(">3<"), "{html}");
    // Only its owner sees a job.
    let id = job.rsplit('/').next().unwrap();
    let operator = h.operator.user.clone().unwrap();
    assert!(matches!(
        h.t.app.registry().import_job(&operator, id).await,
        Err(AppError::NotFound(_))
    ));

    let list = crate::page(&c, &h.t, "/persons").await;
    assert!(
        list.contains("张**") && list.contains("138****5678"),
        "{list}"
    );
    assert!(
        !list.contains("张三丰") && !list.contains(&good[0][1]),
        "masked"
    );
    // A search by ID number is posted (kept out of URLs) and finds the one person.
    let found = c
        .post(h.t.url("/persons"))
        .form(&[("id_number", good[2][1].as_str())])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        found.contains("欧***") && !found.contains("李*<"),
        "{found}"
    );
    let id =
        h.t.app
            .registry()
            .persons(
                &h.operator.user.clone().unwrap(),
                &PersonQuery {
                    q: Some("李四".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .rows[0]
            .id;
    let res = c
        .post(h.t.url(&format!("/persons/{id}/reveal")))
        .form(&[("reason", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let shown = c
        .post(h.t.url(&format!("/persons/{id}/reveal")))
        .form(&[("reason", "核实走访对象身份")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        shown.contains("李四") && shown.contains(&good[1][1]),
        "{shown}"
    );
}

#[tokio::test]
async fn persons_with_one_household_number_form_a_household() {
    let h = Hub::new().await;
    let headers = [
        "姓名",
        "公民身份号码",
        "联系方式",
        "现住址",
        "户号",
        "与户主关系",
    ];
    let columns: Vec<Column> = headers
        .into_iter()
        .map(|c| Column::new(c, 12.0).text())
        .collect();
    let rows: Vec<Vec<String>> = [
        [
            "张大山",
            &id("19700101", 11),
            "朝阳路 5 号",
            "000123",
            "户主",
        ],
        [
            "李秀英",
            &id("19720202", 22),
            "朝阳路 5 号附 1 号",
            "000123",
            "妻",
        ],
        [
            "张小明",
            &id("20000303", 31),
            "朝阳路 5 号",
            "000123",
            "长子",
        ],
        ["王五", &id("19800101", 51), "翠屏路 1 号", "000123", "户主"],
        ["赵六", &id("19800101", 61), "翠屏路 2 号", "", "妻"],
        ["钱七", &id("19800101", 71), "翠屏路 3 号", "000456", "邻居"],
    ]
    .iter()
    .map(|[name, id, address, no, relation]| {
        vec![
            (*name).to_owned(),
            (*id).to_owned(),
            String::new(),
            (*address).to_owned(),
            (*no).to_owned(),
            (*relation).to_owned(),
        ]
    })
    .collect();
    let file = write_sheet("人员", &columns, &rows, None).unwrap();
    let report =
        h.t.app
            .registry()
            .import_persons(&h.commander, &file, Some(&h.grid))
            .await
            .unwrap();
    assert_eq!(
        (report.inserted, report.rejected_rows),
        (3, 3),
        "{report:?}"
    );
    let reasons: Vec<(usize, &str)> = report
        .rejected
        .iter()
        .map(|c| (c.row, c.reason.as_str()))
        .collect();
    assert!(
        reasons
            .iter()
            .any(|(r, why)| *r == 5 && why.contains("已有户主（第 2 行）")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|(r, why)| *r == 6 && why.contains("须同时填写户号")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|(r, why)| *r == 7 && why.contains("GB/T 4761")),
        "{reasons:?}"
    );

    let operator = h.operator.user.clone().unwrap();
    let households =
        h.t.app
            .registry()
            .households(&operator, &pingan_app::HouseholdQuery::default())
            .await
            .unwrap();
    assert_eq!(households.total.count, 1);
    let list = households.rows;
    assert_eq!(
        (
            list[0].household_no.as_str(),
            list[0].address.as_str(),
            list[0].members
        ),
        ("000123", "朝阳路 5 号", 3)
    );
    let one =
        h.t.app
            .registry()
            .household(&operator, list[0].id)
            .await
            .unwrap();
    let members: Vec<(Option<&str>, &str)> = one
        .members
        .iter()
        .map(|m| (m.relation.as_deref(), m.name.as_str()))
        .collect();
    assert_eq!(
        members,
        [
            (Some("户主"), "张**"),
            (Some("妻"), "李**"),
            (Some("长子"), "张**")
        ]
    );
    let by_address =
        h.t.app
            .registry()
            .households(
                &operator,
                &pingan_app::HouseholdQuery {
                    q: Some("朝阳路 5".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    assert_eq!(by_address.total.count, 1);
    let other = h.other_operator.user.clone().unwrap();
    assert!(matches!(
        h.t.app.registry().household(&other, list[0].id).await,
        Err(AppError::NotFound(_))
    ));
    assert_eq!(
        h.t.app
            .registry()
            .households(&other, &pingan_app::HouseholdQuery::default())
            .await
            .unwrap()
            .total
            .count,
        0
    );

    let again =
        h.t.app
            .registry()
            .import_persons(&h.commander, &file, Some(&h.grid))
            .await
            .unwrap();
    assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 3));
    let api = h
        .get_json(
            &format!("/api/v1/households/{}", list[0].id),
            &h.tokens.operator,
        )
        .await;
    assert_eq!(api["members"].as_array().unwrap().len(), 3);
    assert_eq!(api["household"]["household_no"], "000123");
    let sheet =
        h.t.app
            .registry()
            .export_households(
                &h.operator,
                &operator,
                &pingan_app::HouseholdQuery::default(),
            )
            .await
            .unwrap();
    let text = format!("{:?}", read_first_sheet(&sheet, 10).unwrap());
    assert!(
        text.contains("000123") && text.contains("共 1 户"),
        "{text}"
    );
    let theirs =
        h.t.app
            .registry()
            .export_households(
                &h.other_operator,
                &other,
                &pingan_app::HouseholdQuery::default(),
            )
            .await
            .unwrap();
    assert!(!format!("{:?}", read_first_sheet(&theirs, 10).unwrap()).contains("000123"));
}

#[tokio::test]
async fn a_person_is_added_from_the_phone_once() {
    let h = Hub::new().await;
    let worker = h.worker.user.clone().unwrap();
    let entry = pingan_app::PersonEntry {
        grid: h.grid.clone(),
        name: "周小燕".into(),
        id_number: id("19950505", 42),
        phone: "13700001234".into(),
        address: "朝阳路 12 号 3 单元 501".into(),
        residence: "流动人口".into(),
        household_no: "777001".into(),
        relation: "户主".into(),
        ..Default::default()
    };
    let added =
        h.t.app
            .registry()
            .add_person(&h.worker, &worker, &entry)
            .await
            .unwrap();
    assert_eq!(
        (added.name.as_str(), added.residence.as_str()),
        ("周**", "floating")
    );
    assert_eq!(added.relation.as_deref(), Some("户主"));
    assert!(matches!(
        h.t.app
            .registry()
            .add_person(&h.worker, &worker, &entry)
            .await,
        Err(AppError::Conflict(_))
    ));
    // A second member joins the household; its address stays the head's.
    let spouse = pingan_app::PersonEntry {
        name: "李大明".into(),
        id_number: id("19930303", 51),
        address: "朝阳路 12 号".into(),
        relation: "夫".into(),
        ..entry.clone()
    };
    let joined =
        h.t.app
            .registry()
            .add_person(&h.worker, &worker, &spouse)
            .await
            .unwrap();
    let household =
        h.t.app
            .registry()
            .household(&worker, joined.household_id.unwrap())
            .await
            .unwrap();
    assert_eq!(household.household.address, "朝阳路 12 号 3 单元 501");
    assert_eq!(household.members.len(), 2);
    let bad = pingan_app::PersonEntry {
        id_number: "511702199505050420".into(),
        ..entry.clone()
    };
    let e =
        h.t.app
            .registry()
            .add_person(&h.worker, &worker, &bad)
            .await
            .unwrap_err();
    assert!(e.to_string().contains("公民身份号码"), "{e}");
    let elsewhere = pingan_app::PersonEntry {
        grid: "511702104001001".into(),
        id_number: id("19800808", 61),
        ..entry.clone()
    };
    assert!(matches!(
        h.t.app
            .registry()
            .add_person(&h.worker, &worker, &elsewhere)
            .await,
        Err(AppError::Invalid(_))
    ));
    let res = reqwest::Client::new()
        .post(h.t.url("/api/v1/persons"))
        .bearer_auth(&h.tokens.worker)
        .json(
            &serde_json::json!({"grid": h.grid, "name": "吴三", "id_number": id("20010101", 71),
            "address": "翠屏路 1 号"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);

    // The phone's form: the person's page on success, the reason on the form otherwise.
    let pw = "Phone#QuickAdd2026";
    crate::add_user(&h.t, "wg_quick", "快录网格员", &h.grid, "grid_worker", pw)
        .await
        .unwrap();
    let mut ready = h.t.ready("wg_quick", pw).await;
    let c = crate::client();
    crate::web_login(&h.t, &c, &mut ready).await;
    let form = crate::page(&c, &h.t, "/persons/new").await;
    assert!(
        form.contains("登记人员") && form.contains(&h.grid),
        "{form}"
    );
    let fields = [
        ("grid", h.grid.as_str()),
        ("name", "郑小花"),
        ("id_number", &id("19880808", 81)),
        ("address", "翠屏路 2 号"),
        ("residence", "registered"),
    ];
    let res = c
        .post(h.t.url("/persons/new"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let again = c
        .post(h.t.url("/persons/new"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 409, "the form again, with the API's status");
    assert!(again.text().await.unwrap().contains("已登记"));
}

#[tokio::test]
async fn tags_mark_persons_and_find_them() {
    let h = Hub::new().await;
    h.t.app
        .registry()
        .import_persons(&h.commander, &sheet(&as_rows(&people())), Some(&h.grid))
        .await
        .unwrap();
    let worker = h.worker.user.clone().unwrap();
    let found =
        h.t.app
            .registry()
            .persons(&worker, &PersonQuery::default())
            .await
            .unwrap();
    let id = found.rows[0].id;
    let tags =
        h.t.app
            .registry()
            .set_person_tags(
                &h.worker,
                &worker,
                id,
                &["独居老人".into(), "disabled".into(), "独居老人".into()],
            )
            .await
            .unwrap();
    assert_eq!(tags, [("disabled", "残疾人"), ("living_alone", "独居老人")]);
    let alone =
        h.t.app
            .registry()
            .persons(
                &worker,
                &PersonQuery {
                    tag: Some("独居老人".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    assert_eq!(alone.rows.iter().map(|p| p.id).collect::<Vec<_>>(), [id]);
    assert!(matches!(
        h.t.app
            .registry()
            .set_person_tags(&h.worker, &worker, id, &["富豪".into()])
            .await,
        Err(AppError::Invalid(_))
    ));
    let other = h.other_operator.user.clone().unwrap();
    assert!(matches!(
        h.t.app
            .registry()
            .set_person_tags(&h.other_operator, &other, id, &[])
            .await,
        Err(AppError::NotFound(_))
    ));
    let res = reqwest::Client::new()
        .put(h.t.url(&format!("/api/v1/persons/{id}/tags")))
        .bearer_auth(&h.tokens.worker)
        .json(&serde_json::json!({"tags": ["veteran"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let now = h
        .get_json(&format!("/api/v1/persons/{id}/tags"), &h.tokens.operator)
        .await;
    assert_eq!(now["tags"], serde_json::json!(["veteran"]));
}

/// Polls an import job on `app` until it has ended.
async fn ended_job(app: &pingan_app::App, user: &CurrentUser, id: &str) -> ImportJobView {
    for _ in 0..200 {
        let job = app.registry().import_job(user, id).await.unwrap();
        if job.state != "running" {
            return job;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("import job {id} still running");
}

#[tokio::test]
async fn an_import_job_is_answered_by_every_instance_and_its_report_is_sealed() {
    let h = Hub::new().await;
    let other = h.t.another_instance().await;
    let user = h.operator.user.clone().unwrap();
    let good = people();
    let mut bad = id("19850303", 131);
    bad.pop();
    bad.push('0');
    let mut rows = as_rows(&good);
    rows.push(["王五", &bad, "", "朝阳路"]);
    let id =
        h.t.app
            .registry()
            .start_person_import(h.operator.clone(), sheet(&rows), Some(h.grid.clone()))
            .await
            .unwrap();
    // The second instance, which never saw the file, follows the job to its end.
    let job = ended_job(&other.app, &user, &id).await;
    assert_eq!(job.state, "done", "{job:?}");
    let report = job.report.unwrap();
    assert_eq!((report.inserted, report.rejected_rows), (3, 1));
    assert!(report.rejected.iter().any(|c| c.value == bad));
    assert_eq!((job.percent, job.progress.total), (100, 4));
    // Stored, the report does not show the refused ID number.
    let store = pingan_store::Store::connect(h.t.db.url()).await.unwrap();
    let sealed = store.job(&id).await.unwrap().unwrap().report.unwrap();
    assert!(
        !sealed.windows(bad.len()).any(|w| w == bad.as_bytes()),
        "the report is sealed at rest"
    );
    // Another user never sees it, on any instance.
    let commander = h.commander.user.clone().unwrap();
    assert!(matches!(
        other.app.registry().import_job(&commander, &id).await,
        Err(AppError::NotFound(_))
    ));

    // A running job whose instance stopped writing to it a minute ago is shown as interrupted;
    // starting the next job forgets those that ended more than a day before.
    let long_ago = chrono::Utc::now() - chrono::Duration::minutes(2);
    store
        .start_job("deadjob", "persons", user.id, long_ago, long_ago)
        .await
        .unwrap();
    let dead =
        h.t.app
            .registry()
            .import_job(&user, "deadjob")
            .await
            .unwrap();
    assert_eq!(dead.state, "failed");
    assert!(dead.message.unwrap().contains("导入中断"));
    store
        .end_job("deadjob", Err("测试"), long_ago - chrono::Duration::days(2))
        .await
        .unwrap();
    let next =
        h.t.app
            .registry()
            .start_person_import(
                h.operator.clone(),
                sheet(&as_rows(&good)),
                Some(h.grid.clone()),
            )
            .await
            .unwrap();
    assert!(store.job("deadjob").await.unwrap().is_none());
    assert_eq!(ended_job(&h.t.app, &user, &next).await.state, "done");
}

/// A part of an address in tens of thousands of addresses is found by reading the persons in
/// order (the pieces would collect every match before the first page): the same persons, within
/// scope, a name that matches still found, each exactly once across the pages.
#[tokio::test]
async fn an_address_part_in_many_addresses_finds_each_person_once() {
    let h = Hub::new().await;
    // More than a small scope holds, each piece of “单元” in more addresses than a narrow search.
    let mut rows: Vec<[String; 4]> = (0..20_050u16)
        .map(|i| {
            let birth = format!("{}{:02}01", 1950 + i / 100 % 50, 1 + i / 5_000);
            [
                format!("居民{}", ["甲", "乙", "丙", "丁", "戊"][usize::from(i % 5)]),
                id(&birth, 100 + i % 100),
                String::new(),
                format!("朝阳路 {} 号 {} 单元", i / 10, i % 10),
            ]
        })
        .collect();
    rows.push([
        "王单元".into(),
        id("19700707", 777),
        String::new(),
        "翠屏路 9 号".into(),
    ]);
    rows.push([
        "赵六".into(),
        id("19700708", 778),
        String::new(),
        "翠屏路 10 号".into(),
    ]);
    h.t.app
        .registry()
        .import_persons(&h.commander, &sheet(&as_rows(&rows)), Some(&h.grid))
        .await
        .unwrap();
    let operator = h.operator.user.clone().unwrap();
    let mut seen = std::collections::HashSet::new();
    let mut after = None;
    loop {
        let page =
            h.t.app
                .registry()
                .persons(
                    &operator,
                    &PersonQuery {
                        q: Some("单元".into()),
                        after: after.take(),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
        assert_eq!(
            (page.total.count, page.total.exact),
            (10_000, false),
            "counted up to 10,000"
        );
        for p in &page.rows {
            assert!(seen.insert(p.id), "person {} twice", p.id);
            assert!(p.address.contains("单元") || p.name == "王**", "{p:?}");
        }
        match page.after {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(seen.len(), 20_051);
    // Another township's operator finds none of them by the same words.
    let other = h.other_operator.user.clone().unwrap();
    let theirs =
        h.t.app
            .registry()
            .persons(
                &other,
                &PersonQuery {
                    q: Some("单元".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    assert_eq!((theirs.total.count, theirs.rows.len()), (0, 0));
}
