//! 三级综治中心: a village or community station (村（社区）综治服务站) owns what it takes in,
//! works it with the township's and district's departments, and escalates one level at a time;
//! a neighbouring village's station sees none of it.

use crate::events::{Hub, TOWNSHIP, actor};
use pingan_app::{ActionRequest, AppError, NewRoutingRule};

/// The code of another village of the same township as `village`.
async fn neighbour_of(h: &Hub, village: &str) -> String {
    let grids =
        h.t.app
            .org()
            .grid_features(h.commander.user.as_ref().unwrap())
            .await
            .unwrap();
    grids["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["code"].as_str().unwrap()[..12].to_owned())
        .find(|v| v.starts_with(TOWNSHIP) && v != village)
        .unwrap()
}

#[tokio::test]
async fn a_village_station_works_its_own_events_and_escalates_one_level_at_a_time() {
    let h = Hub::new().await;
    let village = h.grid[..12].to_owned();
    let (station, _) = actor(&h.t, &format!("op{village}"), &h.password).await;
    let neighbour_village = neighbour_of(&h, &village).await;
    let (neighbour, _) = actor(&h.t, &format!("op{neighbour_village}"), &h.password).await;

    // Taken in at the station's counter: the station owns it.
    let e =
        h.t.app
            .cases()
            .report_event(&station, &h.intake("vil-0001", "治安隐患", "村口路灯损坏"))
            .await
            .unwrap()
            .event;
    assert_eq!(e.owner_org, village);
    // The grid worker's own report still goes to the township hub.
    assert_eq!(h.report("vil-0002").await.owner_org, TOWNSHIP);

    // The neighbouring village's station neither sees nor works it.
    for action in ["accept", "escalate"] {
        let err = h.act(&neighbour, e.id, action).await.unwrap_err();
        assert!(matches!(err, AppError::NotFound(_)), "{action}: {err}");
    }
    assert!(matches!(
        h.t.app.cases().event_detail(&neighbour, e.id).await,
        Err(AppError::NotFound(_))
    ));
    let theirs =
        h.t.app
            .cases()
            .report_event(&neighbour, &h.intake("vil-0003", "治安隐患", "邻村的事"))
            .await;
    assert!(
        theirs.is_err(),
        "a station takes in events of its own village only"
    );

    // The station runs the whole flow with the township's police station.
    h.act(&station, e.id, "accept").await.unwrap();
    h.act(&station, e.id, "register").await.unwrap();
    let dispatched = h
        .act_with(
            &station,
            e.id,
            ActionRequest {
                action: "dispatch".into(),
                department_id: Some(h.police_id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(dispatched.state, "dispatched");
    h.act(&h.police, e.id, "sign").await.unwrap();
    h.with_reason(&h.police, e.id, "feedback", "已更换灯泡")
        .await
        .unwrap();
    let closed = h.act(&station, e.id, "verify").await.unwrap();
    assert_eq!(closed.state, "closed");

    // 提级: village → township → district, one level at a time.
    let e =
        h.t.app
            .cases()
            .report_event(&station, &h.intake("vil-0004", "治安隐患", "宅基地纠纷"))
            .await
            .unwrap()
            .event;
    h.act(&station, e.id, "accept").await.unwrap();
    let up = h
        .with_reason(&station, e.id, "escalate", "涉及两个村，需乡镇协调")
        .await
        .unwrap();
    assert_eq!(up.owner_org, TOWNSHIP);
    let err = h.act(&station, e.id, "register").await.unwrap_err();
    assert!(
        matches!(err, AppError::Forbidden(_)),
        "the township hub owns it now: {err}"
    );
    assert!(
        h.t.app.cases().event_detail(&station, e.id).await.is_ok(),
        "the station still follows an event of its village"
    );
    let up = h
        .with_reason(&h.operator, e.id, "escalate", "跨乡镇")
        .await
        .unwrap();
    assert_eq!(up.owner_org, "511702");
}

#[tokio::test]
async fn routing_rules_may_name_a_village_station_but_not_a_grid() {
    let h = Hub::new().await;
    let village = h.grid[..12].to_owned();
    let rule = |owner: &str| NewRoutingRule {
        category_prefix: String::new(),
        area_prefix: village.clone(),
        owner_org: owner.into(),
        department_id: None,
    };
    h.t.app
        .cases()
        .add_routing_rule(&h.commander, rule(&village))
        .await
        .unwrap();
    assert_eq!(h.report("vil-0101").await.owner_org, village);
    let err =
        h.t.app
            .cases()
            .add_routing_rule(&h.commander, rule(&h.grid))
            .await
            .unwrap_err();
    assert!(err.to_string().contains("网格不能作为承办中心"), "{err}");
}
