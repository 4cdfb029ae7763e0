//! 演示辖区 — the demo district: the real 18 townships of 通川区 with generated villages,
//! communities and grids, departments and accounts. Deterministic (one seed), clearly marked as
//! synthetic (`provenance = synthetic` on generated units, a banner in the pages), and loaded at most
//! once per database.
//!
//! At `district` scale it has 330 villages and communities and exactly 453 grids, each with one
//! grid-worker account; every township, village and community has a hub account (三级综治中心).
//! At `small` scale two villages with one grid each per township, for tests.

mod events;
mod layout;
mod names;
mod places;
mod population;
pub use population::POPULATION;
mod rng;
mod video;

use crate::access::accounts::hash_blocking;
use crate::{App, AppError, OrgSummary, Result};
use layout::{DISTRICT_EXTENT, Rect};
use names::*;
use pingan_crypto::random_password;
use pingan_domain::division::{DISTRICT, TOWNSHIPS};
use pingan_domain::org::{OrgCode, township_kind, village_kind};
use pingan_domain::{OrgLevel, Role, Scope};
use pingan_geo::Polygon;
use pingan_store::{NewDepartment, NewOrgUnit, NewUser};
use rng::SplitMix64;
use std::str::FromStr;

/// The seed of the demo district; change it and every generated name and boundary changes.
const SEED: u64 = 20_261_127;
/// Setting that records the demo's state: `loading` while it is written, then `loaded:<scale>`.
const STATE_KEY: &str = "demo.state";
/// Version tag of generated units.
const DEMO_VERSION: &str = "demo-1";

/// How big a demo district to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoScale {
    /// 18 townships × 2 villages × 1 grid: loads in well under a second, for tests.
    Small,
    /// The whole district: 330 villages and communities, 453 grids.
    District,
}

impl FromStr for DemoScale {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "small" => Ok(Self::Small),
            "district" => Ok(Self::District),
            other => Err(format!("未知规模 \"{other}\"，可选 small 或 district")),
        }
    }
}

impl DemoScale {
    fn as_str(self) -> &'static str {
        match self {
            Self::Small => "small",
            Self::District => "district",
        }
    }
}

/// What loading the demo did.
#[derive(Debug, Clone)]
pub struct DemoOutcome {
    /// False when the database already held the demo: nothing was changed.
    pub created: bool,
    /// The generated password of `admin` (系统管理员), shown once.
    pub admin_password: Option<String>,
    /// The generated password shared by every other demo account, shown once.
    pub account_password: Option<String>,
    pub summary: OrgSummary,
}

