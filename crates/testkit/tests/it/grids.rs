//! Importing a district's real grid boundaries.

use pingan_app::{Actor, AppError};
use pingan_testkit::TestApp;
use serde_json::json;

fn square(lon: f64, lat: f64) -> serde_json::Value {
    let d = 0.01;
    json!({"type": "Polygon", "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]]})
}

fn feature(
    code: &str,
    name: &str,
    extra: serde_json::Value,
    geometry: serde_json::Value,
) -> serde_json::Value {
    let mut props = json!({"code": code, "name": name});
    if let (Some(p), Some(e)) = (props.as_object_mut(), extra.as_object()) {
        p.extend(e.clone());
    }
    json!({"type": "Feature", "properties": props, "geometry": geometry})
}

#[tokio::test]
async fn valid_features_are_saved_and_each_refusal_says_why() {
    let t = TestApp::spawn().await;
    let doc = json!({"type": "FeatureCollection", "features": [
        feature("511702001001001", "二马路社区第一网格", json!({}), square(107.49, 31.21)),
        feature("511702102201001", "青龙村网格", json!({"village_name": "青龙村"}), square(107.40, 31.10)),
        feature("51170200100100", "短编码", json!({}), square(107.0, 31.0)),
        feature("511702102203001", "无名村网格", json!({}), square(107.41, 31.10)),
        feature("511702001001002", "坏边界", json!({}), json!({"type": "Point", "coordinates": [107.5, 31.2]})),
        feature("511799001001001", "外区", json!({}), square(107.0, 31.0)),
        feature("511702001001001", "重复", json!({}), square(107.49, 31.21)),
    ]});
    let report = t
        .app
        .org()
        .import_grids(&Actor::cli(), &doc.to_string())
        .await
        .unwrap();
    assert_eq!((report.saved, report.villages_created), (2, 1));
    let reasons: Vec<(usize, &str)> = report
        .rejected
        .iter()
        .map(|(n, _, r)| (*n, r.as_str()))
        .collect();
    assert_eq!(reasons.len(), 5, "{reasons:?}");
    assert!(reasons[0].1.contains("code") && reasons[0].0 == 3);
    assert!(reasons[1].1.contains("village_name"));
    assert!(reasons[2].1.contains("Polygon"));
    assert!(reasons[3].1.contains("511799001"));
    assert!(reasons[4].1.contains("重复"));

    // The imported grids answer point lookups at once.
    crate::add_user(&t, "mapper", "", "511702", "leader", "Map#Reader2026")
        .await
        .unwrap();
    let user = t
        .app
        .access()
        .login("mapper", "Map#Reader2026", None)
        .await
        .unwrap()
        .user;
    let located = t.app.org().locate(&user, 31.105, 107.405).await.unwrap();
    assert_eq!(located.grid_code, "511702102201001");
    assert_eq!(located.chain[2].name, "青龙村");

    // Importing again updates names and boundaries and adds nothing.
    let moved = json!({"type": "FeatureCollection", "features": [
        feature("511702102201001", "青龙村一网格", json!({}), square(107.60, 31.30)),
    ]});
    let again = t
        .app
        .org()
        .import_grids(&Actor::cli(), &moved.to_string())
        .await
        .unwrap();
    assert_eq!((again.saved, again.villages_created), (1, 0));
    assert_eq!(
        t.app
            .org()
            .locate(&user, 31.305, 107.605)
            .await
            .unwrap()
            .grid_name,
        "青龙村一网格"
    );
    assert!(
        t.app.org().locate(&user, 31.105, 107.405).await.is_err(),
        "the old boundary is gone"
    );
}

#[tokio::test]
async fn only_the_system_administrator_imports_and_bad_files_are_refused() {
    let t = TestApp::spawn().await;
    crate::add_user(&t, "notadmin", "", "511702", "commander", "Not#Admin2026")
        .await
        .unwrap();
    let user = t
        .app
        .access()
        .login("notadmin", "Not#Admin2026", None)
        .await
        .unwrap()
        .user;
    let doc = json!({"type": "FeatureCollection", "features": []}).to_string();
    assert!(matches!(
        t.app
            .org()
            .import_grids(&Actor::user(user, None), &doc)
            .await,
        Err(AppError::Forbidden(_))
    ));
    let e = t
        .app
        .org()
        .import_grids(&Actor::cli(), "{not json")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("GeoJSON"), "{e}");
    let e = t
        .app
        .org()
        .import_grids(&Actor::cli(), r#"{"type": "Feature"}"#)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("FeatureCollection"), "{e}");
}

#[tokio::test]
async fn a_running_server_picks_up_grids_imported_elsewhere() {
    let t = TestApp::spawn().await;
    // A second process on the same database, as `pingan import grids` is.
    let keys = std::sync::Arc::new(pingan_app::MasterKey::from_bytes([1; 32]));
    let other = pingan_app::App::open(t.db.url(), pingan_app::AppConfig::default(), keys)
        .await
        .unwrap();
    let doc = json!({"type": "FeatureCollection", "features": [
        feature("511702001001001", "二马路社区第一网格", json!({}), square(107.49, 31.21)),
    ]});
    other
        .org()
        .import_grids(&Actor::cli(), &doc.to_string())
        .await
        .unwrap();

    crate::add_user(&t, "watcher", "", "511702", "leader", "Watch#Grids2026")
        .await
        .unwrap();
    let user = t
        .app
        .access()
        .login("watcher", "Watch#Grids2026", None)
        .await
        .unwrap()
        .user;
    assert!(
        t.app.org().locate(&user, 31.215, 107.495).await.is_err(),
        "not yet seen"
    );
    assert!(t.app.org().refresh_grid_index().await.unwrap());
    assert_eq!(
        t.app
            .org()
            .locate(&user, 31.215, 107.495)
            .await
            .unwrap()
            .grid_code,
        "511702001001001"
    );
    assert!(
        !t.app.org().refresh_grid_index().await.unwrap(),
        "nothing new the second time"
    );
    other.close().await;
}
