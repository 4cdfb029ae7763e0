//! The division codes: the shipped villages in every database, and a newer edition imported.

use crate::api::get;
use pingan_app::Actor;
use pingan_domain::division::villages;
use pingan_store::Store;
use pingan_testkit::TestApp;

/// The current villages under `prefix`, as `(code, name, provenance)`.
async fn villages_under(t: &TestApp, prefix: &str) -> Vec<(String, String, String)> {
    let store = Store::connect(t.db.url()).await.unwrap();
    let out = store
        .org_units_under(prefix)
        .await
        .unwrap()
        .into_iter()
        .filter(|u| u.level == "village")
        .map(|u| (u.code, u.name, u.provenance))
        .collect();
    store.close().await;
    out
}

/// 东城街道's rows as a newer edition would list them: 二马路 renamed, the last community gone,
/// one new, plus a row of a township this installation lacks and a malformed code.
fn edition_2024() -> String {
    let mut text = String::from("# 2024 年版（测试）\ncode,name,streetCode\n");
    let dongcheng: Vec<_> = villages().filter(|v| v.township() == "511702001").collect();
    let (last, kept) = dongcheng.split_last().unwrap();
    assert_eq!(last.code, "511702001015");
    for v in kept {
        let name = if v.code == "511702001001" {
            "二马路新社区居民委员会"
        } else {
            v.committee
        };
        text.push_str(&format!("{},\"{name}\",511702001\n", v.code));
    }
    text.push_str("511702001099,\"新建社区居民委员会\",511702001\n");
    text.push_str("511799001001,\"外县社区居民委员会\",511799001\n");
    text.push_str("5117020010,\"短代码\",511702001\n");
    text
}

#[tokio::test]
async fn every_database_has_the_209_official_villages() {
    let t = TestApp::spawn().await;
    let all = villages_under(&t, "511702").await;
    assert_eq!(all.len(), 209);
    assert!(
        all.iter()
            .all(|(_, _, provenance)| provenance == "official")
    );
}

#[tokio::test]
async fn a_newer_edition_adds_renames_and_retires_and_survives_a_restart() {
    let t = TestApp::spawn().await;
    let report = t
        .app
        .org()
        .import_divisions(&Actor::cli(), &edition_2024(), "2024")
        .await
        .unwrap();
    assert_eq!(
        (
            report.added,
            report.renamed,
            report.retired,
            report.unchanged
        ),
        (1, 1, 1, 13)
    );
    let reasons: Vec<_> = report
        .rejected
        .iter()
        .map(|r| (r.0, r.2.as_str()))
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(
        reasons[0].1.contains("511799001") && reasons[0].0 == 18,
        "{reasons:?}"
    );
    assert!(reasons[1].1.contains("12"), "{reasons:?}");

    let names = |all: Vec<(String, String, String)>| {
        all.into_iter()
            .map(|(code, name, _)| (code, name))
            .collect::<Vec<_>>()
    };
    let after = names(villages_under(&t, "511702001").await);
    assert_eq!(after.len(), 15);
    assert!(after.contains(&("511702001001".into(), "二马路新社区".into())));
    assert!(after.contains(&("511702001099".into(), "新建社区".into())));
    assert!(!after.iter().any(|(c, _)| c == "511702001015"), "retired");

    // A restart syncs the shipped 2023 rows, but the imported 2024 edition stands.
    let _restarted = t.another_instance().await;
    assert_eq!(names(villages_under(&t, "511702001").await), after);
}

#[tokio::test]
async fn only_the_system_administrator_imports_and_bad_input_is_refused() {
    let (t, demo) = TestApp::spawn_demo().await;
    let pw = demo.account_password.unwrap();
    let (operator, _) = crate::events::actor(&t, "op511702001", &pw).await;
    let e = t
        .app
        .org()
        .import_divisions(&operator, &edition_2024(), "2024")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("无权"), "{e}");
    let e = t
        .app
        .org()
        .import_divisions(&Actor::cli(), &edition_2024(), "24")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("年份"), "{e}");
    let e = t
        .app
        .org()
        .import_divisions(&Actor::cli(), "id,title\n1,x\n", "2024")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("code 和 name"), "{e}");
}

