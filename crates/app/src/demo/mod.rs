//! 演示辖区 — the demo district: the real 18 townships and 209 villages and communities of 通川区
//! (reference data, `provenance = official`) with generated grids, departments and accounts.
//! Deterministic (one seed), clearly marked as synthetic (`provenance = synthetic` on generated
//! units, a banner in the pages), and loaded at most once per database.
//!
//! At `district` scale it has exactly 453 grids over the 209 units, each with one grid-worker
//! account; every township, village and community has a hub account (三级综治中心). At `small`
//! scale the first two villages of each township get one grid each, for tests.

mod applications;
mod clue_history;
mod creation;
mod credit;
mod dispute_history;
mod disputes;
mod events;
mod layout;
mod legal;
mod names;
mod patrols;
mod petition_history;
mod places;
pub mod police_history;
mod population;
mod risk_history;
pub use population::POPULATION;
mod rng;
mod video;

use crate::access::accounts::hash_blocking;
use crate::org::outline::district_ring;
use crate::{App, AppError, OrgSummary, Result};
use layout::Rect;
use names::*;
use pingan_crypto::random_password;
use pingan_domain::division::{DISTRICT, TOWNSHIPS, villages};
use pingan_domain::org::{OrgCode, township_kind, village_kind};
use pingan_domain::{OrgLevel, Role, Scope};
use pingan_geo::Polygon;
use pingan_store::{NewDepartment, NewOrgUnit, NewUser};
use rng::SplitMix64;
use std::collections::{HashMap, HashSet};
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
    /// The whole district: 453 grids over the 209 villages and communities.
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

        let plan = plan(scale)?;
        self.store.insert_org_units(&plan.units).await?;
        self.store.insert_departments(&plan.departments).await?;
        let villages: HashSet<String> = plan
            .units
            .iter()
            .filter_map(|u| u.parent_code.clone())
            .collect();
        let units = self.store.org_units_under(DISTRICT.0).await?;
        self.store
            .insert_mediation_organisations(&disputes::organisations(&units, &villages))
            .await?;

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
        // One 承办人 per department, e.g. `bm-511702-ga` for the district's public security bureau;
        // one 人民调解员 per mediation organisation, e.g. `bm-511702001-tj` for a township's
        // committee.
        let mut mediators = Vec::new();
        for d in self.store.departments_under(DISTRICT.0).await? {
            let mediation = d.kind == crate::cases::MEDIATION_DEPARTMENT_KIND;
            let username = format!("bm-{}", d.code.to_lowercase());
            if mediation {
                mediators.push(username.clone());
            }
            users.push(NewUser {
                username,
                display_name: if mediation {
                    format!("{}调解员", d.name)
                } else {
                    format!("{}承办人", d.name)
                },
                org_code: d.org_code,
                department_id: Some(d.id),
                role: if mediation {
                    Role::Mediator
                } else {
                    Role::Handler
                }
                .as_str()
                .into(),
                password_hash: shared_hash.clone(),
                must_change_password: true,
                phone: None,
            });
        }
        // The district's clue office (扫黑办): a role that exists as data only (migration 0020).
        users.push(NewUser {
            username: "sh-511702".into(),
            display_name: "区扫黑办线索管理员".into(),
            org_code: DISTRICT.0.into(),
            department_id: None,
            role: "clue_officer".into(),
            password_hash: shared_hash.clone(),
            must_change_password: true,
            phone: None,
        });
        // The district's credit-list keeper (联合惩戒名单管理员): a role that exists as data only
        // (migration 0031).
        users.push(NewUser {
            username: credit::KEEPER.into(),
            display_name: "区联合惩戒名单管理员".into(),
            org_code: DISTRICT.0.into(),
            department_id: None,
            role: "credit_officer".into(),
            password_hash: shared_hash.clone(),
            must_change_password: true,
            phone: None,
        });
        self.store.insert_users(&users).await?;
        for username in &mediators {
            if let Some(u) = self.store.user_by_username(username).await? {
                self.store.set_mediator(u.id, true).await?;
            }
        }
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
            dispute_history::seed(self).await?;
            petition_history::seed(self).await?;
            clue_history::seed(self).await?;
            risk_history::seed(self).await?;
            police_history::seed(self).await?;
            video::seed(self).await?;
            applications::seed(self).await?;
            creation::seed(self).await?;
            patrols::seed(self).await?;
            credit::seed(self).await?;
            legal::seed(self).await?;
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

