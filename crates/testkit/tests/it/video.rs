//! GB/T 28181 signalling against the real server: devices register with digest, keep alive and
//! leave; silent devices go offline; a real SIP peer (SIPp) does the same.

use pingan_app::AppConfig;
use pingan_gb28181::digest::DigestAnswer;
use pingan_gb28181::server::ServerConfig;
use pingan_gb28181::transport::{Commander, serve};
use pingan_gb28181::{DeviceId, SipMessage, StartLine};
use pingan_testkit::TestApp;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::UdpSocket;

const PLATFORM: &str = "51170200002000000001";
const REALM: &str = "5117020000";
const PASSWORD: &str = "12345678";

async fn hub() -> (TestApp, SocketAddr) {
    let t = TestApp::spawn_with(AppConfig {
        sip_password: Some(PASSWORD.into()),
        ..AppConfig::default()
    })
    .await;
    t.app
        .load_demo(pingan_app::demo::DemoScale::Small)
        .await
        .unwrap();
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap();
    let config = ServerConfig {
        id: DeviceId::parse(PLATFORM).unwrap(),
        nonce_ttl: Duration::from_secs(300),
        query_on_register: true,
    };
    let (commander, commands) = Commander::new();
    t.app.video().set_sip_commander(commander);
    tokio::spawn(serve(socket, None, config, t.app.clone(), commands));
    (t, addr)
}

/// A device on a UDP socket of its own.
struct Device {
    id: String,
    socket: UdpSocket,
    server: SocketAddr,
    cseq: u32,
    inbox: Vec<SipMessage>,
    /// The Call-ID of the platform's catalog subscription, once it came.
    subscription: Option<String>,
}

impl Device {
    async fn new(id: &str, server: SocketAddr) -> Self {
        Self::at("127.0.0.1", id, server).await
    }

    /// A device (or someone posing as it) on a socket of the loopback address `ip`.
    async fn at(ip: &str, id: &str, server: SocketAddr) -> Self {
        Self {
            id: id.into(),
            socket: UdpSocket::bind((ip, 0)).await.unwrap(),
            server,
            cseq: 0,
            inbox: Vec::new(),
            subscription: None,
        }
    }

    /// Sends a request and returns the answer; requests of the platform that arrive meanwhile
    /// (a Catalog query) are kept in `inbox`.
    async fn send(&mut self, text: String) -> Option<SipMessage> {
        self.socket
            .send_to(text.as_bytes(), self.server)
            .await
            .unwrap();
        self.answer().await
    }

    /// The next response; requests that come first go to `inbox`.
    async fn answer(&mut self) -> Option<SipMessage> {
        loop {
            let m = self.receive().await?;
            match m.start {
                StartLine::Request { .. } => self.inbox.push(m),
                StartLine::Response { .. } => return Some(m),
            }
        }
    }

    async fn receive(&mut self) -> Option<SipMessage> {
        let mut buf = vec![0u8; 65_536];
        let got =
            tokio::time::timeout(Duration::from_secs(2), self.socket.recv_from(&mut buf)).await;
        let (n, _) = got.ok()?.unwrap();
        Some(SipMessage::parse(&buf[..n]).unwrap().0)
    }

    /// The platform's next request to this device.
    async fn next_request(&mut self) -> SipMessage {
        let request = if self.inbox.is_empty() {
            self.receive().await.expect("a request from the platform")
        } else {
            self.inbox.remove(0)
        };
        if matches!(&request.start, StartLine::Request { method, .. } if method == "SUBSCRIBE") {
            self.subscription = request.header("Call-ID").map(str::to_owned);
        }
        request
    }

    /// A MESSAGE with this body.
    async fn message(&mut self, body: &[u8]) -> SipMessage {
        let mut text = self.headers("MESSAGE", &self.id.clone()).into_bytes();
        text.extend_from_slice(
            format!(
                "Content-Type: Application/MANSCDP+xml\r\nContent-Length: {}\r\n\r\n",
                body.len()
            )
            .as_bytes(),
        );
        text.extend_from_slice(body);
        self.socket.send_to(&text, self.server).await.unwrap();
        self.answer().await.expect("an answer")
    }