#[tokio::test]
async fn the_outline_is_served_and_every_demo_grid_lies_inside_it() {
    let (t, demo) = TestApp::spawn_demo().await;
    let tok = crate::ready_token(&t, "commander", &demo).await;
    let (_, outline) = get(&t, &tok, "/api/v1/district-outline").await;
    let features = outline["features"].as_array().unwrap();
    assert_eq!(
        features.len(),
        7,
        "通川区 and the six other counties of 达州"
    );
    let district = district_of(&outline);

    let (_, grids) = get(&t, &tok, "/api/v1/grids").await;
    let grids = grids["features"].as_array().unwrap();
    assert_eq!(grids.len(), 36);
    for g in grids {
        let label = &g["properties"]["label"];
        let (x, y) = (label[0].as_f64().unwrap(), label[1].as_f64().unwrap());
        assert!(
            district.contains(x, y),
            "{} at ({x}, {y})",
            g["properties"]["code"]
        );
        for p in g["geometry"]["coordinates"][0].as_array().unwrap() {
            let (x, y) = (p[0].as_f64().unwrap(), p[1].as_f64().unwrap());
            assert!(
                district.contains(x, y),
                "corner ({x}, {y}) of {}",
                g["properties"]["code"]
            );
        }
    }
    let anonymous = crate::client()
        .get(t.url("/api/v1/district-outline"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), reqwest::StatusCode::UNAUTHORIZED);
}

/// This district's polygon in a served outline, which marks exactly one feature as the district.
fn district_of(outline: &serde_json::Value) -> pingan_geo::Polygon {
    let own: Vec<_> = outline["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["district"] == true)
        .collect();
    assert_eq!(own.len(), 1);
    assert_eq!(own[0]["properties"]["name"], "通川区");
    let ring: Vec<[f64; 2]> = own[0]["geometry"]["coordinates"][0][0]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| [p[0].as_f64().unwrap(), p[1].as_f64().unwrap()])
        .collect();
    pingan_geo::Polygon::from_ring(ring).unwrap()
}

/// The district-scale demo: its grids, its 160 events and its 3,652 cameras all lie inside the
/// district's outline.
#[tokio::test]
async fn every_point_of_the_district_demo_lies_inside_the_outline() {
    use pingan_app::demo::DemoScale;
    let t = TestApp::spawn().await;
    let demo = t.app.load_demo(DemoScale::District).await.unwrap();
    let tok = crate::ready_token(&t, "commander", &demo).await;
    let (_, outline) = get(&t, &tok, "/api/v1/district-outline").await;
    let district = district_of(&outline);
    let store = Store::connect(t.db.url()).await.unwrap();

    let grids = store.grids_under("511702").await.unwrap();
    assert_eq!(grids.len(), 453);
    for g in &grids {
        assert!(
            district.contains(g.label_lon, g.label_lat),
            "grid {}",
            g.code
        );
    }
    let scope = pingan_domain::Scope::org(pingan_domain::OrgCode::parse("511702").unwrap());
    let events = store
        .events(&scope, &pingan_store::EventFilter::default(), 1000)
        .await
        .unwrap();
    assert!(events.len() >= 160, "{}", events.len());
    for e in &events {
        let (Some(lon), Some(lat)) = (e.detail.lon, e.detail.lat) else {
            continue;
        };
        assert!(
            district.contains(lon, lat),
            "event {} at ({lon}, {lat})",
            e.case.id
        );
    }
    let cameras = store
        .channel_rows(&pingan_store::ChannelFilter {
            limit: 10_000,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(cameras.len(), 3_652);
    for c in &cameras {
        let (Some(lon), Some(lat)) = (c.lon, c.lat) else {
            continue;
        };
        assert!(
            district.contains(lon, lat),
            "camera {} at ({lon}, {lat})",
            c.channel_id
        );
    }
    store.close().await;
}
