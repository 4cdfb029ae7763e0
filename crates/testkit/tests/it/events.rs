//! The case engine and the event kind: intake, the lifecycle, every refusal, scope, concurrent
//! operators, the sweeper, the API and the stream — on whichever backend the run uses.

use pingan_app::{
    ActionRequest, Actor, AppError, CurrentUser, EventIntake, EventListQuery, EventView,
};
use pingan_testkit::TestApp;
use serde_json::{Value, json};

pub const TOWNSHIP: &str = "511702001";
pub const OTHER_TOWNSHIP: &str = "511702002";

/// The demo district with the accounts an event meets on its way, each signed in.
pub struct Hub {
    pub t: TestApp,
    pub commander: Actor,
    pub operator: Actor,
    pub other_operator: Actor,
    pub worker: Actor,
    /// The township's police station handler, and the district court's (an unrelated department).
    pub police: Actor,
    pub court: Actor,
    pub grid: String,
    /// The grid's label point (lon, lat).
    pub point: (f64, f64),
    pub police_id: i64,
    pub tokens: Tokens,
    /// The demo accounts' shared password.
    pub password: String,
}

/// Bearer tokens of some of the hub's accounts, for the API.
pub struct Tokens {
    pub commander: String,
    pub operator: String,
    pub worker: String,
    pub court: String,
}

/// Completes the account's setup and signs it in: the actor for the services and a bearer token.
pub async fn actor(t: &TestApp, username: &str, password: &str) -> (Actor, String) {
    let mut ready = t.ready(username, password).await;
    let token = t.token(&mut ready).await;
    let user: CurrentUser = t.app.access().authenticate(&token).await.unwrap();
    (Actor::user(user, Some("127.0.0.1".into())), token)
}

impl Hub {
    pub async fn new() -> Self {
        Self::with_config(pingan_app::AppConfig::default()).await
    }

