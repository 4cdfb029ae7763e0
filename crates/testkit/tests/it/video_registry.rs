//! The video-resource registry: importing cameras from a spreadsheet (and refusing bad cells with
//! their reasons), the lists and pages within scope, the nearest cameras of an event, and the
//! 点亮率 per network and day by day.

use crate::events::Hub;
use pingan_app::sheet::{Column, read_first_sheet, write_sheet};
use pingan_app::{AppError, ChannelQuery, DeviceQuery};
use reqwest::multipart::{Form, Part};
use serde_json::Value;

const NVR: &str = "51170200011180000001";
const OTHER_NVR: &str = "51170200011180000002";

fn headers() -> Vec<Column> {
    [
        "设备编码",
        "设备名称",
        "通道编码",
        "摄像机名称",
        "网络",
        "功能",
        "重点部位",
        "经度（WGS-84）",
        "纬度（WGS-84）",
        "地址",
        "建设单位",
        "运维单位",
        "设备密码",
    ]
    .into_iter()
    .map(|h| Column::new(h, 10.0))
    .collect()
}

/// A registry file: three good cameras on two NVRs near `point`, and five bad rows.
pub(crate) fn registry(point: (f64, f64)) -> Vec<u8> {
    let (lon, lat) = (point.0.to_string(), point.1.to_string());
    let row = |dev: &str, ch: &str, name: &str, net: &str, cap: &str, lon: &str, pw: &str| {
        [
            dev,
            "东城NVR",
            ch,
            name,
            net,
            cap,
            "主要路口",
            lon,
            &lat,
            "朝阳路口",
            "政法委",
            "某公司",
            pw,
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect::<Vec<_>>()
    };
    let rows = vec![
        row(
            NVR,
            "51170200011320000001",
            "朝阳路口东",
            "雪亮工程",
            "普通",
            &lon,
            "own-pass-1",
        ),
        row(
            NVR,
            "51170200011320000002",
            "朝阳路口西",
            "xueliang",
            "人脸抓拍",
            &lon,
            "",
        ),
        row(
            OTHER_NVR,
            "51170200011320000003",
            "菜市场",
            "天网工程",
            "车牌识别",
            &lon,
            "",
        ),
        // Row 5: the id is short. Row 6: the network is unknown. Row 7: the longitude is off
        // the map. Row 8: the channel repeats row 2's. Row 9: no name.
        row(NVR, "5117020001132", "坏编码", "雪亮工程", "普通", &lon, ""),
        row(
            NVR,
            "51170200011320000004",
            "坏网络",
            "公安网",
            "普通",
            &lon,
            "",
        ),
        row(
            NVR,
            "51170200011320000005",
            "坏经度",
            "雪亮工程",
            "普通",
            "200",
            "",
        ),
        row(
            NVR,
            "51170200011320000001",
            "重复",
            "雪亮工程",
            "普通",
            &lon,
            "",
        ),
        row(
            NVR,
            "51170200011320000006",
            "",
            "雪亮工程",
            "普通",
            &lon,
            "",
        ),
    ];
    write_sheet("台账", &headers(), &rows, None).unwrap()
}

#[tokio::test]
async fn a_registry_file_imports_its_good_rows_and_names_every_bad_cell() {
    let h = Hub::new().await;
    let file = registry(h.point);
    let report =
        h.t.app
            .video()
            .import_video_registry(&h.commander, &file)
            .await
            .unwrap();
    assert_eq!(
        (report.channels, report.devices, report.rejected_rows),
        (3, 2, 5)
    );
    let cells: Vec<(usize, &str)> = report
        .rejected
        .iter()
        .map(|c| (c.row, c.column.as_str()))
        .collect();
    assert_eq!(
        cells,
        [
            (5, "通道编码"),
            (6, "网络"),
            (7, "经度"),
            (8, "通道编码"),
            (9, "摄像机名称")
        ]
    );
    assert!(
        report.rejected[1].reason.contains("雪亮工程"),
        "{:?}",
        report.rejected[1]
    );
    assert!(
        report.rejected[3].reason.contains("第 2 行"),
        "{:?}",
        report.rejected[3]
    );

    // The same file again changes nothing.
    let again =
        h.t.app
            .video()
            .import_video_registry(&h.commander, &file)
            .await
            .unwrap();
    assert_eq!(again, report);
    let user = h.commander.user.clone().unwrap();
    let (all, total) =
        h.t.app
            .video()
            .channel_list(&user, &ChannelQuery::default())
            .await
            .unwrap();
    assert_eq!(total, 3);
    let east = all.iter().find(|c| c.name == "朝阳路口东").unwrap();
    assert_eq!(
        (
            east.network_label.as_str(),
            east.place_label.as_deref(),
            east.online
        ),
        ("雪亮工程", Some("主要路口"), false),
        "imported cameras are offline until their device registers"
    );
    assert_eq!(east.grid_code.as_deref(), Some(h.grid.as_str()));

    // Filters.
    let q = |f: fn(&mut ChannelQuery)| {
        let mut q = ChannelQuery::default();
        f(&mut q);
        q
    };
    let count = |q: ChannelQuery| {
        let (app, user) = (h.t.app.clone(), user.clone());
        async move { app.video().channel_list(&user, &q).await.unwrap().1 }
    };
    assert_eq!(count(q(|q| q.network = Some("天网工程".into()))).await, 1);
    assert_eq!(count(q(|q| q.capability = Some("face".into()))).await, 1);
    assert_eq!(count(q(|q| q.status = Some("offline".into()))).await, 3);
    assert_eq!(count(q(|q| q.status = Some("online".into()))).await, 0);
    assert_eq!(count(q(|q| q.q = Some("菜市场".into()))).await, 1);
    let bad =
        h.t.app
            .video()
            .channel_list(&user, &q(|q| q.network = Some("公安网".into())))
            .await
            .unwrap_err();
    assert!(bad.to_string().contains("慧眼工程"), "{bad}");

    // A device's page: its channels, its kind from the id.
    let page = h.t.app.video().device_page(&user, NVR).await.unwrap();
    assert_eq!(page.channels.len(), 2);
    assert_eq!(page.device.kind, "NVR");
    assert_eq!(page.device.name.as_deref(), Some("东城NVR"));

    // The cameras nearest the grid's point.
    let near =
        h.t.app
            .video()
            .nearest_channels(&user, h.point.0, h.point.1, 500.0, 5)
            .await
            .unwrap();
    assert_eq!(near.len(), 3);
    assert!(near[0].distance_m.unwrap() < 1.0);
}

#[tokio::test]
async fn cameras_are_seen_within_scope_and_managed_by_commanders() {
    let h = Hub::new().await;
    let file = registry(h.point);
    // Operators see video but do not keep the registry; a handler does not see it at all.
    let refused =
        h.t.app
            .video()
            .import_video_registry(&h.operator, &file)
            .await
            .unwrap_err();
    assert!(matches!(refused, AppError::Forbidden(_)), "{refused}");
    h.t.app
        .video()
        .import_video_registry(&h.commander, &file)
        .await
        .unwrap();
    let own = h.operator.user.clone().unwrap();
    let other = h.other_operator.user.clone().unwrap();
    let police = h.police.user.clone().unwrap();
    let list = |u: pingan_app::CurrentUser| {
        let app = h.t.app.clone();
        async move { app.video().channel_list(&u, &ChannelQuery::default()).await }
    };
    assert_eq!(list(own.clone()).await.unwrap().1, 3);
    assert_eq!(
        list(other.clone()).await.unwrap().1,
        0,
        "another township's cameras"
    );
    assert!(matches!(
        list(police.clone()).await,
        Err(AppError::Forbidden(_))
    ));
    assert_eq!(
        h.t.app
            .video()
            .device_list(&other, &DeviceQuery::default())
            .await
            .unwrap()
            .1,
        0
    );
    assert!(matches!(
        h.t.app.video().device_page(&other, NVR).await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        h.t.app
            .video()
            .channel_page(&other, "51170200011320000001")
            .await,
        Err(AppError::NotFound(_))
    ));
    // Asking for another unit's figures is refused, not answered empty.
    let q = ChannelQuery {
        org: Some("511702002".into()),
        ..Default::default()
    };
    assert!(matches!(
        h.t.app.video().channel_list(&own, &q).await,
        Err(AppError::Forbidden(_))
    ));
    // Nor the district's 点亮率.
    let district = pingan_domain::OrgCode::parse("511702").unwrap();
    assert!(
        h.t.app
            .video()
            .online_rate(&other, &district, None)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn the_rate_is_per_network_and_day_by_day() {
    let h = Hub::new().await;
    h.t.app
        .video()
        .import_video_registry(&h.commander, &registry(h.point))
        .await
        .unwrap();
    let user = h.commander.user.clone().unwrap();
    h.t.app.video().sample_video_online().await.unwrap();
    assert_eq!(
        h.t.app.video().sample_video_online().await.unwrap(),
        0,
        "one sample an hour"
    );
    let district = pingan_domain::OrgCode::parse("511702").unwrap();
    let r =
        h.t.app
            .video()
            .online_rate(&user, &district, Some(7))
            .await
            .unwrap();
    let nets: Vec<(&str, i64)> = r
        .networks
        .iter()
        .map(|n| (n.name.as_str(), n.channels))
        .collect();
    assert_eq!(nets, [("雪亮工程", 2), ("天网工程", 1)]);
    // Every kind of key place is listed; the file's cameras all watch 主要路口.
    let crossroads = r.places.iter().find(|p| p.name == "主要路口").unwrap();
    assert_eq!((crossroads.channels, crossroads.online), (3, 0));
    let schools = r.places.iter().find(|p| p.name == "校园周边").unwrap();
    assert_eq!(schools.channels, 0, "a gap in coverage shows as 0");
    assert_eq!(r.history.len(), 1, "today's sample");
    assert_eq!((r.history[0].channels, r.history[0].online), (3, 0));
    let refused =
        h.t.app
            .video()
            .online_rate(&user, &district, Some(0))
            .await
            .unwrap_err();
    assert!(refused.to_string().contains("days"), "{refused}");
}

#[tokio::test]
async fn the_api_and_pages_serve_the_registry() {
    let h = Hub::new().await;
    let client = reqwest::Client::new();
    // The template downloads with the Chinese headers and reads back.
    let res = client
        .get(h.t.url("/api/v1/devices/import/template"))
        .bearer_auth(&h.tokens.commander)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''")
    );
    let template = read_first_sheet(&res.bytes().await.unwrap(), 10).unwrap();
    let header: Vec<String> = template[0].iter().map(|c| c.text()).collect();
    assert!(header.contains(&"设备编码".to_owned()) && header.contains(&"网络".to_owned()));

    // Import over the API; then the rejected rows as a spreadsheet.
    let file = registry(h.point);
    let res = client
        .post(h.t.url("/api/v1/devices/import"))
        .bearer_auth(&h.tokens.commander)
        .body(file.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let report: Value = res.json().await.unwrap();
    assert_eq!(
        (
            report["channels"].as_i64(),
            report["rejected_rows"].as_i64()
        ),
        (Some(3), Some(5))
    );
    let res = client
        .post(h.t.url("/api/v1/devices/import"))
        .bearer_auth(&h.tokens.commander)
        .header(
            "accept",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        .body(file.clone())
        .send()
        .await
        .unwrap();
    let rejected = read_first_sheet(&res.bytes().await.unwrap(), 100).unwrap();
    assert_eq!(rejected.len(), 6, "header and five cells");
    assert_eq!(rejected[1][0].text(), "5");
    // Not a spreadsheet: a clear 400.
    let res = client
        .post(h.t.url("/api/v1/devices/import"))
        .bearer_auth(&h.tokens.commander)
        .body("名称,编码\n")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains(".xlsx"));
    // An operator may not import.
    let res = client
        .post(h.t.url("/api/v1/devices/import"))
        .bearer_auth(&h.tokens.operator)
        .body(file)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    // Lists, one device, one channel, the map and the rate.
    let list = h
        .get_json(
            "/api/v1/channels?status=offline&network=xueliang",
            &h.tokens.operator,
        )
        .await;
    assert_eq!(list["total"], 2);
    let res = client
        .get(h.t.url("/api/v1/channels?status=maybe"))
        .bearer_auth(&h.tokens.operator)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let devices = h.get_json("/api/v1/devices", &h.tokens.commander).await;
    assert_eq!(devices["total"], 2);
    let device = h
        .get_json(&format!("/api/v1/devices/{NVR}"), &h.tokens.commander)
        .await;
    assert_eq!(device["channels"].as_array().unwrap().len(), 2);
    let channel = h
        .get_json("/api/v1/channels/51170200011320000003", &h.tokens.commander)
        .await;
    assert_eq!(channel["channel"]["capability_label"], "车牌识别");
    let map = h.get_json("/api/v1/channels/map", &h.tokens.worker).await;
    assert_eq!(map.as_array().unwrap().len(), 3);
    let near = h
        .get_json(
            &format!(
                "/api/v1/channels/near?lon={}&lat={}&radius=300",
                h.point.0, h.point.1
            ),
            &h.tokens.commander,
        )
        .await;
    assert_eq!(near.as_array().unwrap().len(), 3);
    let rate = h
        .get_json("/api/v1/stats/online-rate?days=30", &h.tokens.commander)
        .await;
    assert_eq!(rate["channels"], 3);
    let spec = h
        .get_text("/api/v1/openapi.json", &h.tokens.commander)
        .await;
    for path in [
        "/api/v1/devices",
        "/api/v1/channels/{id}",
        "/api/v1/devices/import",
    ] {
        assert!(spec.contains(path), "{path} documented");
    }
}

#[tokio::test]
async fn the_pages_show_the_board_the_lists_and_an_import() {
    let h = Hub::new().await;
    crate::add_user(
        &h.t,
        "video_chief",
        "视频指挥",
        "511702",
        "commander",
        "Video#Pages2026",
    )
    .await
    .unwrap();
    let mut ready = h.t.ready("video_chief", "Video#Pages2026").await;
    let c = crate::client();
    crate::web_login(&h.t, &c, &mut ready).await;

    // The import page takes the file and lists the refused cells.
    let form = Form::new().part(
        "file",
        Part::bytes(registry(h.point)).file_name("台账.xlsx"),
    );
    let res = c
        .post(h.t.url("/video/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("台摄像机已导入"), "{html}");
    assert!(html.contains("不是有效的 20 位国标编码"), "{html}");
    let form = Form::new().part("file", Part::bytes(b"garbage".to_vec()).file_name("a.xlsx"));
    let html = c
        .post(h.t.url("/video/import"))
        .multipart(form)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("请上传 Excel 2007 及以上的 .xlsx 文件"),
        "{html}"
    );

    let board = crate::page(&c, &h.t, "/video").await;
    assert!(board.contains("点亮率") && board.contains("雪亮工程") && board.contains("天网工程"));
    assert!(board.contains("0.0%"), "nothing online yet");
    let list = crate::page(&c, &h.t, "/video/channels?status=offline&network=tianwang").await;
    assert!(
        list.contains("菜市场") && !list.contains("朝阳路口东"),
        "{list}"
    );
    let devices = crate::page(&c, &h.t, "/video/devices").await;
    assert!(devices.contains("东城NVR") && devices.contains("导入台账"));
    let device = crate::page(&c, &h.t, &format!("/video/devices/{NVR}")).await;
    assert!(
        device.contains("朝阳路口西") && device.contains("未注册过"),
        "{device}"
    );
    let channel = crate::page(&c, &h.t, "/video/channels/51170200011320000003").await;
    assert!(channel.contains("车牌识别") && channel.contains("天网工程"));
    assert!(!channel.contains("查看视频"), "no media service configured");

    // An event at the grid's point lists the cameras around it.
    let e = h.report("near-cameras").await;
    let event = crate::page(&c, &h.t, &format!("/events/{}", e.id)).await;
    assert!(
        event.contains("附近的摄像机") && event.contains("朝阳路口东"),
        "{event}"
    );
}