impl App {
    /// Loads the demo district once. A database that already has it is left untouched; a database
    /// with real accounts and no demo is refused, so demo data never mixes with real data.
    pub async fn load_demo(&self, scale: DemoScale) -> Result<DemoOutcome> {
        let root =
            Scope::org(OrgCode::parse(DISTRICT.0).map_err(|e| AppError::Internal(e.to_string()))?);
        let state = self.store.setting(STATE_KEY).await?;
        if state.as_deref().is_some_and(|s| s.starts_with("loaded")) {
            return Ok(DemoOutcome {
                created: false,
                admin_password: None,
                account_password: None,
                summary: self.org().summary_of(&root).await?,
            });
        }
        if state.is_none() && self.access().has_users().await? {
            return Err(AppError::Conflict(
                "该数据库已有正式账号，pingan demo 不会向其中写入演示数据；请改用 pingan serve，或用 --data-dir 指定一个新目录".into(),
            ));
        }
        self.store.set_setting(STATE_KEY, "loading").await?;

        let plan = plan(scale);
        self.store.insert_org_units(&plan.units).await?;
        self.store.insert_departments(&plan.departments).await?;

        let admin_password = random_password()?;
        let account_password = random_password()?;
        let admin_hash = hash_blocking(&admin_password).await?;
        let shared_hash = hash_blocking(&account_password).await?;
        let admin = NewUser {
            username: "admin".into(),
            display_name: "系统管理员".into(),
            org_code: DISTRICT.0.into(),
            department_id: None,
            role: Role::Sysadmin.as_str().into(),
            password_hash: admin_hash.clone(),
            // Generated passwords are changed at first login.
            must_change_password: true,
            phone: None,
        };
        // A load interrupted earlier may have created admin: give it the password printed now.
        match self.store.user_by_username("admin").await? {
            Some(existing) => {
                self.store
                    .set_password(existing.id, &admin_hash, true)
                    .await?
            }
            None => {
                self.store.insert_users(&[admin]).await?;
            }
        }
        let mut users: Vec<NewUser> = plan
            .accounts
            .into_iter()
            .map(|(username, display_name, org_code, role)| NewUser {
                username,
                display_name,
                org_code,
                department_id: None,
                role: role.as_str().into(),
                password_hash: shared_hash.clone(),
                must_change_password: true,
                phone: None,
            })
            .collect();
        // One 承办人 per department, e.g. `bm-511702-ga` for the district's public security bureau.
        for d in self.store.departments_under(DISTRICT.0).await? {
            users.push(NewUser {
                username: format!("bm-{}", d.code.to_lowercase()),
                display_name: format!("{}承办人", d.name),
                org_code: d.org_code,
                department_id: Some(d.id),
                role: Role::Handler.as_str().into(),
                password_hash: shared_hash.clone(),
                must_change_password: true,
                phone: None,
            });
        }
        self.store.insert_users(&users).await?;
        self.store
            .set_setting(STATE_KEY, &format!("loaded:{}", scale.as_str()))
            .await?;
        let detail = serde_json::json!({"scale": scale.as_str(), "seed": SEED, "units": plan.units.len(), "accounts": users.len() + 1});
        self.audit(
            &crate::Actor::cli(),
            "demo.load",
            "district:511702",
            "ok",
            detail,
        )
        .await?;
        self.org().mark_grids_changed().await?;
        if scale == DemoScale::District {
            // The grid index must hold the new grids before events can be placed on them.
            self.org().reload_grid_index().await?;
            events::seed(self).await?;
            video::seed(self).await?;
        }
        Ok(DemoOutcome {
            created: true,
            admin_password: Some(admin_password),
            account_password: Some(account_password),
            summary: self.org().summary_of(&root).await?,
        })
    }

    /// Whether this database holds the (synthetic) demo district, for the banner in the pages.
    pub async fn is_demo(&self) -> Result<bool> {
        Ok(self.store.setting(STATE_KEY).await?.is_some())
    }
}

/// Everything the demo inserts, generated without touching the database.
struct Plan {
    units: Vec<NewOrgUnit>,
    departments: Vec<NewDepartment>,
    /// (username, display name, org code, role)
    accounts: Vec<(String, String, String, Role)>,
}

/// One village or community to generate: its code segment, name, provenance and grid count.
struct Village {
    segment: u16,
    name: String,
    provenance: &'static str,
    grids: usize,
}

/// Township codes by band, south to north, west to east; the five 街道 sit in the middle band.
const BANDS: [&[&str]; 3] = [
    &[
        "511702105",
        "511702102",
        "511702107",
        "511702109",
        "511702110",
    ],
    &[
        "511702103",
        "511702002",
        "511702001",
        "511702003",
        "511702004",
        "511702005",
        "511702104",
    ],
    &[
        "511702112",
        "511702108",
        "511702113",
        "511702111",
        "511702114",
        "511702208",
    ],
];