    /// The hub over the small demo district with the given settings.
    pub async fn with_config(config: pingan_app::AppConfig) -> Self {
        let (t, demo) = TestApp::spawn_demo_with(config).await;
        let pw = demo.account_password.clone().unwrap();
        let (commander, commander_token) = actor(&t, "commander", &pw).await;
        let grids = t
            .app
            .org()
            .grid_features(commander.user.as_ref().unwrap())
            .await
            .unwrap();
        let feature = grids["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| {
                f["properties"]["code"]
                    .as_str()
                    .unwrap()
                    .starts_with(TOWNSHIP)
            })
            .unwrap()
            .clone();
        let grid = feature["properties"]["code"].as_str().unwrap().to_owned();
        let label = &feature["properties"]["label"];
        let point = (label[0].as_f64().unwrap(), label[1].as_f64().unwrap());
        let (police, _) = actor(&t, &format!("bm-{TOWNSHIP}-pcs"), &pw).await;
        let police_id = police.user.as_ref().unwrap().department_id.unwrap();
        let (operator, operator_token) = actor(&t, &format!("op{TOWNSHIP}"), &pw).await;
        let (worker, worker_token) = actor(&t, &format!("wg{grid}"), &pw).await;
        let (court, court_token) = actor(&t, "bm-511702-fy", &pw).await;
        Self {
            operator,
            other_operator: actor(&t, &format!("op{OTHER_TOWNSHIP}"), &pw).await.0,
            worker,
            court,
            police,
            commander,
            tokens: Tokens {
                commander: commander_token,
                operator: operator_token,
                worker: worker_token,
                court: court_token,
            },
            grid,
            point,
            police_id,
            password: pw,
            t,
        }
    }

    /// A signed-in resident (居民) of the township, who follows only their own reports.
    pub async fn citizen(&self, username: &str) -> Actor {
        let account = pingan_app::NewAccount {
            username: username.into(),
            display_name: "居民".into(),
            org: TOWNSHIP.into(),
            role: "citizen".into(),
            password: "Resident#2026".into(),
            ..pingan_app::NewAccount::default()
        };
        self.t
            .app
            .access()
            .add_user(&Actor::cli(), &account)
            .await
            .unwrap();
        Actor::user(
            crate::signed_in(&self.t, username, "Resident#2026").await,
            None,
        )
    }

    pub fn intake(&self, client_id: &str, category: &str, title: &str) -> EventIntake {
        EventIntake {
            client_id: client_id.into(),
            channel: "grid_worker".into(),
            category: category.into(),
            title: title.into(),
            description: "网格员巡查发现".into(),
            lat: Some(self.point.1),
            lon: Some(self.point.0),
            ..Default::default()
        }
    }

    /// A new event reported by the grid worker.
    pub async fn report(&self, client_id: &str) -> EventView {
        self.t
            .app
            .cases()
            .report_event(
                &self.worker,
                &self.intake(client_id, "治安隐患", "小区门口聚集可疑人员"),
            )
            .await
            .unwrap()
            .event
    }

    pub async fn act(&self, who: &Actor, id: i64, action: &str) -> Result<EventView, AppError> {
        self.act_with(
            who,
            id,
            ActionRequest {
                action: action.into(),
                ..Default::default()
            },
        )
        .await
    }

    pub async fn act_with(
        &self,
        who: &Actor,
        id: i64,
        req: ActionRequest,
    ) -> Result<EventView, AppError> {
        self.t.app.cases().act_on_event(who, id, &req).await
    }

    /// Takes a reported event to 处置中 at the township police station.
    pub async fn to_handling(&self, client_id: &str) -> EventView {
        let e = self.report(client_id).await;
        self.act(&self.operator, e.id, "accept").await.unwrap();
        self.act(&self.operator, e.id, "register").await.unwrap();
        self.dispatch(e.id, self.police_id).await.unwrap();
        self.act(&self.police, e.id, "sign").await.unwrap()
    }

    pub async fn dispatch(&self, id: i64, department: i64) -> Result<EventView, AppError> {
        self.act_with(
            &self.operator,
            id,
            ActionRequest {
                action: "dispatch".into(),
                department_id: Some(department),
                ..Default::default()
            },
        )
        .await
    }

    pub async fn with_reason(
        &self,
        who: &Actor,
        id: i64,
        action: &str,
        reason: &str,
    ) -> Result<EventView, AppError> {
        self.act_with(
            who,
            id,
            ActionRequest {
                action: action.into(),
                reason: Some(reason.into()),
                ..Default::default()
            },
        )
        .await
    }

    /// GET `path` with a bearer token: the body as text.
    pub async fn get_text(&self, path: &str, token: &str) -> String {
        self.get(path, token).await.text().await.unwrap()
    }

    /// GET `path` with a bearer token: the body as JSON.
    pub async fn get_json(&self, path: &str, token: &str) -> Value {
        self.get(path, token).await.json().await.unwrap()
    }

    async fn get(&self, path: &str, token: &str) -> reqwest::Response {
        reqwest::Client::new()
            .get(self.t.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    pub async fn visible(&self, who: &Actor, id: i64) -> bool {
        let listed = self
            .t
            .app
            .cases()
            .events(who, &EventListQuery::default())
            .await
            .unwrap()
            .items
            .iter()
            .any(|e| e.id == id);
        let detail = self.t.app.cases().event_detail(who, id).await.is_ok();
        assert_eq!(listed, detail, "list and detail agree");
        listed
    }
}

#[tokio::test]
async fn an_event_lands_on_its_grid_and_township_with_a_deadline_and_resends_are_one_event() {
    let h = Hub::new().await;
    let first =
        h.t.app
            .cases()
            .report_event(&h.worker, &h.intake("phone-0001-a", "ZZ02", "楼道堆放杂物"))
            .await
            .unwrap();
    assert!(first.created);
    let e = &first.event;
    assert_eq!(
        (e.state.as_str(), e.state_label.as_str()),
        ("reported", "待受理")
    );
    assert_eq!(e.grid_code.as_deref(), Some(h.grid.as_str()));
    assert_eq!(e.owner_org, TOWNSHIP, "routed to the township hub");
    assert_eq!(e.handling_limit, "3 工作日");
    assert!(e.number.starts_with("SJ") && e.number.ends_with(&format!("{:06}", e.id)));
    let deadline = e.deadline.expect("the acceptance clock runs");
    assert!(deadline > e.created_at && e.yellow_at.unwrap() < deadline);

    // The phone resends: the same event comes back, nothing new is made.
    let again =
        h.t.app
            .cases()
            .report_event(&h.worker, &h.intake("phone-0001-a", "ZZ02", "楼道堆放杂物"))
            .await
            .unwrap();
    assert!(!again.created);
    assert_eq!(again.event.id, e.id);
    assert_eq!(
        h.t.app
            .cases()
            .events(&h.commander, &EventListQuery::default())
            .await
            .unwrap()
            .items
            .len(),
        1
    );

    // Two resends at the same moment still make one event.
    let twice = h.intake("phone-0003-c", "ZZ02", "同时重发");
    let (a, b) = tokio::join!(
        h.t.app.cases().report_event(&h.worker, &twice),
        h.t.app.cases().report_event(&h.worker, &twice)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.event.id, b.event.id);
    assert!(a.created != b.created, "one made it, the other found it");

    // A point from a Chinese map SDK (GCJ-02) is converted and lands on the same grid.
    let (glon, glat) = pingan_geo::coord::wgs84_to_gcj02(h.point.0, h.point.1);
    let gcj = EventIntake {
        lat: Some(glat),
        lon: Some(glon),
        coord: Some("gcj02".into()),
        ..h.intake("phone-0002-b", "安全隐患", "电动车楼道充电")
    };
    let g =
        h.t.app
            .cases()
            .report_event(&h.worker, &gcj)
            .await
            .unwrap()
            .event;
    assert_eq!(g.grid_code.as_deref(), Some(h.grid.as_str()));
    assert!((g.lon.unwrap() - h.point.0).abs() < 1e-6 && (g.lat.unwrap() - h.point.1).abs() < 1e-6);
}

#[tokio::test]
async fn intake_refuses_what_it_cannot_place_or_file_with_a_message_that_says_what_to_do() {
    let h = Hub::new().await;
    let refuse = |intake: EventIntake| {
        let app = h.t.app.clone();
        let worker = h.worker.clone();
        async move {
            app.cases()
                .report_event(&worker, &intake)
                .await
                .unwrap_err()
                .to_string()
        }
    };
    assert!(
        refuse(h.intake("short", "ZZ02", "标题"))
            .await
            .contains("client_id")
    );
    assert!(
        refuse(EventIntake {
            channel: "wechat".into(),
            ..h.intake("client-0003", "ZZ02", "标题")
        })
        .await
        .contains("grid_worker")
    );
    assert!(
        refuse(h.intake("client-0004", "治安", "标题"))
            .await
            .contains("事件类别“治安”不存在")
    );
    assert!(
        refuse(h.intake("client-0005", "ZZ02", "标"))
            .await
            .contains("标题应为 2 到 100 个字")
    );
    assert!(
        refuse(EventIntake {
            lat: Some(0.0),
            lon: Some(0.0),
            ..h.intake("client-0006", "ZZ02", "标题")
        })
        .await
        .contains("不在本辖区任何网格内")
    );
    assert!(
        refuse(EventIntake {
            lat: None,
            ..h.intake("client-0007", "ZZ02", "标题")
        })
        .await
        .contains("要么都填")
    );
    assert!(
        refuse(EventIntake {
            lat: None,
            lon: None,
            ..h.intake("client-0008", "ZZ02", "标题")
        })
        .await
        .contains("address")
    );
    // Without a point: an address and a grid chosen by hand.
    let by_hand = EventIntake {
        channel: "hotline_12345".into(),
        lat: None,
        lon: None,
        address: Some("朝阳东路 12 号".into()),
        grid_code: Some(h.grid.clone()),
        ..h.intake("client-0009", "民生诉求", "路灯不亮")
    };
    let e =
        h.t.app
            .cases()
            .report_event(&h.operator, &by_hand)
            .await
            .unwrap()
            .event;
    assert_eq!(
        (e.grid_code.as_deref(), e.channel_label.as_str()),
        (Some(h.grid.as_str()), "12345 转办")
    );
    // A grid worker may report only where they work; only a grid worker may report it fixed.
    let elsewhere = EventIntake {
        grid_code: Some("511702002001001".into()),
        ..by_hand.clone()
    };
    let err =
        h.t.app
            .cases()
            .report_event(
                &h.worker,
                &EventIntake {
                    client_id: "client-0010".into(),
                    ..elsewhere
                },
            )
            .await
            .unwrap_err();
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");
    let err =
        h.t.app
            .cases()
            .report_event(
                &h.operator,
                &EventIntake {
                    self_resolved: true,
                    ..h.intake("client-0011", "ZZ02", "标题")
                },
            )
            .await
            .unwrap_err();
    assert!(err.to_string().contains("只有网格员"), "{err}");
    // A client id is one event: someone else's id is refused, not answered with their event.
    let err =
        h.t.app
            .cases()
            .report_event(
                &h.other_operator,
                &EventIntake {
                    grid_code: None,
                    address: None,
                    lat: None,
                    lon: None,
                    ..by_hand.clone()
                },
            )
            .await
            .unwrap_err();
    assert!(
        err.to_string().contains("address"),
        "validation comes first: {err}"
    );
}

#[tokio::test]
async fn the_main_line_runs_from_report_to_evaluation_with_every_step_on_the_timeline() {
    let h = Hub::new().await;
    let e = h.report("line-0001").await;
    let accepted = h.act(&h.operator, e.id, "accept").await.unwrap();
    assert_eq!(accepted.state, "accepted");
    assert_eq!(accepted.version, e.version + 1);
    h.act(&h.operator, e.id, "register").await.unwrap();
    let detail =
        h.t.app
            .cases()
            .event_detail(&h.operator, e.id)
            .await
            .unwrap();
    assert_eq!(
        detail.suggested_department_id,
        Some(h.police_id),
        "治安隐患 goes to the township police"
    );
    assert_eq!(
        detail
            .actions
            .iter()
            .map(|a| a.action.as_str())
            .collect::<Vec<_>>(),
        ["dispatch", "merge", "to_dispute", "escalate"]
    );
    let dispatched = h
        .act_with(
            &h.operator,
            e.id,
            ActionRequest {
                action: "dispatch".into(),
                department_id: Some(h.police_id),
                assist_department_ids: vec![h.court.user.as_ref().unwrap().department_id.unwrap()],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(dispatched.department_ids.len(), 2);
    let handling = h.act(&h.police, e.id, "sign").await.unwrap();
    assert_eq!(handling.state, "handling");
    assert!(
        handling.deadline.unwrap() > dispatched.deadline.unwrap(),
        "3 working days for the handling step"
    );
    h.with_reason(&h.police, e.id, "feedback", "已清理，人员已劝离")
        .await
        .unwrap();
    let closed = h.act(&h.worker, e.id, "verify").await.unwrap();
    assert_eq!(
        (closed.state.as_str(), closed.open, closed.deadline),
        ("closed", false, None)
    );
    let rated = h
        .act_with(
            &h.worker,
            e.id,
            ActionRequest {
                action: "evaluate".into(),
                rating: Some("满意".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (rated.state.as_str(), rated.rating.as_deref()),
        ("evaluated", Some("satisfied"))
    );

    let timeline =
        h.t.app
            .cases()
            .event_detail(&h.commander, e.id)
            .await
            .unwrap()
            .timeline;
    let steps: Vec<_> = timeline.iter().map(|t| t.action_label.as_str()).collect();
    assert_eq!(
        steps,
        [
            "上报",
            "受理",
            "立案",
            "派遣",
            "签收",
            "反馈处置结果",
            "核查通过并结案",
            "评价"
        ]
    );
    assert_eq!(timeline[5].comment.as_deref(), Some("已清理，人员已劝离"));
    let lead = timeline[3].detail["departments"][0].as_str().unwrap();
    assert!(lead.ends_with("派出所"), "{lead}");
    assert_eq!(timeline[4].actor_name, format!("{lead}承办人"));
}

#[tokio::test]
async fn every_refusal_says_why_and_changes_nothing() {
    let h = Hub::new().await;
    let e = h.report("refuse-0001").await;
    // Wrong state.
    let err = h.act(&h.police, e.id, "sign").await.unwrap_err();
    assert!(
        matches!(err, AppError::NotFound(_)),
        "not dispatched yet, so not the police's case: {err}"
    );
    let err = h.act(&h.operator, e.id, "register").await.unwrap_err();
    assert_eq!(err.to_string(), "案件当前为“待受理”，不能立案");
    assert!(matches!(err, AppError::Conflict(_)));
    // Wrong role.
    let err = h.act(&h.worker, e.id, "accept").await.unwrap_err();
    assert!(matches!(err, AppError::Forbidden(_)));
    assert_eq!(err.to_string(), "只有综治中心可以受理");
    // Missing reason or department.
    let err = h.act(&h.operator, e.id, "reject").await.unwrap_err();
    assert_eq!(err.to_string(), "请填写意见或理由");
    h.act(&h.operator, e.id, "accept").await.unwrap();
    h.act(&h.operator, e.id, "register").await.unwrap();
    let err = h.act(&h.operator, e.id, "dispatch").await.unwrap_err();
    assert_eq!(err.to_string(), "请选择承办部门");
    let err = h.dispatch(e.id, 999_999).await.unwrap_err();
    assert!(err.to_string().contains("部门 999999 不存在"), "{err}");
    // Out of scope: another township's operator cannot even see it.
    let err = h
        .act(&h.other_operator, e.id, "dispatch")
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::NotFound(_)));
    // Unknown action.
    let err = h.act(&h.operator, e.id, "delete").await.unwrap_err();
    assert!(matches!(err, AppError::Invalid(_)));
    // After all that, the case is as it was, with three entries on its timeline.
    let d =
        h.t.app
            .cases()
            .event_detail(&h.operator, e.id)
            .await
            .unwrap();
    assert_eq!(d.event.state, "registered");
    assert_eq!(d.timeline.len(), 3);
}

#[tokio::test]
async fn a_dispatched_case_is_seen_by_its_department_and_the_hubs_above_and_nobody_else() {
    let h = Hub::new().await;
    let e = h.report("scope-0001").await;
    h.act(&h.operator, e.id, "accept").await.unwrap();
    h.act(&h.operator, e.id, "register").await.unwrap();
    assert!(!h.visible(&h.police, e.id).await, "not yet dispatched");
    h.dispatch(e.id, h.police_id).await.unwrap();
    assert!(h.visible(&h.police, e.id).await);
    assert!(h.visible(&h.operator, e.id).await);
    let d =
        h.t.app
            .cases()
            .event_detail(&h.operator, e.id)
            .await
            .unwrap();
    assert!(d.actions.is_empty());
    assert_eq!(d.waiting_for.as_deref(), Some("等待承办部门签收"));
    assert!(h.visible(&h.commander, e.id).await);
    assert!(h.visible(&h.worker, e.id).await, "the grid's own worker");
    assert!(!h.visible(&h.other_operator, e.id).await);
    assert!(!h.visible(&h.court, e.id).await);
    // Returned to the hub, it leaves the department's sight.
    h.with_reason(&h.police, e.id, "return", "不属于本所职责，请改派")
        .await
        .unwrap();
    assert!(!h.visible(&h.police, e.id).await);
    assert!(h.visible(&h.operator, e.id).await);
}

#[tokio::test]
async fn two_operators_acting_at_once_one_wins_and_the_other_is_told() {
    let h = Hub::new().await;
    let e = h.report("race-0001").await;
    let (a, b) = tokio::join!(
        h.act_with(
            &h.operator,
            e.id,
            ActionRequest {
                action: "accept".into(),
                version: Some(e.version),
                ..Default::default()
            }
        ),
        h.act_with(
            &h.commander,
            e.id,
            ActionRequest {
                action: "reject".into(),
                version: Some(e.version),
                reason: Some("重复上报".into()),
                ..Default::default()
            }
        ),
    );
    let (ok, err): (Vec<_>, Vec<_>) = [a, b].into_iter().partition(Result::is_ok);
    assert_eq!((ok.len(), err.len()), (1, 1));
    let msg = err.into_iter().next().unwrap().unwrap_err();
    assert!(matches!(msg, AppError::Conflict(_)), "{msg}");
    assert!(msg.to_string().contains("已被他人处理"), "{msg}");
    // A stale version is refused even when the action would fit the new state.
    let now =
        h.t.app
            .cases()
            .event_detail(&h.operator, e.id)
            .await
            .unwrap()
            .event;
    assert_eq!(now.version, e.version + 1);
    assert_eq!(
        h.t.app
            .cases()
            .event_detail(&h.operator, e.id)
            .await
            .unwrap()
            .timeline
            .len(),
        2,
        "no lost or double update"
    );
}

#[tokio::test]
async fn exceptions_return_dispute_extension_supervision_escalation_shelving_merge_and_forced_close()
 {
    let h = Hub::new().await;
    // 回退 and 争议: back to the hub, then dispatched again.
    let e = h.report("exc-0001").await;
    h.act(&h.operator, e.id, "accept").await.unwrap();
    h.act(&h.operator, e.id, "register").await.unwrap();
    h.dispatch(e.id, h.police_id).await.unwrap();
    let disputed = h
        .with_reason(&h.police, e.id, "dispute", "应由城管处理")
        .await
        .unwrap();
    assert_eq!(disputed.state_label, "争议待裁定");
    let again = h.dispatch(e.id, h.police_id).await.unwrap();
    assert_eq!(again.state, "dispatched");
    let returned = h
        .with_reason(&h.police, e.id, "return", "请补充现场照片")
        .await
        .unwrap();
    assert_eq!(
        (returned.state.as_str(), returned.department_ids.len()),
        ("registered", 0)
    );

    // 延期: asked for, approved, the deadline moves by working days.
    let e = h.to_handling("exc-0002").await;
    let asked = h
        .act_with(
            &h.police,
            e.id,
            ActionRequest {
                action: "request_extension".into(),
                reason: Some("需协调供电公司".into()),
                extension_days: Some(2),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(asked.extension_days, Some(2));
    let err = h
        .act_with(
            &h.police,
            e.id,
            ActionRequest {
                action: "request_extension".into(),
                reason: Some("再延".into()),
                extension_days: Some(1),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "已有延期申请在等待审批");
    let approved = h.act(&h.operator, e.id, "approve_extension").await.unwrap();
    assert_eq!(approved.extension_days, None);
    let moved = approved.deadline.unwrap() - e.deadline.unwrap();
    assert!(
        moved >= chrono::Duration::days(2) && moved <= chrono::Duration::days(12),
        "{moved}"
    );
    let err = h
        .act(&h.operator, e.id, "approve_extension")
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "没有待审批的延期申请");
    // Asked again and denied: a reason is needed, and the deadline stays.
    let ask = ActionRequest {
        action: "request_extension".into(),
        reason: Some("材料未齐".into()),
        extension_days: Some(1),
        ..Default::default()
    };
    h.act_with(&h.police, e.id, ask).await.unwrap();
    let err = h
        .act(&h.operator, e.id, "deny_extension")
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "请填写意见或理由");
    let denied = h
        .with_reason(&h.operator, e.id, "deny_extension", "按原时限办结")
        .await
        .unwrap();
    assert_eq!(
        (denied.extension_days, denied.deadline),
        (None, approved.deadline)
    );

    // 督办 and 催办 by a superior; an operator is not one.
    let err = h
        .with_reason(&h.operator, e.id, "supervise", "限期办结")
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden(_)));
    let supervised = h
        .with_reason(&h.commander, e.id, "supervise", "限期办结")
        .await
        .unwrap();
    assert!(supervised.supervised);
    h.with_reason(&h.commander, e.id, "urge", "请今日内反馈")
        .await
        .unwrap();

    // 挂账 and 恢复办理.
    let shelved = h
        .with_reason(&h.police, e.id, "shelve", "涉及历史遗留问题，需区里统筹")
        .await
        .unwrap();
    assert_eq!(
        (shelved.state.as_str(), shelved.deadline),
        ("shelved", None)
    );
    let resumed = h.act(&h.operator, e.id, "resume").await.unwrap();
    assert!(resumed.deadline.is_some());

    // 强制结案: commanders only, with a reason, and on the audit record.
    let err = h
        .with_reason(&h.operator, e.id, "force_close", "群众撤回")
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden(_)));
    let forced = h
        .with_reason(&h.commander, e.id, "force_close", "群众撤回诉求")
        .await
        .unwrap();
    assert_eq!(forced.state, "closed");
    let audit =
        h.t.app
            .access()
            .search_audit(
                &Actor::cli(),
                &pingan_app::AuditFilter {
                    action_prefix: Some("case.force_close".into()),
                    ..Default::default()
                },
                10,
            )
            .await
            .unwrap();
    assert_eq!(audit.len(), 1);

    // 提级: township → district, once.
    let e = h.report("exc-0003").await;
    let up = h
        .with_reason(&h.operator, e.id, "escalate", "涉及多个乡镇")
        .await
        .unwrap();
    assert_eq!(up.owner_org, "511702");
    let err = h
        .with_reason(&h.commander, e.id, "escalate", "再提")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("无法再向上提级"), "{err}");
    let err = h.act(&h.operator, e.id, "accept").await.unwrap_err();
    assert!(
        matches!(err, AppError::Forbidden(_)),
        "the district hub owns it now: {err}"
    );
    h.act(&h.commander, e.id, "accept").await.unwrap();

    // 合并: a duplicate folds into the first report.
    let first = h.report("exc-0004").await;
    let dup =
        h.t.app
            .cases()
            .report_event(
                &h.worker,
                &h.intake("exc-0005", "治安隐患", "小区门口聚集可疑人员"),
            )
            .await
            .unwrap();
    assert!(
        dup.duplicates
            .iter()
            .any(|d| d.id == first.id && d.distance_m == Some(0.0)),
        "{:?}",
        dup.duplicates
    );
    let merged = h
        .act_with(
            &h.operator,
            dup.event.id,
            ActionRequest {
                action: "merge".into(),
                merge_into: Some(first.id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (merged.state.as_str(), merged.merged_into, merged.open),
        ("merged", Some(first.id), false)
    );
    let err = h
        .act_with(
            &h.operator,
            first.id,
            ActionRequest {
                action: "merge".into(),
                merge_into: Some(dup.event.id),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("只能合并到仍在办理的事件"),
        "{err}"
    );

    // 自行处置: straight to verification; 核查不通过 sends it back to the hub.
    let fixed =
        h.t.app
            .cases()
            .report_event(
                &h.worker,
                &EventIntake {
                    self_resolved: true,
                    ..h.intake("exc-0006", "CG0101", "路边暴露垃圾已清理")
                },
            )
            .await
            .unwrap()
            .event;
    assert_eq!(fixed.state, "fed_back");
    let reopened = h
        .with_reason(&h.operator, fixed.id, "reopen", "现场仍有垃圾")
        .await
        .unwrap();
    assert_eq!(reopened.state, "registered");
}

#[tokio::test]
async fn the_sweeper_raises_yellow_then_red_once_each() {
    let h = Hub::new().await;
    let e = h.report("sweep-0001").await;
    let yellow_past = "UPDATE cases SET yellow_at = '2020-01-01T00:00:00+00:00' WHERE id = ";
    h.t.db.execute(&format!("{yellow_past}{}", e.id)).await;
    // This sweep races the server's own (every second in tests): either raises the card, once.
    assert!(h.t.app.cases().sweep_deadlines().await.unwrap() <= 1);
    assert_eq!(
        h.t.app.cases().sweep_deadlines().await.unwrap(),
        0,
        "raised once"
    );
    let d =
        h.t.app
            .cases()
            .event_detail(&h.operator, e.id)
            .await
            .unwrap();
    assert_eq!(d.event.alert, "yellow");
    assert_eq!(d.timeline.last().unwrap().action_label, "黄牌预警");
    let yellow_cards = d
        .timeline
        .iter()
        .filter(|t| t.action_label == "黄牌预警")
        .count();
    assert_eq!(yellow_cards, 1);
    h.t.db
        .execute(&format!(
            "UPDATE cases SET deadline = '2020-01-01T00:00:00+00:00' WHERE id = {}",
            e.id
        ))
        .await;
    assert!(h.t.app.cases().sweep_deadlines().await.unwrap() <= 1);
    let counts = h.t.app.cases().event_counts(&h.operator).await.unwrap();
    assert_eq!(
        (counts.open, counts.yellow, counts.red, counts.since),
        (1, 0, 1, 1)
    );
    let home = h.get_text("/", &h.tokens.operator).await;
    assert!(home.contains("红牌超期") && home.contains("/events?alert=red"));
    let red =
        h.t.app
            .cases()
            .events(
                &h.operator,
                &EventListQuery {
                    alert: Some("red".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    assert_eq!(red.items.iter().map(|e| e.id).collect::<Vec<_>>(), [e.id]);
    // The next step starts a fresh clock.
    let accepted = h.act(&h.operator, e.id, "accept").await.unwrap();
    assert_eq!(accepted.alert, "normal");
}

#[tokio::test]
async fn lists_filter_and_page_with_a_cursor() {
    let h = Hub::new().await;
    for i in 0..5 {
        h.report(&format!("page-000{i}")).await;
    }
    h.t.app
        .cases()
        .report_event(
            &h.worker,
            &h.intake("page-0100", "CG0501", "菜市场门口占道经营"),
        )
        .await
        .unwrap();
    let q = |q: EventListQuery| {
        let app = h.t.app.clone();
        let who = h.operator.clone();
        async move { app.cases().events(&who, &q).await.unwrap() }
    };
    let first = q(EventListQuery {
        limit: Some(4),
        ..Default::default()
    })
    .await;
    assert_eq!(first.items.len(), 4);
    let rest = q(EventListQuery {
        limit: Some(4),
        before: first.next_before,
        ..Default::default()
    })
    .await;
    assert_eq!(rest.items.len(), 2);
    assert_eq!(rest.next_before, None);
    assert!(first.items.last().unwrap().id > rest.items[0].id);
    let filters = [
        (Some("CG"), None, None, None, 1),
        (None, Some("占道"), None, None, 1),
        (None, None, Some("reported"), Some(h.grid.as_str()), 6),
        (None, None, None, Some(OTHER_TOWNSHIP), 0),
        (None, Some(rest.items[0].number.as_str()), None, None, 1),
        (None, Some("SJ20200101999999"), None, None, 0),
    ];
    let wrong_day = format!("SJ20200101{:06}", rest.items[0].id);
    for (category, text, state, area, expected) in filters {
        let found = q(EventListQuery {
            category: category.map(Into::into),
            q: text.map(Into::into),
            state: state.map(Into::into),
            area: area.map(Into::into),
            ..Default::default()
        })
        .await;
        assert_eq!(
            found.items.len(),
            expected,
            "{category:?} {text:?} {state:?} {area:?}"
        );
    }
    let found = q(EventListQuery {
        q: Some(wrong_day),
        ..Default::default()
    })
    .await;
    assert!(found.items.is_empty(), "the date in a case number counts");
}

#[tokio::test]
async fn the_api_takes_events_in_answers_conflicts_and_streams_changes() {
    let h = Hub::new().await;
    let c = reqwest::Client::new();
    let mut commander_stream = stream(&h.t.base_url, &h.tokens.commander).await;
    let mut court_stream = stream(&h.t.base_url, &h.tokens.court).await;
    let body = json!({
        "client_id": "api-0001-abcdef", "channel": "grid_worker", "category": "治安隐患",
        "title": "夜间施工扰民", "description": "22 点后仍在施工", "lat": h.point.1, "lon": h.point.0
    });
    let post = |token: &str, body: &Value| {
        c.post(h.t.url("/api/v1/events"))
            .bearer_auth(token)
            .json(body)
            .send()
    };
    let res = post(&h.tokens.worker, &body).await.unwrap();
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    for key in [
        "id",
        "state",
        "grid_code",
        "org_code",
        "deadline",
        "number",
        "version",
    ] {
        assert!(!created[key].is_null(), "{key} in {created}");
    }
    assert_eq!(created["state"], "reported");
    assert_eq!(created["created"], true);
    let id = created["id"].as_i64().unwrap();

    let change = next_case_change(&mut commander_stream).await;
    assert_eq!(
        (change["case_id"].as_i64(), change["action"].as_str()),
        (Some(id), Some("report"))
    );

    let again = post(&h.tokens.worker, &body).await.unwrap();
    assert_eq!(again.status(), 200);
    assert_eq!(again.json::<Value>().await.unwrap()["id"], id);

    let bad = post(
        &h.tokens.worker,
        &json!({"client_id": "api-0002-abcdef", "channel": "grid_worker"}),
    )
    .await
    .unwrap();
    assert_eq!(bad.status(), 400);
    let problem: Value = bad.json().await.unwrap();
    assert_eq!(problem["code"], "invalid_input");
    assert!(
        problem["detail"].as_str().unwrap().contains("category"),
        "{problem}"
    );

    let act = |action: Value| {
        c.post(h.t.url(&format!("/api/v1/events/{id}/actions")))
            .bearer_auth(&h.tokens.operator)
            .json(&action)
            .send()
    };
    let ok = act(json!({"action": "accept", "version": created["version"]}))
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let stale = act(json!({"action": "reject", "version": created["version"], "reason": "重复"}))
        .await
        .unwrap();
    assert_eq!(stale.status(), 409);
    let forbidden = c
        .post(h.t.url(&format!("/api/v1/events/{id}/actions")))
        .bearer_auth(&h.tokens.worker)
        .json(&json!({"action": "register"}))
        .send()
        .await
        .unwrap();
    assert_eq!(forbidden.status(), 403);
    assert_eq!(
        next_case_change(&mut commander_stream).await["action"],
        "accept"
    );

    let list: Value = h
        .get_json(
            "/api/v1/events?state=accepted&limit=10",
            &h.tokens.commander,
        )
        .await;
    assert_eq!(list["items"][0]["id"], id);
    let detail: Value = h
        .get_json(&format!("/api/v1/events/{id}"), &h.tokens.operator)
        .await;
    assert_eq!(detail["timeline"].as_array().unwrap().len(), 2);
    assert!(
        detail["actions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["action"] == "register")
    );
    let categories: Value = h
        .get_json("/api/v1/event-categories", &h.tokens.worker)
        .await;
    assert!(
        categories
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name"] == "占道经营" && c["family"] == "GB/T 30428")
    );

    // The court's handler saw nothing of a case that is not theirs.
    let quiet =
        tokio::time::timeout(std::time::Duration::from_millis(300), court_stream.chunk()).await;
    match quiet {
        Err(_) => {}
        Ok(chunk) => {
            let text = String::from_utf8_lossy(&chunk.unwrap().unwrap_or_default()).to_string();
            assert!(!text.contains("event: case"), "{text}");
        }
    }
    let spec: Value = c
        .get(h.t.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for path in [
        "/api/v1/events",
        "/api/v1/events/{id}",
        "/api/v1/events/{id}/actions",
        "/api/v1/stream",
        "/api/v1/stats/online-rate",
    ] {
        assert!(spec["paths"][path].is_object(), "{path} documented");
    }
}

#[tokio::test]
async fn an_event_taken_in_by_one_instance_reaches_the_stream_of_another() {
    let h = Hub::new().await;
    if h.t.app.backend() != pingan_app::Backend::Postgres {
        // Several instances share PostgreSQL only; SQLite serves one instance.
        return;
    }
    let second = h.t.another_instance().await;
    let mut s = stream(&second.base_url, &h.tokens.commander).await;
    let e = h.report("two-0001").await;
    let change = next_case_change(&mut s).await;
    assert_eq!(change["case_id"].as_i64(), Some(e.id));
    // And an action taken on the second instance is seen by the first.
    let mut first = stream(&h.t.base_url, &h.tokens.commander).await;
    second
        .app
        .cases()
        .act_on_event(
            &h.operator,
            e.id,
            &ActionRequest {
                action: "accept".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(next_case_change(&mut first).await["action"], "accept");
}

/// Opens the SSE stream with a bearer token.
pub async fn stream(base_url: &str, token: &str) -> reqwest::Response {
    let res = reqwest::Client::new()
        .get(format!("{base_url}/api/v1/stream"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res
}

/// Reads SSE frames until one with `event: case` arrives; returns its JSON data.
pub async fn next_case_change(res: &mut reqwest::Response) -> Value {
    let mut buf = String::new();
    loop {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(10), res.chunk())
            .await
            .expect("a change within 10 s")
            .unwrap()
            .expect("the stream stays open");
        buf.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buf.find("\n\n") {
            let frame: String = buf.drain(..end + 2).collect();
            if frame.lines().any(|l| l == "event: case") {
                let data: String = frame
                    .lines()
                    .filter_map(|l| l.strip_prefix("data: "))
                    .collect();
                return serde_json::from_str(&data).unwrap();
            }
        }
    }
}

#[tokio::test]
async fn the_pages_show_escaped_text_take_actions_and_refuse_stale_forms() {
    let h = Hub::new().await;
    let c = crate::client();
    let e =
        h.t.app
            .cases()
            .report_event(
                &h.worker,
                &h.intake("page-0001-x", "ZZ02", "<b>井盖</b>缺失"),
            )
            .await
            .unwrap()
            .event;
    let get = |path: String, token: &str| c.get(h.t.url(&path)).bearer_auth(token).send();
    let list = get("/events".into(), &h.tokens.operator)
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        list.contains("&#60;b&#62;井盖&#60;/b&#62;缺失"),
        "escaped title"
    );
    assert!(!list.contains("<b>井盖"));
    assert!(list.contains(&e.number) && list.contains("待受理"));
    let page = get(format!("/events/{}", e.id), &h.tokens.operator)
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("data-action=\"accept\"") && page.contains("上报"));

    let post = |form: Vec<(&'static str, String)>| {
        c.post(h.t.url(&format!("/events/{}/act", e.id)))
            .bearer_auth(&h.tokens.operator)
            .form(&form)
            .send()
    };
    let v = e.version.to_string();
    let ok = post(vec![
        ("action", "accept".into()),
        ("version", v.clone()),
        ("reason", String::new()),
    ])
    .await
    .unwrap();
    assert_eq!(ok.status(), 303);
    let stale = post(vec![
        ("action", "reject".into()),
        ("version", v),
        ("reason", "重复".into()),
    ])
    .await
    .unwrap();
    assert_eq!(stale.status(), 409);
    assert!(
        stale
            .text()
            .await
            .unwrap()
            .contains("已被他人处理，当前为“待立案”")
    );
    let bad = post(vec![
        ("action", "merge".into()),
        ("merge_into", "井盖".into()),
    ])
    .await
    .unwrap();
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.unwrap().contains("不是事件编号"));

    // The report page: a resubmitted form is one event.
    let form = page_field(
        &get("/report".into(), &h.tokens.worker)
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "client_id",
    );
    let send = || {
        let mut body = reqwest::multipart::Form::new();
        for (k, v) in [
            ("client_id", form.as_str()),
            ("category", "CG0501"),
            ("title", "菜市场门口占道经营"),
            ("address", "西外菜市场"),
            ("grid_code", h.grid.as_str()),
        ] {
            body = body.text(k, v.to_owned());
        }
        let photo = reqwest::multipart::Part::bytes(PNG.to_vec()).file_name("现场.png");
        c.post(h.t.url("/report"))
            .bearer_auth(&h.tokens.worker)
            .multipart(body.part("photo", photo))
            .send()
    };
    let first = send().await.unwrap().text().await.unwrap();
    assert!(first.contains("已上报，事件编号"), "{first}");
    let second = send().await.unwrap().text().await.unwrap();
    assert!(second.contains("没有重复提交"));
    let mine =
        h.t.app
            .cases()
            .events(
                &h.worker,
                &EventListQuery {
                    mine: Some(true),
                    q: Some("菜市场".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    let photos =
        h.t.app
            .cases()
            .event_detail(&h.worker, mine.items[0].id)
            .await
            .unwrap()
            .photos;
    assert_eq!(photos.len(), 1, "the photo went with the report, once");
    assert!(second.contains("我上报的事件") && second.contains("菜市场门口占道经营"));
}

/// The value of a hidden form field.
fn page_field(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap() + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn routing_rules_and_category_limits_are_the_commanders_to_change() {
    let h = Hub::new().await;
    let court = h.court.user.as_ref().unwrap().department_id.unwrap();
    let rule = pingan_app::NewRoutingRule {
        category_prefix: "ZZ03".into(),
        area_prefix: TOWNSHIP.into(),
        owner_org: "511702".into(),
        department_id: Some(court),
    };
    let err =
        h.t.app
            .cases()
            .add_routing_rule(&h.operator, rule.clone())
            .await
            .unwrap_err();
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");
    let bad = pingan_app::NewRoutingRule {
        category_prefix: "XX".into(),
        ..rule.clone()
    };
    assert!(
        h.t.app
            .cases()
            .add_routing_rule(&h.commander, bad)
            .await
            .unwrap_err()
            .to_string()
            .contains("没有以 XX 开头的事件类别")
    );
    let id =
        h.t.app
            .cases()
            .add_routing_rule(&h.commander, rule)
            .await
            .unwrap();

    let fire =
        h.t.app
            .cases()
            .report_event(
                &h.worker,
                &h.intake("rule-0001", "消防安全隐患", "消防通道被堵"),
            )
            .await
            .unwrap()
            .event;
    assert_eq!(
        fire.owner_org, "511702",
        "the rule sends it to the district hub"
    );
    assert_eq!(fire.handling_limit, "2 紧急工作时");
    h.act(&h.commander, fire.id, "accept").await.unwrap();
    h.act(&h.commander, fire.id, "register").await.unwrap();
    let d =
        h.t.app
            .cases()
            .event_detail(&h.commander, fire.id)
            .await
            .unwrap();
    assert_eq!(d.suggested_department_id, Some(court));
    let other =
        h.t.app
            .cases()
            .report_event(&h.worker, &h.intake("rule-0002", "治安隐患", "深夜噪音"))
            .await
            .unwrap()
            .event;
    assert_eq!(
        other.owner_org, TOWNSHIP,
        "other categories follow the default"
    );

    // Limits: district commanders only; new events take the new limit.
    let err =
        h.t.app
            .cases()
            .set_category_limit(&h.operator, "ZZ02", 5, "work_days")
            .await
            .unwrap_err();
    assert!(matches!(err, AppError::Forbidden(_)));
    let err =
        h.t.app
            .cases()
            .set_category_limit(&h.commander, "ZZ02", 0, "work_days")
            .await
            .unwrap_err();
    assert!(matches!(err, AppError::Invalid(_)));
    h.t.app
        .cases()
        .set_category_limit(&h.commander, "ZZ02", 5, "work_days")
        .await
        .unwrap();
    let later =
        h.t.app
            .cases()
            .report_event(&h.worker, &h.intake("rule-0003", "ZZ02", "楼道堆物"))
            .await
            .unwrap()
            .event;
    assert_eq!(later.handling_limit, "5 工作日");
    assert_eq!(other.handling_limit, "3 工作日", "open events keep theirs");

    let page = h.t.app.cases().routing_rules(&h.operator).await.unwrap();
    assert_eq!(page.len(), 1);
    assert!(
        h.t.app
            .cases()
            .delete_routing_rule(&h.operator, id)
            .await
            .is_err()
    );
    h.t.app
        .cases()
        .delete_routing_rule(&h.commander, id)
        .await
        .unwrap();
    let html = h.get_text("/rules", &h.tokens.commander).await;
    assert!(html.contains("5 工作日") && html.contains("id=\"add-rule\""));
}

#[tokio::test]
async fn a_departments_handler_account_belongs_to_one_of_its_units_departments() {
    let h = Hub::new().await;
    let account = |department: Option<&str>, role: &str| pingan_app::NewAccount {
        username: "new_handler".into(),
        org: TOWNSHIP.into(),
        role: role.into(),
        password: "Handle#Cases2026".into(),
        department: department.map(Into::into),
        ..pingan_app::NewAccount::default()
    };
    let add = |a: pingan_app::NewAccount| {
        let app = h.t.app.clone();
        async move { app.access().add_user(&Actor::cli(), &a).await }
    };
    let err = add(account(None, "handler")).await.unwrap_err();
    assert!(err.to_string().contains("须指定所属部门"), "{err}");
    let err = add(account(Some("511702-GA"), "handler"))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("可选：511702001-PCS、511702001-SFS"),
        "{err}"
    );
    let err = add(account(Some("511702001-PCS"), "operator"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("不需要填写部门"), "{err}");
    add(account(Some("511702001-pcs"), "handler"))
        .await
        .unwrap();
    let me = crate::signed_in(&h.t, "new_handler", "Handle#Cases2026").await;
    assert_eq!(me.department_id, Some(h.police_id));
}

/// A 1×1 PNG.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60, 0x00, 0x02, 0x00,
    0x00, 0x05, 0x00, 0x01, 0xe9, 0xfa, 0xdc, 0xd8, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44,
    0xae, 0x42, 0x60, 0x82,
];

#[tokio::test]
async fn photos_before_and_after_belong_to_the_people_on_the_case() {
    let h = Hub::new().await;
    let e = h.to_handling("photo-0001").await;
    let upload = |name: &str, bytes: &[u8]| pingan_app::PhotoUpload {
        file_name: name.into(),
        bytes: bytes.to_vec(),
    };
    let app = &h.t.app;
    // The handler, after the work; the file is what it is, not what it is called.
    let added = app
        .cases()
        .add_photos(&h.police, e.id, "处置后", vec![upload("after.png", PNG)])
        .await
        .unwrap();
    assert_eq!(
        (
            added.len(),
            added[0].stage.as_str(),
            added[0].content_type.as_str()
        ),
        (1, "after", "image/png")
    );
    let err = app
        .cases()
        .add_photos(
            &h.police,
            e.id,
            "after",
            vec![upload("fake.jpg", b"<svg onload=alert(1)>")],
        )
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("fake.jpg 不是 JPEG、PNG 或 WebP 图片"),
        "{err}"
    );
    let err = app
        .cases()
        .add_photos(&h.police, e.id, "during", vec![upload("a.png", PNG)])
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Invalid(_)));
    // Nobody off the case adds to it: another township cannot see it, the court is not on it.
    assert!(matches!(
        app.cases()
            .add_photos(
                &h.other_operator,
                e.id,
                "before",
                vec![upload("a.png", PNG)]
            )
            .await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        app.cases()
            .add_photos(&h.court, e.id, "before", vec![upload("a.png", PNG)])
            .await,
        Err(AppError::NotFound(_))
    ));
    let err = app
        .cases()
        .add_photos(&h.commander, e.id, "before", Vec::new())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("请选择要上传的照片"));

    // On the case page and its timeline; served to those who see the case, as the image it is.
    let d = app.cases().event_detail(&h.operator, e.id).await.unwrap();
    assert_eq!(d.photos.len(), 1);
    assert_eq!(d.timeline.last().unwrap().action_label, "上传照片");
    let c = reqwest::Client::new();
    let res = c
        .get(h.t.url(&d.photos[0].url))
        .bearer_auth(&h.tokens.operator)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.bytes().await.unwrap().as_ref(), PNG);
    let res = c
        .get(h.t.url(&d.photos[0].url))
        .bearer_auth(&h.tokens.court)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    // Over the API, as multipart.
    let form = reqwest::multipart::Form::new()
        .text("stage", "before")
        .part(
            "file",
            reqwest::multipart::Part::bytes(PNG.to_vec()).file_name("现场1.png"),
        )
        .part(
            "file",
            reqwest::multipart::Part::bytes(PNG.to_vec()).file_name("现场2.png"),
        );
    let res = c
        .post(h.t.url(&format!("/api/v1/events/{}/photos", e.id)))
        .bearer_auth(&h.tokens.operator)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let list: Value = res.json().await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(
        app.cases()
            .event_detail(&h.operator, e.id)
            .await
            .unwrap()
            .photos
            .len(),
        3
    );
    assert_eq!(
        app.cases()
            .event_detail(&h.operator, e.id)
            .await
            .unwrap()
            .event
            .version,
        e.version,
        "photos do not change the case's version"
    );
    // Issue 12 fault 15: a database restored without its files directory: the photo is a 404
    // that says why, and the start-up check counts what is missing.
    assert_eq!(app.cases().missing_photo_files().await.unwrap(), (0, 3));
    let Some(pingan_app::FilesConfig::Dir(files)) = app.config().files.clone() else {
        panic!("the tests keep files in a folder")
    };
    std::fs::remove_dir_all(files.join("cases")).unwrap();
    assert_eq!(app.cases().missing_photo_files().await.unwrap(), (3, 3));
    let res = c
        .get(h.t.url(&d.photos[0].url))
        .bearer_auth(&h.tokens.operator)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let problem: Value = res.json().await.unwrap();
    assert!(
        problem["detail"].as_str().unwrap().contains("附件存储"),
        "{problem}"
    );
}

#[tokio::test]
async fn a_citizen_follows_and_rates_their_own_reports_and_sees_no_others() {
    let h = Hub::new().await;
    let citizen = h.citizen("resident01").await;
    let mine =
        h.t.app
            .cases()
            .report_event(
                &citizen,
                &EventIntake {
                    channel: "citizen".into(),
                    ..h.intake("citizen-0001", "ZZ08", "路灯坏了三天")
                },
            )
            .await
            .unwrap()
            .event;
    let theirs = h.report("citizen-0002").await;
    let listed =
        h.t.app
            .cases()
            .events(&citizen, &EventListQuery::default())
            .await
            .unwrap();
    assert_eq!(
        listed.items.iter().map(|e| e.id).collect::<Vec<_>>(),
        [mine.id]
    );
    assert!(
        h.t.app
            .cases()
            .event_detail(&citizen, mine.id)
            .await
            .is_ok()
    );
    assert!(matches!(
        h.t.app.cases().event_detail(&citizen, theirs.id).await,
        Err(AppError::NotFound(_))
    ));
    assert!(
        h.act(&citizen, mine.id, "accept").await.is_err(),
        "a reporter does not run the case"
    );
    // Once closed, the reporter rates it.
    h.act(&h.operator, mine.id, "accept").await.unwrap();
    h.with_reason(&h.commander, mine.id, "force_close", "已修复")
        .await
        .unwrap();
    let rated = h
        .act_with(
            &citizen,
            mine.id,
            ActionRequest {
                action: "evaluate".into(),
                rating: Some("基本满意".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(rated.rating.as_deref(), Some("fairly_satisfied"));
}

#[tokio::test]
async fn refusals_on_the_rules_page_and_the_online_rate_api_say_why() {
    let h = Hub::new().await;
    let c = reqwest::Client::new();
    // An operator may read the rules but not add one; a bad limit is refused with the reason.
    let res = c
        .post(h.t.url("/rules/routing"))
        .bearer_auth(&h.tokens.operator)
        .form(&[("category_prefix", "ZZ03"), ("owner_org", TOWNSHIP)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = c
        .post(h.t.url("/rules/limits/ZZ02"))
        .bearer_auth(&h.tokens.commander)
        .form(&[("amount", "三"), ("unit", "work_days")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("应为 1 到 365 之间的整数")
    );
    // 点亮率: a malformed code, and a unit outside one's scope.
    let rate = |org: &str, token: &str| {
        c.get(h.t.url(&format!("/api/v1/stats/online-rate?org={org}")))
            .bearer_auth(token.to_owned())
            .send()
    };
    assert_eq!(rate("51x", &h.tokens.operator).await.unwrap().status(), 400);
    assert_eq!(
        rate(OTHER_TOWNSHIP, &h.tokens.operator)
            .await
            .unwrap()
            .status(),
        403
    );
    let own: Value = rate(TOWNSHIP, &h.tokens.operator)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (own["channels"].as_i64(), own["rate"].as_f64()),
        (Some(0), Some(0.0))
    );
}