/// One village or community of the demo: its code segment, its official name and its grids.
struct Village {
    segment: u16,
    name: String,
    grids: usize,
}

/// The centre of 达州's old town (WGS-84): the five 街道 are laid around it.
const TOWN_CENTRE: [f64; 2] = [107.4957, 31.2130];

/// The district's grids (453, one per grid worker) and how they spread at district scale: a unit
/// of a 街道 has 4, a town's community 2, a village 1 (439 over the 209 units); the rest go to the
/// 街道 units one at a time, the first unit of each 街道 first (the old town centre is densest).
const DISTRICT_GRIDS: usize = 453;
const GRIDS_PER_STREET_UNIT: usize = 4;
const GRIDS_PER_TOWN_COMMUNITY: usize = 2;

fn plan(scale: DemoScale) -> Result<Plan> {
    let mut rng = SplitMix64::new(SEED);
    let mut plan = Plan {
        units: Vec::new(),
        departments: DISTRICT_DEPARTMENTS
            .iter()
            .map(|(suffix, kind, name)| department(DISTRICT.0, suffix, kind, name))
            .collect(),
        accounts: vec![
            (
                "commander".into(),
                "区综治中心指挥长".into(),
                DISTRICT.0.into(),
                Role::Commander,
            ),
            // The district leaders who take hard petitions on (领导包案) and read the figures.
            (
                "leader-zfw".into(),
                "区委政法委书记".into(),
                DISTRICT.0.into(),
                Role::Leader,
            ),
            (
                "leader-fqz".into(),
                "分管副区长".into(),
                DISTRICT.0.into(),
                Role::Leader,
            ),
        ],
    };
    let mut villages = villages_by_township(scale);
    let cells_of = |code: &str, vs: &[Village]| -> usize {
        if is_street(code) {
            vs.iter().map(|v| v.grids.div_ceil(4)).sum()
        } else {
            vs.iter().map(|v| v.grids).sum()
        }
    };
    let needed: usize = villages.iter().map(|(c, vs)| cells_of(c, vs)).sum();
    let ring = district_ring()?;
    let lattice = layout::lattice(&ring, needed);
    let mut cells = Cells {
        spare: lattice.len().saturating_sub(needed),
        cells: lattice,
        next: 0,
    };
    // The towns in code order, the 街道 among them where the curve passes the old town centre.
    let distance = |r: &Rect| {
        let [x, y] = r.centre();
        (x - TOWN_CENTRE[0]).powi(2) + (y - TOWN_CENTRE[1]).powi(2)
    };
    let centre_at = cells
        .cells
        .iter()
        .enumerate()
        .min_by(|(_, a), (_, b)| distance(a).total_cmp(&distance(b)))
        .map_or(0, |(i, _)| i);
    let (streets, towns): (Vec<&str>, Vec<&str>) = TOWNSHIPS
        .iter()
        .map(|(c, _)| *c)
        .partition(|c| is_street(c));
    let street_cells: usize = streets
        .iter()
        .map(|c| villages.get(c).map_or(0, |vs| cells_of(c, vs)))
        .sum();
    let mut before = 0;
    let split = towns
        .iter()
        .take_while(|c| {
            before += villages.get(*c).map_or(0, |vs| cells_of(c, vs));
            before <= centre_at.saturating_sub(street_cells / 2)
        })
        .count();
    let (first, last) = towns.split_at(split.min(towns.len()));
    let order = first.iter().chain(&streets).chain(last);
    for code in order {
        let vs = villages.remove(code).unwrap_or_default();
        add_township(&mut plan, code, vs, &mut cells, &mut rng);
    }
    Ok(plan)
}

