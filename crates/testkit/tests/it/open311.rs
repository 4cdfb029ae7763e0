//! The Open311 GeoReport v2 server: services, definitions, requests created with a key and read
//! without one, the refusals in the specification's shape, and real third-party clients from
//! PyPI driving it.

use crate::events::Hub;
use pingan_app::Actor;
use reqwest::StatusCode;
use serde_json::Value;

/// A hub with one integrator's key.
async fn hub_with_key() -> (Hub, String) {
    let h = Hub::new().await;
    let key =
        h.t.app
            .open311()
            .add_key(&Actor::cli(), "市民随手拍 App", None)
            .await
            .unwrap();
    assert!(key.username.starts_with("open311-"));
    (h, key.key)
}

async fn get(h: &Hub, path: &str) -> (StatusCode, String) {
    let res = reqwest::get(h.t.url(path)).await.unwrap();
    (res.status(), res.text().await.unwrap())
}

async fn get_json(h: &Hub, path: &str) -> (StatusCode, Value) {
    let (status, body) = get(h, path).await;
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

async fn post(h: &Hub, path: &str, form: &[(&str, String)]) -> (StatusCode, String) {
    let res = reqwest::Client::new()
        .post(h.t.url(path))
        .form(form)
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

/// A request at the hub's test point, with everything the specification lets a client send.
fn full_request(h: &Hub, key: &str) -> Vec<(&'static str, String)> {
    vec![
        ("api_key", key.into()),
        ("jurisdiction_id", "tongchuan.gov.cn".into()),
        ("service_code", "ZZ02".into()),
        ("lat", h.point.1.to_string()),
        ("long", h.point.0.to_string()),
        ("address_string", "朝阳东路 12 号".into()),
        ("first_name", "三".into()),
        ("last_name", "张".into()),
        ("phone", "13800138000".into()),
        ("email", "zhangsan@example.com".into()),
        ("description", "小区后门路灯坏了一周，夜里很黑".into()),
        ("media_url", "https://example.com/p/1.jpg".into()),
        ("attribute[title]", "后门路灯损坏".into()),
        ("attribute[coord]", "wgs84".into()),
    ]
}

#[tokio::test]
async fn requests_are_taken_in_as_events_and_followed_with_details_only_for_their_sender() {
    let (h, key) = hub_with_key().await;

    let (status, services) = get_json(&h, "/open311/v2/services.json?jurisdiction_id=x").await;
    assert_eq!(status, StatusCode::OK);
    let zz02 = services
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service_code"] == "ZZ02")
        .expect("ZZ02 offered");
    assert_eq!(zz02["service_name"], "治安隐患");
    assert_eq!(zz02["metadata"], true);
    assert_eq!(zz02["type"], "realtime");
    let (status, xml) = get(&h, "/open311/v2/services.xml").await;
    assert_eq!(status, StatusCode::OK);
    assert!(xml.starts_with(r#"<?xml version="1.0" encoding="utf-8"?><services><service>"#));
    assert!(xml.contains("<service_code>ZZ02</service_code>"), "{xml}");

    let (status, def) = get_json(&h, "/open311/v2/services/ZZ02.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(def["service_code"], "ZZ02");
    let attrs = def["attributes"].as_array().unwrap();
    let codes: Vec<&str> = attrs.iter().map(|a| a["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["title", "coord", "grid_code"]);
    assert_eq!(attrs[1]["values"][1]["key"], "gcj02");
    let (status, xml) = get(&h, "/open311/v2/service/ZZ02.xml").await;
    assert_eq!(status, StatusCode::OK, "the open311 1.1 client's path");
    assert!(
        xml.contains(
            "<service_definition><service_code>ZZ02</service_code><attributes><attribute>"
        )
    );

    let (status, body) = post(&h, "/open311/v2/requests.json", &full_request(&h, &key)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let created: Value = serde_json::from_str(&body).unwrap();
    let id = created[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(id.starts_with("SJ"), "{id}");
    assert!(created[0]["service_notice"].as_str().unwrap().contains(&id));

    // Read without a key: the status, not what the citizen wrote or where.
    let (status, one) = get_json(&h, &format!("/open311/v2/requests/{id}.json")).await;
    assert_eq!(status, StatusCode::OK);
    let r = &one.as_array().expect("an array of one")[0];
    assert_eq!(r["service_request_id"], id.as_str());
    assert_eq!(r["status"], "open");
    assert_eq!(r["service_code"], "ZZ02");
    assert_eq!(r["service_name"], "治安隐患");
    assert!(r["description"].is_null() && r["lat"].is_null() && r["address"].is_null());
    assert!(
        r["requested_datetime"]
            .as_str()
            .unwrap()
            .ends_with("+08:00")
    );
    assert!(r["expected_datetime"].is_string(), "the step's deadline");
    // Read with the sender's key: all it sent, and never the reporter's contact.
    let (_, mine) = get_json(&h, &format!("/open311/v2/requests/{id}.json?api_key={key}")).await;
    let r = &mine[0];
    assert_eq!(r["description"], "小区后门路灯坏了一周，夜里很黑");
    assert_eq!(r["address"], "朝阳东路 12 号");
    assert_eq!(r["media_url"], "https://example.com/p/1.jpg");
    assert!((r["lat"].as_f64().unwrap() - h.point.1).abs() < 1e-9);
    let text = mine.to_string();
    assert!(!text.contains("13800138000") && !text.contains("zhangsan"));

    // The hub sees an Open311 event, the reporter masked.
    let event_id = pingan_app::parse_case_ref(&id).unwrap();
    let detail =
        h.t.app
            .cases()
            .event_detail(&h.commander, event_id)
            .await
            .unwrap();
    assert_eq!(detail.event.channel, "open311");
    assert_eq!(detail.event.title, "后门路灯损坏");
    let contact = detail.reporter_contact.unwrap();
    assert!(
        contact.starts_with("张*") && contact.contains("8000"),
        "{contact}"
    );
    assert!(
        !contact.contains("13800138000") && !contact.contains("zhangsan"),
        "{contact}"
    );

    // Worked: dispatched, it names the department; rejected, it is closed.
    h.act(&h.operator, event_id, "accept").await.unwrap();
    h.act(&h.operator, event_id, "register").await.unwrap();
    h.dispatch(event_id, h.police_id).await.unwrap();
    let (_, xml) = get(&h, &format!("/open311/v2/requests/{id}.xml")).await;
    assert!(xml.contains("<service_requests><request>"), "{xml}");
    assert!(xml.contains("<status>open</status>"));
    assert!(
        xml.contains("<agency_responsible>") && xml.contains("派出所"),
        "{xml}"
    );
    assert!(xml.contains("<description/>"));

    let mut second = full_request(&h, &key);
    second.retain(|(k, _)| !matches!(*k, "lat" | "long"));
    second.push(("attribute[grid_code]", h.grid.clone()));
    let (status, body) = post(&h, "/open311/v2/requests.xml", &second).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("<service_requests><request><service_request_id>SJ"));
    let second_id = body
        .split("<service_request_id>")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap()
        .to_owned();
    let second_event = pingan_app::parse_case_ref(&second_id).unwrap();
    h.act(&h.operator, second_event, "accept").await.unwrap();
    h.with_reason(
        &h.operator,
        second_event,
        "reject",
        "属于物业管理范围，已告知",
    )
    .await
    .unwrap();

    let (_, closed) = get_json(&h, "/open311/v2/requests.json?status=closed").await;
    let ids: Vec<&str> = closed
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["service_request_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [second_id.as_str()]);
    assert_eq!(closed[0]["status_notes"], "不予立案");
    let (_, open) = get_json(
        &h,
        "/open311/v2/requests.json?status=open&service_code=ZZ02,ZZ01",
    )
    .await;
    assert_eq!(open.as_array().unwrap().len(), 1);
    let (_, both) = get_json(
        &h,
        &format!("/open311/v2/requests.json?service_request_id={id},{second_id}"),
    )
    .await;
    assert_eq!(both.as_array().unwrap().len(), 2);
    let (_, paged) = get_json(&h, "/open311/v2/requests.json?page=2&page_size=1").await;
    assert_eq!(paged[0]["service_request_id"], id.as_str(), "newest first");

    // Events from other channels are not Open311's to answer.
    let worker_event = h.report("worker-report-0001").await;
    let (status, _) = get(
        &h,
        &format!("/open311/v2/requests/{}.json", worker_event.number),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, all) = get_json(&h, "/open311/v2/requests.json").await;
    assert_eq!(all.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn open311_refuses_in_the_specifications_shape() {
    let (h, key) = hub_with_key().await;
    let no_key: Vec<_> = full_request(&h, &key)
        .into_iter()
        .filter(|(k, _)| *k != "api_key")
        .collect();
    let (status, body) = post(&h, "/open311/v2/requests.json", &no_key).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let e: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(e[0]["code"], 403);
    let (status, body) = post(
        &h,
        "/open311/v2/requests.xml",
        &full_request(&h, "pat_wrong"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        body.contains("<errors><error><code>403</code><description>Invalid api_key"),
        "{body}"
    );
    // A session token is not a key.
    let (status, _) = post(
        &h,
        "/open311/v2/requests.json",
        &full_request(&h, &h.tokens.commander),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let with = |k: &'static str, v: &str| {
        let mut f = full_request(&h, &key);
        f.retain(|(name, _)| *name != k);
        f.push((k, v.to_owned()));
        f
    };
    let refusals = [
        (
            with("service_code", "XX01"),
            StatusCode::NOT_FOUND,
            "service_code XX01 not found",
        ),
        (with("lat", "北纬"), StatusCode::BAD_REQUEST, "lat 应为数字"),
        (with("lat", "95"), StatusCode::BAD_REQUEST, "经纬度超出范围"),
        (
            with("media_url", "javascript:alert(1)"),
            StatusCode::BAD_REQUEST,
            "media_url",
        ),
        (
            with("description", &"长".repeat(4001)),
            StatusCode::BAD_REQUEST,
            "description 不能超过 4000",
        ),
        (
            with("attribute[coord]", "bd09"),
            StatusCode::BAD_REQUEST,
            "coord",
        ),
        (
            with("phone", &"1".repeat(31)),
            StatusCode::BAD_REQUEST,
            "phone 不能超过 30",
        ),
    ];
    for (form, expected, message) in refusals {
        let (status, body) = post(&h, "/open311/v2/requests.json", &form).await;
        assert_eq!(status, expected, "{message}: {body}");
        let e: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(e[0]["code"], expected.as_u16(), "{body}");
        assert!(
            e[0]["description"].as_str().unwrap().contains(message),
            "{body}"
        );
    }
    let mut nowhere = full_request(&h, &key);
    nowhere.retain(|(k, _)| !matches!(*k, "lat" | "long" | "address_string"));
    let (status, body) = post(&h, "/open311/v2/requests.json", &nowhere).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body.contains("lat/long, address_string or address_id required"),
        "{body}"
    );
    let mut address_only = nowhere.clone();
    address_only.push(("address_string", "朝阳东路 12 号".into()));
    let (status, body) = post(&h, "/open311/v2/requests.json", &address_only).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "an address needs its grid");
    assert!(body.contains("grid"), "{body}");

    for (path, expected) in [
        (
            "/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
            "不能超过 90 天",
        ),
        ("/open311/v2/requests.json?start_date=2026-01-01", "带时区"),
        ("/open311/v2/requests.json?status=pending", "status"),
        ("/open311/v2/requests.json?page_size=5000", "page_size"),
        (
            "/open311/v2/requests.json?service_code=ZZ02%27--",
            "service_code",
        ),
    ] {
        let (status, body) = get(&h, path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert!(body.contains(expected), "{path}: {body}");
    }
    for path in [
        "/open311/v2/tokens/12345.json",
        "/open311/v2/requests/SJ20200101000001.json",
        "/open311/v2/requests/42.xml",
        "/open311/v2/services/XX01.json",
        "/open311/v2/services.html",
        "/open311/v2/elsewhere.json",
    ] {
        let (status, _) = get(&h, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let (status, _) = get(&h, "/open311/v2/requests.json?api_key=pat_wrong").await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a wrong key is refused, not ignored"
    );

    // Keys are made by a system administrator only, and a disabled integrator's key stops working.
    let refused =
        h.t.app
            .open311()
            .add_key(&h.commander, "网页上生成", None)
            .await;
    assert!(matches!(refused, Err(pingan_app::AppError::Forbidden(_))));
    let account = h.t.app.access().authenticate(&key).await.unwrap().username;
    h.t.app
        .access()
        .disable_user(&Actor::cli(), &account)
        .await
        .unwrap();
    let (status, _) = post(&h, "/open311/v2/requests.json", &full_request(&h, &key)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// A Python with `module` importable: `PINGAN_PYTHON2` for Python 2 clients, else `python3`.
/// Without one this says so and gives none — except in CI, where a client test that cannot run
/// is a failure (`.ci/run` installs them), unless the machine has no Python 2.7 at all
/// (`PINGAN_PYTHON2=none`: Debian ships none).
fn python_with(module: &str, python2: bool) -> Option<String> {
    let python = if python2 {
        std::env::var("PINGAN_PYTHON2").unwrap_or_else(|_| "python2.7".into())
    } else {
        "python3".into()
    };
    if python == "none" {
        eprintln!("本机没有 Python 2.7，跳过 {module}");
        return None;
    }
    let found = std::process::Command::new(&python)
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some(python);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{python} 没有 {module}（.ci/run 会安装）"
    );
    eprintln!("{python} 没有 {module}，跳过此 Open311 客户端");
    None
}

/// Runs a client script to its end; the test's runtime keeps serving it meanwhile.
async fn run_client(python: &str, script: &str, args: &[&str]) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/open311")
        .join(script);
    let out = tokio::process::Command::new(python)
        .arg(path)
        .args(args)
        .output()
        .await
        .expect("run the client");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{script} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[tokio::test]
async fn third_party_open311_clients_from_pypi_create_list_and_read_requests() {
    let (h, key) = hub_with_key().await;
    let (lat, lon) = (h.point.1.to_string(), h.point.0.to_string());

    if let Some(python) = python_with("three", true) {
        let dir = std::env::temp_dir().join(pingan_testkit::unique_name("open311"));
        std::fs::create_dir_all(&dir).unwrap();
        let photo = dir.join("井盖.png");
        let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        png.extend_from_slice(b"a photo from a citizen app");
        std::fs::write(&photo, png).unwrap();
        let out = run_client(
            &python,
            "three_client.py",
            &[&h.t.base_url, &key, &lat, &lon, photo.to_str().unwrap()],
        )
        .await;
        for fmt in ["json", "xml"] {
            let line = out
                .lines()
                .find(|l| l.starts_with(&format!("three {fmt} ok ")))
                .unwrap_or_else(|| panic!("three {fmt}: {out}"));
            let photo_rid = line.split(' ').nth(4).unwrap();
            let id = pingan_app::parse_case_ref(photo_rid).unwrap();
            let detail =
                h.t.app
                    .cases()
                    .event_detail(&h.commander, id)
                    .await
                    .unwrap();
            assert_eq!(detail.photos.len(), 1, "the multipart media became a photo");
        }
        std::fs::remove_dir_all(dir).ok();
    }

    if let Some(python) = python_with("georeport", false) {
        let (status, body) = post(&h, "/open311/v2/requests.json", &full_request(&h, &key)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let created: Value = serde_json::from_str(&body).unwrap();
        let rid = created[0]["service_request_id"].as_str().unwrap();
        let out = run_client(&python, "georeport_client.py", &[&h.t.base_url, rid]).await;
        assert!(
            out.contains("georeport json ok") && out.contains("georeport xml ok"),
            "{out}"
        );
    }
}

#[tokio::test]
async fn a_request_for_a_service_of_the_catalogue_is_an_application_followed_by_its_number() {
    let (h, key) = hub_with_key().await;
    let (_, services) = get_json(&h, "/open311/v2/services.json").await;
    let fw09 = services
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service_code"] == "FW09")
        .expect("the catalogue is offered");
    assert_eq!(fw09["group"], "政务服务·养老服务");
    let (status, definition) = get_json(&h, "/open311/v2/services/FW09.json").await;
    assert_eq!(status, StatusCode::OK);
    let codes: Vec<&str> = definition["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["org", "id_number"]);

    let request = |with_name: bool| {
        let mut form = vec![
            ("api_key", key.clone()),
            ("service_code", "FW09".to_owned()),
            ("lat", h.point.1.to_string()),
            ("long", h.point.0.to_string()),
            ("phone", "13800138001".to_owned()),
            ("description", "为父亲申请老年人优待证".to_owned()),
        ];
        if with_name {
            form.push(("last_name", "李".into()));
            form.push(("first_name", "桂兰".into()));
        }
        form
    };
    let (status, body) = post(&h, "/open311/v2/requests.json", &request(false)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("last_name"), "{body}");
    let (status, body) = post(&h, "/open311/v2/requests.json", &request(true)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let made: Value = serde_json::from_str(&body).unwrap();
    let number = made[0]["service_request_id"].as_str().unwrap().to_owned();
    assert!(number.starts_with("BJ"), "{number}");

    // Anyone reads its status; the unit that decides it is the agency.
    let (status, read) = get_json(&h, &format!("/open311/v2/requests/{number}.json")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read[0]["status"], "open");
    assert_eq!(read[0]["status_notes"], "待受理");
    assert_eq!(read[0]["service_code"], "FW09");
    assert_eq!(read[0]["agency_responsible"], "乡镇（街道）民政办");
    assert!(
        read[0].get("description").is_none_or(Value::is_null),
        "{read}"
    );
    // The counter of the village at the point has it, the applicant masked.
    let id = pingan_app::parse_case_ref(&number).unwrap();
    let seen =
        h.t.app
            .cases()
            .application_detail(&h.operator, id)
            .await
            .unwrap();
    assert_eq!(seen.application.org_code, &h.grid[..12]);
    assert_eq!(seen.applicant.unwrap().name, "李**");
    // In the list beside the events, and by its number.
    let (_, events) = post(&h, "/open311/v2/requests.json", &full_request(&h, &key)).await;
    assert!(events.contains("SJ"), "{events}");
    let (_, list) = get_json(&h, "/open311/v2/requests.json").await;
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["service_request_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert!(ids[0].starts_with("SJ") && ids[1] == number, "{ids:?}");
    let (_, only) = get_json(&h, "/open311/v2/requests.json?service_code=FW09").await;
    assert_eq!(only.as_array().unwrap().len(), 1);
    let (_, second_page) = get_json(&h, "/open311/v2/requests.json?page=2&page_size=1").await;
    assert_eq!(second_page[0]["service_request_id"], number.as_str());
    // Done at the counter: closed for Open311 too.
    for action in ["accept", "complete"] {
        let req: pingan_app::ApplicationActionRequest =
            serde_json::from_value(serde_json::json!({"action": action, "reason": "已办好"}))
                .unwrap();
        h.t.app
            .cases()
            .act_on_application(&h.operator, id, &req)
            .await
            .unwrap();
    }
    let (_, read) = get_json(
        &h,
        &format!("/open311/v2/requests.json?service_request_id={number}"),
    )
    .await;
    assert_eq!(read[0]["status"], "closed");
    assert_eq!(read[0]["status_notes"], "已办结");
}

#[tokio::test]
async fn a_system_administrator_issues_and_revokes_keys_on_the_page() {
    let h = Hub::new().await;
    crate::add_user(
        &h.t,
        "sa-open311",
        "系统管理员",
        "511702",
        "sysadmin",
        &h.password,
    )
    .await
    .unwrap();
    let mut admin = h.t.ready("sa-open311", &h.password).await;
    let code = admin.next_code().await.unwrap();
    let token =
        h.t.app
            .access()
            .login_with_totp("sa-open311", &admin.password, Some(&code), None)
            .await
            .unwrap()
            .token;
    let page = |form: Option<Vec<(&'static str, String)>>, path: &'static str| {
        let (url, token) = (h.t.url(path), token.clone());
        async move {
            let client = reqwest::Client::new();
            let req = match form {
                Some(f) => client.post(url).form(&f),
                None => client.get(url),
            };
            let res = req.bearer_auth(token).send().await.unwrap();
            (res.status(), res.text().await.unwrap())
        }
    };
    let (status, html) = page(None, "/open311-keys").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("还没有接入方"), "{html}");
    let (status, html) = page(Some(vec![("name", "".into())]), "/open311-keys").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("接入方名称应为"), "{html}");
    let (status, html) = page(
        Some(vec![("name", "市民随手拍 App".into())]),
        "/open311-keys",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let key = html
        .split("id=\"open311-key\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap()
        .to_owned();
    assert!(key.starts_with("pat_"), "{key}");
    let (status, _) = post(&h, "/open311/v2/requests.json", &full_request(&h, &key)).await;
    assert_eq!(status, StatusCode::OK);
    let (_, html) = page(None, "/open311-keys").await;
    assert!(
        html.contains("市民随手拍 App") && html.contains("有效"),
        "{html}"
    );
    // Shown once: the list never holds the key.
    assert!(!html.contains(&key));
    // 吊销 asks first, through the page's script: the policy refuses inline handlers.
    assert!(
        html.contains("data-confirm=") && !html.contains("onclick"),
        "{html}"
    );
    let username = html
        .split("/open311-keys/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_owned();
    // A commander may not issue keys; only integrators' accounts are revoked here.
    assert!(matches!(
        h.t.app
            .open311()
            .add_key(&h.commander, "网页上生成", None)
            .await,
        Err(pingan_app::AppError::Forbidden(_))
    ));
    let (status, _) = reqwest::Client::new()
        .post(h.t.url("/open311-keys/commander/revoke"))
        .bearer_auth(&token)
        .send()
        .await
        .map(|r| (r.status(), ()))
        .unwrap();
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = reqwest::Client::new()
        .post(h.t.url(&format!("/open311-keys/{username}/revoke")))
        .bearer_auth(&token)
        .send()
        .await
        .map(|r| (r.status(), ()))
        .unwrap();
    assert!(status.is_success() || status.is_redirection(), "{status}");
    let (status, _) = post(&h, "/open311/v2/requests.json", &full_request(&h, &key)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