    fn headers(&mut self, method: &str, from: &str) -> String {
        self.cseq += 1;
        let local = self.socket.local_addr().unwrap();
        format!(
            "{method} sip:{PLATFORM}@{REALM} SIP/2.0\r\nVia: SIP/2.0/UDP {local};rport;branch=z9hG4bK{}\r\n\
             From: <sip:{from}@{REALM}>;tag=1\r\nTo: <sip:{from}@{REALM}>\r\nCall-ID: call-{}\r\n\
             CSeq: {} {method}\r\nMax-Forwards: 70\r\n",
            self.cseq, self.id, self.cseq
        )
    }

    /// REGISTER; with a challenge's nonce, answered with `password` as `username`.
    async fn register(&mut self, expires: u32, auth: Option<(&str, &str, &str)>) -> SipMessage {
        let mut text = self.headers("REGISTER", &self.id.clone());
        text.push_str(&format!("Expires: {expires}\r\n"));
        if let Some((nonce, username, password)) = auth {
            let mut a = DigestAnswer {
                username: username.into(),
                realm: REALM.into(),
                nonce: nonce.into(),
                uri: format!("sip:{PLATFORM}@{REALM}"),
                response: String::new(),
                cnonce: Some("0a4f113b".into()),
                qop: Some("auth".into()),
                nc: Some("00000001".into()),
            };
            a.response = a.expected("REGISTER", password);
            text.push_str(&format!(
                "Authorization: Digest username=\"{}\", realm=\"{REALM}\", nonce=\"{nonce}\", uri=\"{}\", \
                 response=\"{}\", algorithm=MD5, cnonce=\"0a4f113b\", qop=auth, nc=00000001\r\n",
                a.username, a.uri, a.response
            ));
        }
        text.push_str("Content-Length: 0\r\n\r\n");
        self.send(text).await.expect("an answer to REGISTER")
    }

