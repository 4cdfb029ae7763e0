//! 场所与组织: places import with every bad cell named and an organisation keyed by its credit
//! code; scope; rental houses take their tenants from the persons of the registry.

use crate::events::Hub;
use pingan_app::sheet::{Column, write_sheet};
use pingan_app::{AppError, PlaceQuery};

/// Two real-looking codes with valid check characters.
pub(crate) const SHOP: &str = "91350100M000100Y43";
const ORG: &str = "91110000600037341L";

pub(crate) fn sheet(rows: &[[&str; 6]]) -> Vec<u8> {
    let columns: Vec<Column> = [
        "名称",
        "类别",
        "地址",
        "统一社会信用代码",
        "负责人",
        "负责人电话",
    ]
    .into_iter()
    .map(|h| Column::new(h, 12.0).text())
    .collect();
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
        .collect();
    write_sheet("场所", &columns, &rows, None).unwrap()
}

#[tokio::test]
async fn places_import_keyed_by_credit_code_and_are_seen_within_scope() {
    let h = Hub::new().await;
    let rows = [
        [
            "二马路小学",
            "学校",
            "通川区二马路 10 号",
            "",
            "王校长",
            "13800001111",
        ],
        [
            "川东物流有限公司",
            "非公有制经济组织",
            "通川区西外大街 8 号",
            SHOP,
            "李经理",
            "",
        ],
        ["凤凰山志愿者协会", "社会组织", "凤凰大道 1 号", ORG, "", ""],
        ["无码公司", "非公有制经济组织", "朝阳路 2 号", "", "", ""],
        [
            "坏码公司",
            "企业",
            "朝阳路 3 号",
            "91350100M000100Y44",
            "",
            "",
        ],
        [
            "朝阳路 5 号出租屋",
            "出租房屋",
            "朝阳路 5 号",
            "",
            "房东张",
            "0818-2123456",
        ],
    ];
    let report =
        h.t.app
            .registry()
            .import_places(&h.commander, &sheet(&rows), Some(&h.grid))
            .await
            .unwrap();
    assert_eq!(
        (report.inserted, report.rejected_rows),
        (4, 2),
        "{report:?}"
    );
    let cells: Vec<(usize, &str)> = report
        .rejected
        .iter()
        .map(|c| (c.row, c.column.as_str()))
        .collect();
    assert!(cells.contains(&(5, "统一社会信用代码")), "{cells:?}");
    assert!(
        cells.contains(&(6, "类别")) && cells.contains(&(6, "统一社会信用代码")),
        "{cells:?}"
    );

    // The same file again updates, never duplicates; a renamed organisation is the same one.
    let mut renamed = rows;
    renamed[1][0] = "川东物流股份有限公司";
    let again =
        h.t.app
            .registry()
            .import_places(&h.commander, &sheet(&renamed), Some(&h.grid))
            .await
            .unwrap();
    assert_eq!((again.inserted, again.updated), (0, 4));

    let operator = h.operator.user.clone().unwrap();
    let listed =
        h.t.app
            .registry()
            .places(&operator, &PlaceQuery::default())
            .await
            .unwrap();
    assert_eq!(listed.total.count, 4);
    let all = listed.rows;
    let firm = all
        .iter()
        .find(|p| p.credit_code.as_deref() == Some(SHOP))
        .unwrap();
    assert_eq!(firm.name, "川东物流股份有限公司");
    let school = all.iter().find(|p| p.category == "school").unwrap();
    assert_eq!(
        (school.principal.as_deref(), school.phone.as_deref()),
        (Some("王**"), Some("138****1111"))
    );
    let by_code =
        h.t.app
            .registry()
            .places(
                &operator,
                &PlaceQuery {
                    q: Some(ORG.to_lowercase()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    assert_eq!(by_code.total.count, 1);
    let schools =
        h.t.app
            .registry()
            .places(
                &operator,
                &PlaceQuery {
                    category: Some("学校".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    assert_eq!(schools.total.count, 1);
    let other = h.other_operator.user.clone().unwrap();
    assert_eq!(
        h.t.app
            .registry()
            .places(&other, &PlaceQuery::default())
            .await
            .unwrap()
            .total
            .count,
        0
    );
    assert!(matches!(
        h.t.app.registry().place(&other, school.id).await,
        Err(AppError::NotFound(_))
    ));
    let police = h.police.user.clone().unwrap();
    assert!(matches!(
        h.t.app
            .registry()
            .places(&police, &PlaceQuery::default())
            .await,
        Err(AppError::Forbidden(_))
    ));

    // The principal in plain text: for a reason, to those allowed, audited either way.
    let plain =
        h.t.app
            .registry()
            .reveal_place(&h.operator, school.id, "联系负责人整改隐患")
            .await
            .unwrap();
    assert_eq!(
        (plain.principal.as_deref(), plain.phone.as_deref()),
        (Some("王校长"), Some("13800001111"))
    );
    assert!(matches!(
        h.t.app
            .registry()
            .reveal_place(&h.other_operator, school.id, "联系负责人整改隐患")
            .await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        h.t.app
            .registry()
            .reveal_place(&h.operator, school.id, "看")
            .await,
        Err(AppError::Invalid(_))
    ));

    // The list exports, masked or — for a reason — plain, with the exporter in the file.
    let masked =
        h.t.app
            .registry()
            .export_places(&h.operator, &operator, &PlaceQuery::default(), None)
            .await
            .unwrap();
    let text = format!(
        "{:?}",
        pingan_app::sheet::read_first_sheet(&masked, 100).unwrap()
    );
    assert!(
        text.contains("王**") && !text.contains("王校长") && text.contains("共 4 处"),
        "{text}"
    );
    let plain =
        h.t.app
            .registry()
            .export_places(
                &h.operator,
                &operator,
                &PlaceQuery {
                    category: Some("school".into()),
                    ..Default::default()
                },
                Some("报送教育局核对"),
            )
            .await
            .unwrap();
    let text = format!(
        "{:?}",
        pingan_app::sheet::read_first_sheet(&plain, 100).unwrap()
    );
    assert!(
        text.contains("王校长") && text.contains("13800001111") && !text.contains("川东物流"),
        "{text}"
    );
    let theirs =
        h.t.app
            .registry()
            .export_places(&h.other_operator, &other, &PlaceQuery::default(), None)
            .await
            .unwrap();
    assert!(
        !format!(
            "{:?}",
            pingan_app::sheet::read_first_sheet(&theirs, 100).unwrap()
        )
        .contains("二马路小学")
    );

    // A rental house's tenants come from the registry, by ID number, within scope.
    let people = crate::persons::people();
    h.t.app
        .registry()
        .import_persons(
            &h.commander,
            &crate::persons::sheet(&crate::persons::as_rows(&people)),
            Some(&h.grid),
        )
        .await
        .unwrap();
    let house = all.iter().find(|p| p.category == "rental_house").unwrap();
    let with =
        h.t.app
            .registry()
            .add_tenant(&h.operator, &operator, house.id, &people[1][1])
            .await
            .unwrap();
    assert_eq!(with.tenants.len(), 1);
    assert_eq!(with.tenants[0].name, "李*");
    assert_eq!(with.place.tenants, 1);
    let unknown = crate::persons::id("19991231", 9);
    assert!(matches!(
        h.t.app
            .registry()
            .add_tenant(&h.operator, &operator, house.id, &unknown)
            .await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        h.t.app
            .registry()
            .add_tenant(&h.operator, &operator, school.id, &people[0][1])
            .await,
        Err(AppError::Invalid(_))
    ));
    let left =
        h.t.app
            .registry()
            .end_tenant(&h.operator, &operator, house.id, with.tenants[0].id)
            .await
            .unwrap();
    assert!(left.tenants.is_empty());

    // Any other house keeps who lives in it the same way.
    let home =
        h.t.app
            .registry()
            .save_place(
                &h.operator,
                &operator,
                &pingan_app::PlaceEntry {
                    grid: h.grid.clone(),
                    name: "朝阳路 7 号".into(),
                    category: "房屋".into(),
                    address: "朝阳路 7 号".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    assert_eq!(home.residents_label.as_deref(), Some("居住人"));
    let lived =
        h.t.app
            .registry()
            .add_tenant(&h.operator, &operator, home.id, &people[0][1])
            .await
            .unwrap();
    assert_eq!(lived.tenants.len(), 1);
    assert_eq!(school.residents_label, None);
}

#[tokio::test]
async fn the_api_and_pages_enter_and_show_places() {
    let h = Hub::new().await;
    let client = reqwest::Client::new();
    let res = client
        .post(h.t.url("/api/v1/places"))
        .bearer_auth(&h.tokens.worker)
        .json(&serde_json::json!({"grid": h.grid, "name": "通川快递驿站", "category": "logistics",
            "address": "朝阳路 9 号", "principal": "赵站长", "phone": "13912345678", "attention": "关注"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let place: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        (
            place["category_label"].as_str(),
            place["attention"].as_str()
        ),
        (Some("寄递物流网点"), Some("watch"))
    );
    let res = client
        .post(h.t.url("/api/v1/places"))
        .bearer_auth(&h.tokens.worker)
        .json(&serde_json::json!({"grid": "511702018001001", "name": "外乡镇的店", "category": "market", "address": "某处"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400, "another township's grid");
    let list = h
        .get_json(
            &format!("/api/v1/places?grid={}&category=logistics", h.grid),
            &h.tokens.operator,
        )
        .await;
    assert_eq!(list["total"], 1);
    let id = list["items"][0]["id"].as_i64().unwrap();
    let one = h
        .get_json(&format!("/api/v1/places/{id}"), &h.tokens.operator)
        .await;
    assert_eq!(one["place"]["phone"], "139****5678");
    let spec = h.get_text("/api/v1/openapi.json", &h.tokens.operator).await;
    assert!(spec.contains("/api/v1/places/{id}/tenants") && spec.contains("/api/v1/places/export"));
    let res = client
        .get(h.t.url("/api/v1/places/export?category=logistics"))
        .bearer_auth(&h.tokens.operator)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let sheet = pingan_app::sheet::read_first_sheet(&res.bytes().await.unwrap(), 10).unwrap();
    assert!(format!("{sheet:?}").contains("通川快递驿站"));

    let pw = "Places#Pages2026";
    crate::add_user(
        &h.t,
        "place_keeper",
        "场所专干",
        "511702001",
        "operator",
        pw,
    )
    .await
    .unwrap();
    let mut ready = h.t.ready("place_keeper", pw).await;
    let c = crate::client();
    crate::web_login(&h.t, &c, &mut ready).await;
    let res = c
        .post(h.t.url("/places"))
        .form(&[
            ("grid", h.grid.as_str()),
            ("name", "二马路农贸市场"),
            ("category", "market"),
            ("address", "二马路 30 号"),
            ("credit_code", ""),
            ("principal", ""),
            ("phone", ""),
            ("headcount", "120"),
            ("attention", "normal"),
            ("hazard", "消防通道堆放杂物"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let page = crate::page(&c, &h.t, res.headers()["location"].to_str().unwrap()).await;
    assert!(
        page.contains("二马路农贸市场") && page.contains("消防通道堆放杂物"),
        "{page}"
    );
    let list = crate::page(&c, &h.t, "/places").await;
    assert!(
        list.contains("通川快递驿站") && list.contains("赵**"),
        "{list}"
    );
    let bad = c
        .post(h.t.url("/places"))
        .form(&[
            ("grid", h.grid.as_str()),
            ("name", "某公司"),
            ("category", "enterprise"),
            ("address", "某路"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.unwrap().contains("统一社会信用代码"));
    let shown = c
        .post(h.t.url(&format!("/places/{id}")))
        .form(&[("reason", "联系站长核实寄递实名制")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        shown.contains("赵站长") && shown.contains("13912345678"),
        "{shown}"
    );
    let template = c
        .get(h.t.url("/places/import/template"))
        .send()
        .await
        .unwrap();
    assert_eq!(template.status(), 200);
}
