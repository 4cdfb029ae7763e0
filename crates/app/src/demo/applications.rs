//! 演示办件 — applications for services taken in at the counters of the demo's townships (窗口受理)
//! and carried part of the way by their operators, so that 政务服务办件 shows a queue in every state:
//! waiting, told what is missing (一次性告知), being handled, done and rated. Through the real use
//! cases, deterministic; only at `district` scale.

use super::events::as_user;
use super::names::{GIVEN, SURNAMES};
use super::rng::SplitMix64;
use crate::{App, ApplicationActionRequest, ApplicationIntake, Result};
use pingan_domain::service_item::SERVICE_ITEMS;
use pingan_domain::{OrgCode, OrgLevel, Role, Scope};

/// Applications per township, and the seed of their choices.
const PER_TOWNSHIP: usize = 4;
const SEED: u64 = 20_261_207;

pub(super) async fn seed(app: &App) -> Result<usize> {
    let district = OrgCode::parse(pingan_domain::division::DISTRICT.0)
        .map_err(|e| crate::AppError::Internal(e.to_string()))?;
    let stations = app.cases().service_stations().await?;
    let mut rng = SplitMix64::new(SEED);
    let mut made = 0;
    let operators = app
        .store
        .users_in_scope(&Scope::org(district), 10_000)
        .await?
        .into_iter()
        .filter(|u| u.role == Role::Operator.as_str() && u.org_code.len() == 9);
    for (t, operator) in operators.enumerate() {
        let villages: Vec<&String> = stations
            .iter()
            .map(|(code, _)| code)
            .filter(|c| {
                c.starts_with(&operator.org_code)
                    && OrgCode::parse(c).is_ok_and(|o| o.level() == OrgLevel::Village)
            })
            .collect();
        let counter = as_user(app, operator)?;
        for i in 0..PER_TOWNSHIP {
            let (Some(village), Some(service)) = (
                villages.get(rng.below(villages.len().max(1))),
                SERVICE_ITEMS.get(rng.below(SERVICE_ITEMS.len())),
            ) else {
                continue;
            };
            let name = format!("{}{}", rng.pick(&SURNAMES), rng.pick(&GIVEN));
            let intake = ApplicationIntake {
                client_id: format!("demo-bj-{t:02}-{i}"),
                service: service.code.into(),
                org: Some((*village).clone()),
                name,
                id_number: None,
                // No phone: the demo must never text a real number, whatever gateway is set.
                phone: None,
                note: "窗口受理（演示数据）".into(),
            };
            let Ok(outcome) = app.cases().apply_for_service(&counter, &intake).await else {
                continue;
            };
            made += 1;
            let id = outcome.application.id;
            let act = |action: &str, reason: Option<String>, missing: Vec<String>| {
                let req = ApplicationActionRequest {
                    action: action.into(),
                    reason,
                    missing_materials: missing,
                    ..Default::default()
                };
                let (app, who) = (app.clone(), counter.clone());
                async move { app.cases().act_on_application(&who, id, &req).await.is_ok() }
            };
            // How far it has come: 0 waiting, 1 told what is missing, 2 handling, 3 done.
            let stage = rng.below(4);
            if stage == 1 {
                let missing = service.materials.iter().take(1).map(|m| (*m).to_owned());
                act("notify", None, missing.collect()).await;
            } else if stage >= 2 && act("accept", None, Vec::new()).await && stage == 3 {
                let result = format!("“{}”已办结，请到便民服务站领取结果。", service.name);
                act("complete", Some(result), Vec::new()).await;
            }
        }
    }
    Ok(made)
}