/// Villages (村 + 社区) per town at district scale; the towns listed in `TWO_COMMUNITIES` have two
/// 社区, the others one. With the 52 communities of the 街道 this makes 330 units and 453 grids.
const TOWN_VILLAGES: [(&str, usize); 13] = [
    ("511702102", 24),
    ("511702103", 22),
    ("511702104", 23),
    ("511702105", 20),
    ("511702107", 22),
    ("511702108", 21),
    ("511702109", 19),
    ("511702110", 20),
    ("511702111", 22),
    ("511702112", 23),
    ("511702113", 20),
    ("511702114", 21),
    ("511702208", 21),
];
const TWO_COMMUNITIES: [&str; 6] = [
    "511702102",
    "511702104",
    "511702112",
    "511702103",
    "511702107",
    "511702111",
];
/// Communities per generated 街道 and grids per street community.
const STREET_COMMUNITIES: [(&str, usize); 3] =
    [("511702003", 12), ("511702004", 8), ("511702005", 7)];
const GRIDS_PER_STREET_COMMUNITY: usize = 3;

fn plan(scale: DemoScale) -> Plan {
    let mut rng = SplitMix64::new(SEED);
    let mut plan = Plan {
        units: Vec::new(),
        departments: DISTRICT_DEPARTMENTS
            .iter()
            .map(|(suffix, kind, name)| department(DISTRICT.0, suffix, kind, name))
            .collect(),
        accounts: vec![(
            "commander".into(),
            "区综治中心指挥长".into(),
            DISTRICT.0.into(),
            Role::Commander,
        )],
    };
    let band_rects = DISTRICT_EXTENT.bands(&[0.38, 0.24, 0.38]);
    for (band, rect) in BANDS.iter().zip(band_rects) {
        let villages: Vec<Vec<Village>> = band
            .iter()
            .map(|code| villages_of(code, scale, &mut rng))
            .collect();
        let weights: Vec<f64> = band
            .iter()
            .zip(&villages)
            .map(|(code, vs)| {
                let grids = vs.iter().map(|v| v.grids).sum::<usize>() as f64;
                // Streets are dense: many grids on little land.
                if is_street(code) { grids * 0.15 } else { grids }
            })
            .collect();
        for ((code, vs), township_rect) in band.iter().zip(villages).zip(rect.columns(&weights)) {
            add_township(&mut plan, code, vs, township_rect, &mut rng);
        }
    }
    plan
}

fn is_street(code: &str) -> bool {
    OrgCode::parse(code).is_ok_and(|c| township_kind(c.segment()) == "街道")
}

fn township_name(code: &str) -> &'static str {
    TOWNSHIPS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("", |(_, n)| n)
}

/// The villages and communities of one township.
fn villages_of(code: &str, scale: DemoScale, rng: &mut SplitMix64) -> Vec<Village> {
    let community = |segment: u16, stem: &str, provenance, grids| Village {
        segment,
        name: format!("{stem}社区"),
        provenance,
        grids,
    };
    let street_grids = GRIDS_PER_STREET_COMMUNITY;
    let mut out: Vec<Village> =
        match code {
            "511702001" => DONGCHENG
                .iter()
                .zip(1u16..)
                .map(|(stem, seg)| {
                    community(
                        seg,
                        stem,
                        if seg <= 2 { "official" } else { "real_name" },
                        street_grids,
                    )
                })
                .collect(),
            "511702002" => {
                let mut v: Vec<Village> = XICHENG_CONFIRMED
                    .iter()
                    .map(|(seg, stem)| community(*seg, stem, "official", street_grids))
                    .collect();
                let free = (1u16..).filter(|s| !XICHENG_CONFIRMED.iter().any(|(c, _)| c == s));
                v.extend(
                    XICHENG_NEIGHBOURS
                        .iter()
                        .zip(free)
                        .map(|(stem, seg)| community(seg, stem, "real_name", street_grids)),
                );
                v.sort_by_key(|v| v.segment);
                v
            }
            _ if is_street(code) => {
                let n = STREET_COMMUNITIES
                    .iter()
                    .find(|(c, _)| *c == code)
                    .map_or(0, |(_, n)| *n);
                rng.choose(&URBAN, n)
                    .into_iter()
                    .zip(1u16..)
                    .map(|(stem, seg)| community(seg, stem, "synthetic", street_grids))
                    .collect()
            }
            _ => {
                let total = TOWN_VILLAGES
                    .iter()
                    .find(|(c, _)| *c == code)
                    .map_or(0, |(_, n)| *n);
                let stem = township_name(code).trim_end_matches(['镇', '乡']);
                let mut v = vec![community(1, stem, "synthetic", 2)];
                if TWO_COMMUNITIES.contains(&code) {
                    // 复兴镇's second community is 凤舞社区 (511702104002 in a public configuration).
                    let second = if code == "511702104" {
                        "凤舞".to_owned()
                    } else {
                        rng.pick(&URBAN).to_owned()
                    };
                    let provenance = if code == "511702104" {
                        "real_name"
                    } else {
                        "synthetic"
                    };
                    v.push(community(2, &second, provenance, 2));
                }
                let villages = total.saturating_sub(v.len());
                v.extend(rng.choose(&RURAL, villages).into_iter().zip(201u16..).map(
                    |(stem, seg)| Village {
                        segment: seg,
                        name: format!("{stem}村"),
                        provenance: "synthetic",
                        grids: 1,
                    },
                ));
                v
            }
        };
    if scale == DemoScale::Small {
        out.truncate(2);
        out.iter_mut().for_each(|v| v.grids = 1);
    }
    out
}

