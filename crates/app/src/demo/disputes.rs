//! 演示调解组织 — the demo district's mediation organisations: a committee in every village and
//! community, township and the district; the district's 行业性专业性 committees (交通事故, 医疗,
//! 劳动, 物业, 婚姻家庭); a 派出所 mediation room in every township (公调对接); the court's invited
//! mediators (诉调对接) and the petition office's room (访调对接).

use crate::cases::disputes::organisations::new_organisation;
use pingan_domain::case::dispute::{DisputeType, OrganisationKind};
use pingan_domain::{OrgCode, OrgLevel};
use pingan_store::{NewMediationOrganisation, OrgUnitRecord};
use std::collections::HashSet;

/// The district's professional committees, by the dispute type each takes.
const PROFESSIONAL: [(DisputeType, &str); 5] = [
    (DisputeType::Traffic, "通川区道路交通事故纠纷人民调解委员会"),
    (DisputeType::Medical, "通川区医疗纠纷人民调解委员会"),
    (DisputeType::Labour, "通川区劳动争议人民调解委员会"),
    (DisputeType::Property, "通川区物业纠纷人民调解委员会"),
    (DisputeType::Family, "通川区婚姻家庭纠纷人民调解委员会"),
];

/// The mediation organisations of the district, its townships and the villages in `used` (those
/// the demo gives grids) among `units`.
pub(super) fn organisations(
    units: &[OrgUnitRecord],
    used: &HashSet<String>,
) -> Vec<NewMediationOrganisation> {
    let mut out = Vec::new();
    let in_use = |code: &str| used.iter().any(|v| v.starts_with(code));
    for u in units {
        let Ok(code) = OrgCode::parse(&u.code) else {
            continue;
        };
        if code.level() != OrgLevel::District && !in_use(&u.code) {
            continue;
        }
        match code.level() {
            OrgLevel::District => {
                out.push(new_organisation(
                    &code,
                    "通川区人民调解委员会",
                    OrganisationKind::District,
                    None,
                ));
                for (t, name) in PROFESSIONAL {
                    out.push(new_organisation(
                        &code,
                        name,
                        OrganisationKind::Professional,
                        Some(t),
                    ));
                }
                out.push(new_organisation(
                    &code,
                    "通川区人民法院诉讼服务中心特邀调解组织",
                    OrganisationKind::CourtInvited,
                    None,
                ));
                out.push(new_organisation(
                    &code,
                    "通川区信访接待中心人民调解室",
                    OrganisationKind::PetitionRoom,
                    None,
                ));
            }
            OrgLevel::Township => {
                out.push(new_organisation(
                    &code,
                    &format!("{}人民调解委员会", u.name),
                    OrganisationKind::Township,
                    None,
                ));
                let stem = u
                    .name
                    .trim_end_matches(['镇', '乡'])
                    .trim_end_matches("街道");
                out.push(new_organisation(
                    &code,
                    &format!("{stem}派出所人民调解室"),
                    OrganisationKind::PoliceRoom,
                    None,
                ));
            }
            OrgLevel::Village => out.push(new_organisation(
                &code,
                &format!("{}人民调解委员会", u.name),
                OrganisationKind::Village,
                None,
            )),
            OrgLevel::Grid => {}
        }
    }
    out
}