/// The lattice cells inside the outline, handed out in curve order; `spare` more than the grids
/// need, which go to rural grids as a second cell.
struct Cells {
    cells: Vec<Rect>,
    next: usize,
    spare: usize,
}

impl Cells {
    /// The next cell.
    fn take(&mut self) -> Option<Rect> {
        let cell = self.cells.get(self.next).copied();
        self.next += 1;
        cell
    }

    /// The next cell, joined with the one after it while spare cells remain and the two share an
    /// edge.
    fn take_wide(&mut self) -> Option<Rect> {
        let cell = self.take()?;
        if self.spare > 0
            && let Some(joined) = self.cells.get(self.next).and_then(|n| cell.join(n))
        {
            self.next += 1;
            self.spare -= 1;
            return Some(joined);
        }
        Some(cell)
    }
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

/// The villages and communities of every township — the official ones — with their grids: more in
/// the dense 街道 than in a rural village, [`DISTRICT_GRIDS`] in all at district scale; at small
/// scale the first two of each township with one grid each.
fn villages_by_township(scale: DemoScale) -> HashMap<&'static str, Vec<Village>> {
    let mut by_township: HashMap<&'static str, Vec<Village>> = HashMap::new();
    for v in villages() {
        let Ok(code) = OrgCode::parse(v.code) else {
            continue;
        };
        let segment = code.segment();
        let grids = match (is_street(v.township()), village_kind(segment)) {
            _ if scale == DemoScale::Small => 1,
            (true, _) => GRIDS_PER_STREET_UNIT,
            (false, "社区") => GRIDS_PER_TOWN_COMMUNITY,
            _ => 1,
        };
        let list = by_township.entry(v.township()).or_default();
        if scale == DemoScale::District || list.len() < 2 {
            list.push(Village {
                segment,
                name: v.name(),
                grids,
            });
        }
    }
    if scale == DemoScale::District {
        let total: usize = by_township.values().flatten().map(|v| v.grids).sum();
        let mut left = DISTRICT_GRIDS.saturating_sub(total);
        let streets: Vec<&str> = TOWNSHIPS
            .iter()
            .map(|(c, _)| *c)
            .filter(|c| is_street(c))
            .collect();
        for i in 0.. {
            let mut more = false;
            for code in &streets {
                if let Some(v) = by_township.get_mut(code).and_then(|vs| vs.get_mut(i))
                    && left > 0
                {
                    v.grids += 1;
                    left -= 1;
                    more = true;
                }
            }
            if !more {
                break;
            }
        }
    }
    by_township
}