fn add_township(
    plan: &mut Plan,
    code: &str,
    villages: Vec<Village>,
    rect: Rect,
    rng: &mut SplitMix64,
) {
    let name = township_name(code);
    let stem = name.trim_end_matches(['镇', '乡']).trim_end_matches("街道");
    plan.departments
        .push(department(code, "PCS", "公安", &format!("{stem}派出所")));
    plan.departments
        .push(department(code, "SFS", "司法", &format!("{name}司法所")));
    plan.accounts.push((
        format!("op{code}"),
        format!("{name}综治中心"),
        code.into(),
        Role::Operator,
    ));
    let Ok(township) = OrgCode::parse(code) else {
        return;
    };
    for (village, vrect) in villages.iter().zip(rect.split(villages.len(), rng)) {
        let Some(vcode) = township.child(village.segment) else {
            continue;
        };
        plan.units.push(NewOrgUnit {
            code: vcode.to_string(),
            parent_code: Some(code.into()),
            level: OrgLevel::Village.as_str(),
            kind: village_kind(village.segment).into(),
            name: village.name.clone(),
            provenance: village.provenance,
            version: DEMO_VERSION.into(),
            boundary: None,
        });
        plan.accounts.push((
            format!("op{vcode}"),
            format!("{}综治服务站", village.name),
            vcode.to_string(),
            Role::Operator,
        ));
        for (i, grect) in (1u16..).zip(vrect.split(village.grids, rng)) {
            let Some(gcode) = vcode.child(i) else {
                continue;
            };
            let Ok(polygon) = Polygon::from_ring(grect.ring()) else {
                continue;
            };
            let grid_name = if village.grids == 1 {
                format!("{}网格", village.name)
            } else {
                let numeral = NUMERALS.get(usize::from(i) - 1).copied().unwrap_or("");
                format!("{}第{numeral}网格", village.name)
            };
            plan.units.push(NewOrgUnit {
                code: gcode.to_string(),
                parent_code: Some(vcode.to_string()),
                level: OrgLevel::Grid.as_str(),
                kind: "网格".into(),
                name: grid_name,
                provenance: "synthetic",
                version: DEMO_VERSION.into(),
                boundary: Some((polygon.to_geojson(), grect.centre())),
            });
            let worker = format!("{}{}", rng.pick(&SURNAMES), given_name(rng));
            plan.accounts.push((
                format!("wg{gcode}"),
                worker,
                gcode.to_string(),
                Role::GridWorker,
            ));
        }
    }
}

fn given_name(rng: &mut SplitMix64) -> String {
    let first = rng.pick(&GIVEN);
    if rng.below(3) == 0 {
        first.to_owned()
    } else {
        format!("{first}{}", rng.pick(&GIVEN))
    }
}