    /// REGISTER answered with the password the challenge asks for.
    async fn register_with(&mut self, expires: u32, username: &str, password: &str) -> SipMessage {
        let challenge = self.register(expires, None).await;
        assert_eq!(code(&challenge), 401);
        let www = challenge.header("WWW-Authenticate").unwrap().to_owned();
        assert!(www.contains(&format!("realm=\"{REALM}\"")), "{www}");
        let nonce = www
            .split("nonce=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        self.register(expires, Some((&nonce, username, password)))
            .await
    }

    /// A NOTIFY of the catalog subscription with this body (in the subscription's dialog once
    /// the platform's SUBSCRIBE came).
    async fn notify(&mut self, body: &str) -> SipMessage {
        let mut text = self.headers("NOTIFY", &self.id.clone());
        if let Some(call_id) = &self.subscription {
            text = text.replace(
                &format!("Call-ID: call-{}\r\n", self.id),
                &format!("Call-ID: {call_id}\r\n"),
            );
        }
        text.push_str(&format!(
            "Event: Catalog\r\nContent-Type: Application/MANSCDP+xml\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ));
        self.send(text).await.expect("an answer to NOTIFY")
    }

    async fn keepalive(&mut self) -> SipMessage {
        let mut text = self.headers("MESSAGE", &self.id.clone());
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n<Notify>\r\n<CmdType>Keepalive</CmdType>\r\n\
             <SN>{}</SN>\r\n<DeviceID>{}</DeviceID>\r\n<Status>OK</Status>\r\n</Notify>\r\n",
            self.cseq, self.id
        );
        text.push_str(&format!(
            "Content-Type: Application/MANSCDP+xml\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ));
        self.send(text).await.expect("an answer to the keepalive")
    }
}

/// A district commander, for reading figures directly from the services.
fn viewer() -> pingan_app::CurrentUser {
    pingan_app::CurrentUser {
        id: 0,
        username: "viewer".into(),
        display_name: "viewer".into(),
        role: "commander".into(),
        role_label: "指挥长".into(),
        permissions: pingan_domain::Role::Commander.default_permissions(),
        org_code: pingan_domain::OrgCode::parse("511702").unwrap(),
        department_id: None,
        setup: None,
        second_factor: false,
    }
}

/// The label point of some grid of the (demo) district.
async fn grid_point(t: &TestApp) -> (f64, f64) {
    let grids = t.app.org().grid_features(&viewer()).await.unwrap();
    let label = &grids["features"][0]["properties"]["label"];
    (label[0].as_f64().unwrap(), label[1].as_f64().unwrap())
}

fn code(m: &SipMessage) -> u16 {
    match m.start {
        StartLine::Response { code, .. } => code,
        StartLine::Request { .. } => 0,
    }
}

#[tokio::test]
async fn a_device_registers_with_digest_keeps_alive_and_leaves() {
    let (t, server) = hub().await;
    let id = "51170200001320000001";
    let mut cam = Device::new(id, server).await;

    // Refusals first: the wrong password, someone else's name.
    assert_eq!(code(&cam.register_with(3600, id, "wrong").await), 403);
    assert_eq!(
        code(
            &cam.register_with(3600, "51170200001320000002", PASSWORD)
                .await
        ),
        403
    );
    assert!(
        t.app.video().video_device(id).await.is_err(),
        "nothing recorded"
    );
    // A keepalive before registering is not taken.
    assert_eq!(code(&cam.keepalive().await), 404);

    let ok = cam.register_with(3600, id, PASSWORD).await;
    assert_eq!(code(&ok), 200);
    assert_eq!(ok.header("Expires"), Some("3600"));
    assert_eq!(
        ok.header("Date").map(str::len),
        Some(23),
        "yyyy-MM-ddTHH:mm:ss.SSS for clock sync"
    );
    let via = ok.header("Via").unwrap();
    assert!(
        via.contains("received=127.0.0.1") && !via.contains("rport;"),
        "{via}"
    );
    let (device, _) = t.app.video().video_device(id).await.unwrap();
    assert!(device.online);
    assert_eq!(
        device.remote_addr,
        Some(cam.socket.local_addr().unwrap().to_string())
    );
    let registered_until = device.registered_until.unwrap();
    assert!(device.offline_at.unwrap() <= registered_until);

    // The platform asks for the catalog; the device says OK and sends it (GBK, as many do).
    let query = cam.next_request().await;
    assert!(String::from_utf8_lossy(&query.body).contains("<CmdType>Catalog</CmdType>"));
    let local = cam.socket.local_addr().unwrap();
    let ok = query.response_to(200, "OK", "dev", local);
    cam.socket.send_to(&ok.to_bytes(), server).await.unwrap();
    let (lon, lat) = grid_point(&t).await;
    let catalog = format!(
        "<?xml version=\"1.0\" encoding=\"GB2312\"?><Response><CmdType>Catalog</CmdType><SN>1</SN>\
         <DeviceID>{id}</DeviceID><SumNum>2</SumNum><DeviceList Num=\"2\">\
         <Item><DeviceID>51170200001310000101</DeviceID><Name>前门摄像头</Name><Status>ON</Status>\
         <Longitude>{lon}</Longitude><Latitude>{lat}</Latitude></Item>\
         <Item><DeviceID>51170200001310000102</DeviceID><Name>后门</Name><Status>OFF</Status></Item>\
         </DeviceList></Response>"
    );
    let (gbk, _, _) = encoding_rs::GB18030.encode(&catalog);
    assert_eq!(code(&cam.message(&gbk).await), 200);
    let channels = t.app.video().video_channels(id).await.unwrap();
    assert_eq!(channels.len(), 2);
    assert_eq!(channels[0].name, "前门摄像头");
    assert!(channels[0].grid_code.is_some(), "placed on its grid");
    assert_eq!(
        (
            channels[1].status.as_deref(),
            channels[1].grid_code.as_deref()
        ),
        (Some("OFF"), None)
    );

    // 点亮率: one of the two cameras is on, and only it is placed on a grid.
    let viewer = viewer();
    let district = pingan_domain::OrgCode::parse("511702").unwrap();
    let report = t
        .app
        .video()
        .online_rate(&viewer, &district, None)
        .await
        .unwrap();
    assert_eq!(
        (
            report.total.channels,
            report.total.online,
            report.total.rate
        ),
        (2, 1, 0.5)
    );
    let placed = report.units.iter().find(|u| u.code.is_some()).unwrap();
    assert_eq!((placed.channels, placed.online, placed.rate), (1, 1, 1.0));
    assert!(
        placed.name.ends_with('镇') || placed.name.ends_with("街道") || placed.name.ends_with('乡'),
        "{}",
        placed.name
    );
    let unplaced = report.units.iter().find(|u| u.code.is_none()).unwrap();
    assert_eq!((unplaced.name.as_str(), unplaced.online), ("未定位", 0));

    assert_eq!(code(&cam.keepalive().await), 200);
    let (after, _) = t.app.video().video_device(id).await.unwrap();
    assert!(after.last_heard_at >= device.last_heard_at);

    // Garbage gets no answer and stops nothing.
    cam.socket
        .send_to(b"\x00\x01garbage", server)
        .await
        .unwrap();
    assert_eq!(code(&cam.keepalive().await), 200);

    assert_eq!(code(&cam.register_with(0, id, PASSWORD).await), 200);
    let (left, log) = t.app.video().video_device(id).await.unwrap();
    assert!(!left.online);
    let district = pingan_domain::OrgCode::parse("511702").unwrap();
    let report = t
        .app
        .video()
        .online_rate(&viewer, &district, None)
        .await
        .unwrap();
    assert_eq!(report.total.online, 0, "a device that left lights nothing");
    let history: Vec<_> = log.iter().map(|l| (l.online, l.reason.as_str())).collect();
    assert_eq!(history, [(true, "register"), (false, "unregister")]);

    // Back, then silent past its window: the sweep marks it offline, once.
    assert_eq!(code(&cam.register_with(3600, id, PASSWORD).await), 200);
    t.db.execute(&format!(
        "UPDATE video_devices SET offline_at = '2020-01-01T00:00:00+00:00' WHERE device_id = '{id}'"
    ))
    .await;
    assert_eq!(t.app.video().sweep_video_offline().await.unwrap(), [id]);
    assert!(
        t.app
            .video()
            .sweep_video_offline()
            .await
            .unwrap()
            .is_empty()
    );
    let (_, log) = t.app.video().video_device(id).await.unwrap();
    assert_eq!(log.last().unwrap().reason, "heartbeat_timeout");
}

#[tokio::test]
async fn sipp_devices_register_keep_alive_and_unregister() {
    if std::process::Command::new("sipp")
        .arg("-v")
        .output()
        .is_err()
    {
        eprintln!("sipp 未安装（Debian: sip-tester），跳过");
        return;
    }
    let (t, server) = hub().await;
    let dir = std::env::temp_dir().join(pingan_testkit::unique_name("sipp"));
    std::fs::create_dir_all(&dir).unwrap();
    let ids = ["51170200001320000011", "51170200001320000012"];
    let csv: String = std::iter::once("SEQUENTIAL".to_owned())
        .chain(
            ids.iter()
                .map(|id| format!("{id};[authentication username={id} password={PASSWORD}]")),
        )
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(dir.join("devices.csv"), csv + "\n").unwrap();
    let scenario =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sipp/gb_device.xml");
    let out = tokio::process::Command::new("sipp")
        .arg(server.to_string())
        .args(["-sf", scenario.to_str().unwrap()])
        .args([
            "-oocsf",
            scenario
                .with_file_name("gb_device_ooc.xml")
                .to_str()
                .unwrap(),
        ])
        .args(["-inf", dir.join("devices.csv").to_str().unwrap()])
        .args(["-key", "server_id", PLATFORM, "-key", "realm", REALM])
        .args([
            "-m",
            "2",
            "-r",
            "10",
            "-l",
            "2",
            "-i",
            "127.0.0.1",
            "-p",
            "0",
        ])
        .args([
            "-timeout",
            "20s",
            "-timeout_error",
            "-nostdin",
            "-trace_err",
        ])
        .current_dir(&dir)
        .output()
        .await
        .unwrap();
    let errors = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with("errors.log"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect::<String>();
    assert!(
        out.status.success(),
        "sipp failed: {}\n{}\n{errors}",
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .rev()
            .take(30)
            .collect::<Vec<_>>()
            .join("\n"),
        String::from_utf8_lossy(&out.stderr)
    );
    for id in ids {
        let (device, log) = t.app.video().video_device(id).await.unwrap();
        assert!(!device.online, "{id} unregistered at the end");
        assert!(
            device.last_heard_at > log.first().map(|l| l.at),
            "{id} kept alive"
        );
        let history: Vec<_> = log.iter().map(|l| (l.online, l.reason.as_str())).collect();
        assert_eq!(history, [(true, "register"), (false, "unregister")], "{id}");
        // Its catalog answer came in GBK: the name and address read back in Chinese.
        let channels = t.app.video().video_channels(id).await.unwrap();
        let names: Vec<_> = channels
            .iter()
            .map(|c| (c.name.as_str(), c.address.as_deref()))
            .collect();
        assert_eq!(names, [("前门摄像头", Some("通川区朝阳路"))], "{id}");
    }
}

/// The body of a MANSCDP message about `device`.
fn manscdp(root: &str, cmd: &str, device: &str, rest: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n<{root}>\r\n<CmdType>{cmd}</CmdType>\r\n<SN>7</SN>\r\n\
         <DeviceID>{device}</DeviceID>\r\n{rest}</{root}>\r\n"
    )
}

/// How many events came in over the `video` channel.
async fn video_events(t: &TestApp) -> Vec<pingan_app::EventView> {
    let q = pingan_app::EventListQuery {
        channel: Some("video".into()),
        ..Default::default()
    };
    let actor = pingan_app::Actor::user(viewer(), None);
    t.app.cases().events(&actor, &q).await.unwrap().items
}

#[tokio::test]
async fn alarms_become_events_and_devices_answer_queries() {
    let (t, server) = hub().await;
    let (lon, lat) = grid_point(&t).await;
    let nvr = "51170200001180000009";
    let cam = "51170200001320000091";
    // The registry gives this NVR a password of its own: the global one no longer opens it.
    let columns: Vec<pingan_app::sheet::Column> = [
        "设备编码",
        "设备名称",
        "通道编码",
        "摄像机名称",
        "网络",
        "经度",
        "纬度",
        "设备密码",
    ]
    .into_iter()
    .map(|h| pingan_app::sheet::Column::new(h, 10.0))
    .collect();
    let row: Vec<String> = [
        nvr,
        "台账里的NVR",
        cam,
        "朝阳路口",
        "天网工程",
        &lon.to_string(),
        &lat.to_string(),
        "own-secret-9",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let sheet = pingan_app::sheet::write_sheet("台账", &columns, &[row], None).unwrap();
    let report = t
        .app
        .video()
        .import_video_registry(&pingan_app::Actor::cli(), &sheet)
        .await
        .unwrap();
    assert_eq!(report.channels, 1);
    let mut dev = Device::new(nvr, server).await;
    assert_eq!(code(&dev.register_with(3600, nvr, PASSWORD).await), 403);
    assert_eq!(
        code(&dev.register_with(3600, nvr, "own-secret-9").await),
        200
    );

    // After registering: the catalog query, the device-info query, the catalog subscription.
    let catalog = dev.next_request().await;
    assert!(String::from_utf8_lossy(&catalog.body).contains("<CmdType>Catalog</CmdType>"));
    let info = dev.next_request().await;
    assert!(String::from_utf8_lossy(&info.body).contains("<CmdType>DeviceInfo</CmdType>"));
    let subscribe = dev.next_request().await;
    assert!(matches!(&subscribe.start, StartLine::Request { method, .. } if method == "SUBSCRIBE"));
    assert!(subscribe.header("Event").unwrap().starts_with("Catalog"));

    // Its DeviceInfo answer: the model is kept, the registry's name wins over the device's.
    let answer = manscdp(
        "Response",
        "DeviceInfo",
        nvr,
        "<DeviceName>IPC</DeviceName><Result>OK</Result><Manufacturer>Hikvision</Manufacturer>\
         <Model>DS-7816</Model><Firmware>V4.1</Firmware>",
    );
    assert_eq!(code(&dev.message(answer.as_bytes()).await), 200);
    let (device, _) = t.app.video().video_device(nvr).await.unwrap();
    assert_eq!(
        (device.name.as_deref(), device.model.as_deref()),
        (Some("台账里的NVR"), Some("DS-7816"))
    );

    // The subscription says the camera lost its video, then that it is back.
    for (event, status) in [("VLOST", "OFF"), ("ON", "ON")] {
        let body = manscdp(
            "Notify",
            "Catalog",
            nvr,
            &format!(
                "<SumNum>1</SumNum><DeviceList Num=\"1\"><Item><DeviceID>{cam}</DeviceID><Event>{event}</Event></Item></DeviceList>"
            ),
        );
        assert_eq!(code(&dev.notify(&body).await), 200);
        let (channel, history) = t.app.video().channel_page(&viewer(), cam).await.unwrap();
        assert_eq!(channel.status.as_deref(), Some(status));
        assert!(
            history.iter().any(|h| h.what.contains("目录订阅")),
            "{history:?}"
        );
    }

    // An intrusion alarm at the camera becomes one event at its grid, however often it repeats,
    // and sounds on the hub's pages like a one-button alarm.
    let mut changes = t.app.cases().subscribe_cases(&viewer()).unwrap();
    let alarm = manscdp(
        "Notify",
        "Alarm",
        cam,
        "<AlarmPriority>2</AlarmPriority><AlarmMethod>5</AlarmMethod>\
         <AlarmTime>2026-11-28T10:15:30</AlarmTime><Info><AlarmType>6</AlarmType></Info>",
    );
    assert_eq!(code(&dev.message(alarm.as_bytes()).await), 200);
    let mut events = Vec::new();
    for _ in 0..50 {
        events = video_events(&t).await;
        if !events.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(events.len(), 1, "the alarm made an event");
    assert_eq!(events[0].title, "视频告警：入侵检测（朝阳路口）");
    assert!(events[0].grid_code.is_some(), "at the camera's grid");
    let notice = loop {
        let change = tokio::time::timeout(Duration::from_secs(5), changes.recv())
            .await
            .expect("the alarm on the stream")
            .unwrap();
        if let Some(a) = change.alarm {
            assert_eq!(change.case_id, events[0].id);
            break a;
        }
    };
    assert_eq!(
        (
            notice.kind_label.as_str(),
            notice.signal_label.as_str(),
            notice.point_name.as_str()
        ),
        ("视频告警", "入侵检测", "朝阳路口")
    );
    assert!(notice.lat.is_some() && notice.point_id.is_none());
    assert_eq!(code(&dev.message(alarm.as_bytes()).await), 200);
    // A video-loss alarm is the equipment's trouble: a line in the camera's log, no event.
    let loss = manscdp(
        "Notify",
        "Alarm",
        cam,
        "<AlarmMethod>2</AlarmMethod><AlarmType>1</AlarmType>",
    );
    assert_eq!(code(&dev.message(loss.as_bytes()).await), 200);
    let mut logged = false;
    for _ in 0..50 {
        let (_, history) = t.app.video().channel_page(&viewer(), cam).await.unwrap();
        logged = history.iter().any(|h| h.what.contains("报警：视频丢失"));
        if logged {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(logged);
    assert_eq!(video_events(&t).await.len(), 1, "still one event");
    // The alarm account cannot sign in.
    assert!(
        t.app
            .access()
            .login("system-gb28181", "!disabled", None)
            .await
            .is_err()
    );

    // A query on demand: the device's status.
    t.app
        .video()
        .query_device(&viewer(), nvr, "device_status")
        .await
        .unwrap();
    let query = dev.next_request().await;
    assert!(String::from_utf8_lossy(&query.body).contains("<CmdType>DeviceStatus</CmdType>"));
    let status = manscdp(
        "Response",
        "DeviceStatus",
        nvr,
        "<Result>OK</Result><Online>ONLINE</Online><Status>OK</Status><Encode>ON</Encode><Record>OFF</Record>",
    );
    assert_eq!(code(&dev.message(status.as_bytes()).await), 200);
    let report = t
        .app
        .video()
        .device_status_report(nvr)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(report.summary(), "在线，工作正常，编码中，未录像");
    let refused = t
        .app
        .video()
        .query_device(&viewer(), nvr, "reboot")
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("device_status"), "{refused}");
}

#[tokio::test]
async fn a_device_registers_and_keeps_alive_over_tcp() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let t = TestApp::spawn_with(AppConfig {
        sip_password: Some(PASSWORD.into()),
        ..AppConfig::default()
    })
    .await;
    let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = tcp.local_addr().unwrap();
    let config = ServerConfig {
        id: DeviceId::parse(PLATFORM).unwrap(),
        nonce_ttl: Duration::from_secs(300),
        query_on_register: true,
    };
    let (_commander, commands) = Commander::new();
    tokio::spawn(serve(udp, Some(tcp), config, t.app.clone(), commands));
    let id = "51170200001320000077";
    let mut stream = tokio::net::TcpStream::connect(server).await.unwrap();
    let local = stream.local_addr().unwrap();
    let mut buf = Vec::new();
    // Reads whole messages off the connection until one matches.
    async fn next(stream: &mut tokio::net::TcpStream, buf: &mut Vec<u8>) -> SipMessage {
        loop {
            if let Ok((m, used)) = SipMessage::parse(buf) {
                buf.drain(..used);
                return m;
            }
            let mut chunk = [0u8; 4096];
            let n = tokio::time::timeout(Duration::from_secs(2), stream.read(&mut chunk))
                .await
                .expect("an answer in time")
                .unwrap();
            assert!(n > 0, "connection closed");
            buf.extend_from_slice(&chunk[..n]);
        }
    }
    let register = |cseq: u32, auth: &str| {
        format!(
            "REGISTER sip:{PLATFORM}@{REALM} SIP/2.0\r\nVia: SIP/2.0/TCP {local};rport;branch=z9hG4bK{cseq}\r\n\
             From: <sip:{id}@{REALM}>;tag=1\r\nTo: <sip:{id}@{REALM}>\r\nCall-ID: tcp-1\r\nCSeq: {cseq} REGISTER\r\n\
             Max-Forwards: 70\r\nExpires: 3600\r\n{auth}Content-Length: 0\r\n\r\n"
        )
    };
    // Two messages in one write, and a keep-alive CRLF between: each is answered.
    stream
        .write_all(format!("{}\r\n\r\n{}", register(1, ""), register(2, "")).as_bytes())
        .await
        .unwrap();
    let challenge = next(&mut stream, &mut buf).await;
    assert_eq!(code(&challenge), 401);
    assert_eq!(code(&next(&mut stream, &mut buf).await), 401);
    let www = challenge.header("WWW-Authenticate").unwrap().to_owned();
    let nonce = www
        .split("nonce=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let mut a = DigestAnswer {
        username: id.into(),
        realm: REALM.into(),
        nonce: nonce.clone(),
        uri: format!("sip:{PLATFORM}@{REALM}"),
        response: String::new(),
        cnonce: None,
        qop: None,
        nc: None,
    };
    a.response = a.expected("REGISTER", PASSWORD);
    let auth = format!(
        "Authorization: Digest username=\"{id}\", realm=\"{REALM}\", nonce=\"{nonce}\", uri=\"{}\", response=\"{}\"\r\n",
        a.uri, a.response
    );
    // Written in two pieces: the server waits for the whole message.
    let text = register(3, &auth);
    let (head, tail) = text.split_at(40);
    stream.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    stream.write_all(tail.as_bytes()).await.unwrap();
    assert_eq!(code(&next(&mut stream, &mut buf).await), 200);
    // The catalog query comes down the same connection.
    let query = next(&mut stream, &mut buf).await;
    assert!(String::from_utf8_lossy(&query.body).contains("<CmdType>Catalog</CmdType>"));
    assert!(query.header("Via").unwrap().starts_with("SIP/2.0/TCP"));
    let (device, _) = t.app.video().video_device(id).await.unwrap();
    assert!(device.online);
    assert_eq!(device.transport, "tcp");
}

/// Issue 12 fault 10: SIP trusts only the device. From a second loopback address, without
/// credentials, a Keepalive does not move the device's contact, a catalog NOTIFY does not turn
/// its camera off, an Alarm raises no event, and a captured REGISTER answer replayed is
/// challenged; a NOTIFY outside the platform's subscription is refused even from the device.
#[tokio::test]
async fn sip_requests_are_taken_only_from_the_device() {
    let (t, server) = hub().await;
    let (lon, lat) = grid_point(&t).await;
    let id = "51170200001320000077";
    let mut cam = Device::new(id, server).await;
    let challenge = cam.register(3600, None).await;
    let nonce = challenge
        .header("WWW-Authenticate")
        .unwrap()
        .split("nonce=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(
        code(&cam.register(3600, Some((&nonce, id, PASSWORD))).await),
        200
    );
    let home = cam.socket.local_addr().unwrap().to_string();
    let catalog = manscdp(
        "Response",
        "Catalog",
        id,
        &format!(
            "<SumNum>1</SumNum><DeviceList Num=\"1\"><Item><DeviceID>{id}</DeviceID><Name>路口</Name>\
             <Status>ON</Status><Longitude>{lon}</Longitude><Latitude>{lat}</Latitude></Item></DeviceList>"
        ),
    );
    assert_eq!(code(&cam.message(catalog.as_bytes()).await), 200);

    let mut spoof = Device::at("127.0.0.2", id, server).await;
    assert_eq!(code(&spoof.keepalive().await), 403);
    let (device, _) = t.app.video().video_device(id).await.unwrap();
    assert_eq!(device.remote_addr.as_deref(), Some(home.as_str()));
    let off = manscdp(
        "Notify",
        "Catalog",
        id,
        &format!(
            "<SumNum>1</SumNum><DeviceList Num=\"1\"><Item><DeviceID>{id}</DeviceID><Event>OFF</Event></Item></DeviceList>"
        ),
    );
    assert_eq!(code(&spoof.notify(&off).await), 403);
    let alarm = manscdp(
        "Notify",
        "Alarm",
        id,
        "<AlarmPriority>1</AlarmPriority><AlarmMethod>5</AlarmMethod><Info><AlarmType>6</AlarmType></Info>",
    );
    assert_eq!(code(&spoof.message(alarm.as_bytes()).await), 403);
    // The captured answer, replayed from elsewhere or again from home, is challenged.
    assert_eq!(
        code(&spoof.register(3600, Some((&nonce, id, PASSWORD))).await),
        401
    );
    assert_eq!(
        code(&cam.register(3600, Some((&nonce, id, PASSWORD))).await),
        401
    );
    // The device itself: a NOTIFY outside the platform's subscription is refused (481); in it,
    // taken.
    let mut own = Device::new(id, server).await;
    own.socket = cam.socket;
    assert_eq!(code(&own.notify(&off).await), 481);
    let (channel, _) = t.app.video().channel_page(&viewer(), id).await.unwrap();
    assert_eq!(
        channel.status.as_deref(),
        Some("ON"),
        "nothing turned it off"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        video_events(&t).await.is_empty(),
        "no event from the forged alarm"
    );
    assert_eq!(code(&own.keepalive().await), 200);
}