fn add_township(
    plan: &mut Plan,
    code: &str,
    villages: Vec<Village>,
    cells: &mut Cells,
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
    // The township's leader (分管平安建设的副书记): reads its figures, supervises, takes petitions on.
    plan.accounts.push((
        format!("ld{code}"),
        format!("{name}分管领导"),
        code.into(),
        Role::Leader,
    ));
    let Ok(township) = OrgCode::parse(code) else {
        return;
    };
    let street = is_street(code);
    for village in &villages {
        let Some(vcode) = township.child(village.segment) else {
            continue;
        };
        // A 街道 community's grids share cells, four to a cell; elsewhere a grid has its own.
        let rects: Vec<Rect> = if street {
            (0..village.grids)
                .step_by(4)
                .filter_map(|first| Some(cells.take()?.split((village.grids - first).min(4))))
                .flatten()
                .collect()
        } else {
            (0..village.grids)
                .filter_map(|_| cells.take_wide())
                .collect()
        };
        // The village itself is reference data, in every database since its first start.
        plan.accounts.push((
            format!("op{vcode}"),
            format!("{}综治服务站", village.name),
            vcode.to_string(),
            Role::Operator,
        ));
        for (i, grect) in (1u16..).zip(rects) {
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
    fn district_scale_has_453_grids_over_the_209_villages_each_with_a_worker() {
        let p = plan(DemoScale::District).unwrap();
        assert_eq!(count(&p, OrgLevel::Grid), 453);
        let villages: HashSet<_> = p
            .units
            .iter()
            .filter(|u| u.level == OrgLevel::Grid.as_str())
            .filter_map(|u| u.parent_code.clone())
            .collect();
        assert_eq!(villages.len(), 209, "every official unit has a grid");
        assert_eq!(
            count(&p, OrgLevel::Village),
            0,
            "villages are reference data"
        );
        let workers = p
            .accounts
            .iter()
            .filter(|a| a.3 == Role::GridWorker)
            .count();
        assert_eq!(workers, 453);
        assert_eq!(
            p.accounts.iter().filter(|a| a.3 == Role::Operator).count(),
            18 + 209,
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
    fn the_real_communities_have_their_stations_and_grids() {
        let p = plan(DemoScale::District).unwrap();
        let account = |name: &str| {
            p.accounts
                .iter()
                .find(|a| a.0 == name)
                .map(|a| a.1.as_str())
        };
        assert_eq!(account("op511702002002"), Some("小北街社区综治服务站"));
        assert_eq!(account("op511702104002"), Some("凤舞社区综治服务站"));
        let grids = |village: &str| {
            p.units
                .iter()
                .filter(|u| u.parent_code.as_deref() == Some(village))
                .count()
        };
        assert_eq!(grids("511702002002"), 5, "an old-town street community");
        assert_eq!(grids("511702002011"), 4, "a street community");
        assert_eq!(grids("511702104002"), 2, "a town community");
        let grid = p
            .units
            .iter()
            .find(|u| u.code == "511702002002001")
            .unwrap();
        assert_eq!(grid.name, "小北街社区第一网格");
    }

    #[test]
    fn generation_is_deterministic() {
        let (a, b) = (
            plan(DemoScale::District).unwrap(),
            plan(DemoScale::District).unwrap(),
        );
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
    fn grids_lie_inside_the_outline_apart_with_room_around_their_labels() {
        let outline = Polygon::from_ring(district_ring().unwrap()).unwrap();
        for scale in [DemoScale::Small, DemoScale::District] {
            let p = plan(scale).unwrap();
            let grids: Vec<(Polygon, [f64; 2])> = p
                .units
                .iter()
                .filter_map(|u| u.boundary.as_ref())
                .map(|(g, label)| (Polygon::from_geojson(g).unwrap(), *label))
                .collect();
            for (grid, [x, y]) in &grids {
                let (min, max) = grid.bbox();
                for [cx, cy] in [min, [max[0], min[1]], max, [min[0], max[1]]] {
                    assert!(outline.contains(cx, cy), "corner ({cx}, {cy}) outside");
                }
                // Demo events and cameras lie within 0.0008° of a grid's label: still in it.
                assert!(
                    x - 0.0008 > min[0] && x + 0.0008 < max[0],
                    "{min:?} {max:?}"
                );
                assert!(
                    y - 0.0008 > min[1] && y + 0.0008 < max[1],
                    "{min:?} {max:?}"
                );
                let holders = grids.iter().filter(|(g, _)| g.contains(*x, *y)).count();
                assert_eq!(holders, 1, "({x}, {y}) in {holders} grids");
            }
        }
    }

    #[test]
    fn small_scale_is_small() {
        let p = plan(DemoScale::Small).unwrap();
        assert_eq!(count(&p, OrgLevel::Grid), 36);
        assert_eq!(
            p.accounts.iter().filter(|a| a.3 == Role::Operator).count(),
            18 + 36
        );
        assert_eq!("small".parse::<DemoScale>(), Ok(DemoScale::Small));
        assert!(
            "huge"
                .parse::<DemoScale>()
                .unwrap_err()
                .contains("small 或 district")
        );
    }
}