fn department(org: &str, suffix: &str, kind: &str, name: &str) -> NewDepartment {
    NewDepartment {
        code: format!("{org}-{suffix}"),
        name: name.into(),
        kind: kind.into(),
        org_code: org.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn count(plan: &Plan, level: OrgLevel) -> usize {
        plan.units
            .iter()
            .filter(|u| u.level == level.as_str())
            .count()
    }

    #[test]
    fn district_scale_has_330_villages_and_453_grids_each_with_a_worker() {
        let p = plan(DemoScale::District);
        assert_eq!(count(&p, OrgLevel::Village), 330);
        assert_eq!(count(&p, OrgLevel::Grid), 453);
        let workers = p
            .accounts
            .iter()
            .filter(|a| a.3 == Role::GridWorker)
            .count();
        assert_eq!(workers, 453);
        assert_eq!(
            p.accounts.iter().filter(|a| a.3 == Role::Operator).count(),
            18 + 330,
            "a hub account for every township and every village or community"
        );
        let codes: HashSet<_> = p.units.iter().map(|u| &u.code).collect();
        assert_eq!(codes.len(), p.units.len(), "codes are unique");
        let names: HashSet<_> = p.accounts.iter().map(|a| &a.0).collect();
        assert_eq!(names.len(), p.accounts.len(), "usernames are unique");
        for u in &p.units {
            let c = OrgCode::parse(&u.code).unwrap();
            assert_eq!(c.level().as_str(), u.level);
            assert_eq!(c.parent().map(String::from), u.parent_code);
        }
    }

    #[test]
    fn real_names_keep_their_codes() {
        let p = plan(DemoScale::District);
        let name = |code: &str| {
            p.units
                .iter()
                .find(|u| u.code == code)
                .map(|u| u.name.as_str())
        };
        assert_eq!(name("511702001001"), Some("二马路社区"));
        assert_eq!(name("511702001002"), Some("凉水井社区"));
        assert_eq!(name("511702002008"), Some("文凤社区"));
        assert_eq!(name("511702104002"), Some("凤舞社区"));
        assert!(name("511702102201").is_some_and(|n| n.ends_with('村')));
    }

    #[test]
    fn generation_is_deterministic() {
        let (a, b) = (plan(DemoScale::District), plan(DemoScale::District));
        let key = |p: &Plan| {
            p.units
                .iter()
                .map(|u| (u.code.clone(), u.name.clone(), u.boundary.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(key(&a), key(&b));
        assert_eq!(a.accounts, b.accounts);
    }

    #[test]
    fn grids_tile_the_extent_without_overlap() {
        let p = plan(DemoScale::District);
        let polygons: Vec<Polygon> = p
            .units
            .iter()
            .filter_map(|u| u.boundary.as_ref())
            .map(|(g, _)| Polygon::from_geojson(g).unwrap())
            .collect();
        let mut rng = SplitMix64::new(3);
        for _ in 0..2000 {
            let lon = DISTRICT_EXTENT.west
                + (DISTRICT_EXTENT.east - DISTRICT_EXTENT.west) * (rng.vary(0.5) - 0.5);
            let lat = DISTRICT_EXTENT.south
                + (DISTRICT_EXTENT.north - DISTRICT_EXTENT.south) * (rng.vary(0.5) - 0.5);
            let hits = polygons
                .iter()
                .filter(|poly| poly.contains(lon, lat))
                .count();
            assert_eq!(hits, 1, "({lon}, {lat})");
        }
    }

    #[test]
    fn small_scale_is_small() {
        let p = plan(DemoScale::Small);
        assert_eq!(count(&p, OrgLevel::Village), 36);
        assert_eq!(count(&p, OrgLevel::Grid), 36);
        assert_eq!("small".parse::<DemoScale>(), Ok(DemoScale::Small));
        assert!(
            "huge"
                .parse::<DemoScale>()
                .unwrap_err()
                .contains("small 或 district")
        );
    }
}
