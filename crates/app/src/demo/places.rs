//! 演示场所 — each demo grid's schools, clinics, markets, venues, 寄递物流 outlets, enterprises and
//! social organisations (with valid 统一社会信用代码), and a rental house for about half of its
//! 流动人口 households, whose members are its tenants. Synthetic, like the population.

use super::names::{GIVEN, SURNAMES};
use super::rng::SplitMix64;
use crate::{App, AppError, Result};
use chrono::NaiveDate;
use pingan_domain::place::{PlaceCategory, PlaceInput, uscc_check};
use pingan_store::PlaceFilter;

pub(super) const TRADES: [&str; 8] = [
    "商贸",
    "建材",
    "食品",
    "物流",
    "餐饮",
    "科技",
    "汽车服务",
    "农业开发",
];
pub(super) const STEMS: [&str; 12] = [
    "川东", "巴山", "凤凰", "通达", "金华", "翠屏", "明月", "荷花", "龙泉", "嘉禾", "华蜀", "达宏",
];
const HAZARDS: [&str; 4] = [
    "消防通道堆放杂物",
    "电动车在楼道内充电",
    "灭火器过期未更换",
    "监控设备损坏未修复",
];
/// The characters a 统一社会信用代码 is made of.
const USCC_CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// A rental house to register: its address and the ID-number blind indexes of its tenants.
pub(super) struct Rental {
    pub address: String,
    pub tenants: Vec<String>,
}

/// A valid 统一社会信用代码 starting with `prefix` (the registering authority, kind and 511702),
/// the rest drawn at random, the check character computed.
pub(super) fn credit_code(prefix: &str, rng: &mut SplitMix64) -> String {
    let mut body = prefix.to_owned();
    while body.len() < 17 {
        let i = rng.below(USCC_CHARS.len());
        body.push(char::from(USCC_CHARS.get(i).copied().unwrap_or(b'0')));
    }
    let check = uscc_check(&body).unwrap_or('0');
    format!("{body}{check}")
}

pub(super) fn person_name(rng: &mut SplitMix64) -> String {
    format!(
        "{}{}{}",
        rng.pick(&SURNAMES),
        rng.pick(&GIVEN),
        rng.pick(&GIVEN)
    )
}

/// A place with a principal, a headcount and, now and then, something to watch.
fn place(
    rng: &mut SplitMix64,
    name: String,
    category: PlaceCategory,
    address: String,
) -> PlaceInput {
    let attention = match rng.below(100) {
        0..=2 => "key",
        3..=11 => "watch",
        _ => "normal",
    };
    PlaceInput {
        name,
        category: category.code().to_owned(),
        address,
        principal: person_name(rng),
        phone: format!("139{:08}", rng.next_u64() % 100_000_000),
        headcount: (5 + rng.below(400)).to_string(),
        attention: attention.to_owned(),
        hazard: if attention == "normal" {
            String::new()
        } else {
            rng.pick(&HAZARDS).to_owned()
        },
        ..PlaceInput::default()
    }
}

impl App {
    /// Writes one grid's places and its rental houses with their tenants.
    pub(super) async fn seed_grid_places(
        &self,
        grid_code: &str,
        village: &str,
        urban: bool,
        rentals: Vec<Rental>,
        rng: &mut SplitMix64,
        today: NaiveDate,
    ) -> Result<()> {
        let mut inputs: Vec<PlaceInput> = Vec::new();
        let street = |rng: &mut SplitMix64| format!("{village}{}号", 1 + rng.below(200));
        if rng.below(3) < 2 {
            let kind = if urban {
                "小学"
            } else {
                rng.pick(&["小学", "幼儿园", "中心校"])
            };
            let a = street(rng);
            inputs.push(place(
                rng,
                format!("{village}{kind}"),
                PlaceCategory::School,
                a,
            ));
        }
        if rng.below(100) < 15 {
            let kind = if urban {
                "社区卫生服务站"
            } else {
                "村卫生室"
            };
            let a = street(rng);
            inputs.push(place(
                rng,
                format!("{village}{kind}"),
                PlaceCategory::Hospital,
                a,
            ));
        }
        if rng.below(10) == 0 {
            let a = street(rng);
            inputs.push(place(
                rng,
                format!("{village}农贸市场"),
                PlaceCategory::Market,
                a,
            ));
        }
        for _ in 0..rng.below(3) {
            let name = format!(
                "{}{}",
                rng.pick(&STEMS),
                rng.pick(&["网吧", "KTV", "文化广场", "棋牌室"])
            );
            let a = street(rng);
            inputs.push(place(rng, name, PlaceCategory::Venue, a));
        }
        if rng.below(4) == 0 {
            let name = format!("{}快递驿站（{village}）", rng.pick(&STEMS));
            let a = street(rng);
            inputs.push(place(rng, name, PlaceCategory::Logistics, a));
        }
        for _ in 0..(3 + rng.below(7)) {
            let name = format!("达州市{}{}有限公司", rng.pick(&STEMS), rng.pick(&TRADES));
            let a = street(rng);
            let mut firm = place(rng, name, PlaceCategory::Enterprise, a);
            firm.credit_code = credit_code("91511702MA", rng);
            inputs.push(firm);
        }
        if rng.below(10) < 4 {
            let name = format!(
                "{village}{}",
                rng.pick(&["志愿者协会", "老年协会", "红白理事会"])
            );
            let a = street(rng);
            let mut org = place(rng, name, PlaceCategory::SocialOrg, a);
            org.credit_code = credit_code("51511702MJ", rng);
            inputs.push(org);
        }
        for r in &rentals {
            inputs.push(PlaceInput {
                name: format!("{}出租房", r.address),
                category: PlaceCategory::RentalHouse.code().to_owned(),
                address: r.address.clone(),
                principal: person_name(rng),
                headcount: r.tenants.len().to_string(),
                ..PlaceInput::default()
            });
        }
        let mut rows = Vec::with_capacity(inputs.len());
        for input in inputs {
            let valid = input
                .validate()
                .map_err(|e| AppError::Internal(format!("演示场所生成了无效的数据：{e:?}")))?;
            rows.push(self.registry().new_place(valid, grid_code.to_owned())?);
        }
        self.store.upsert_places("", &rows).await?;
        if rentals.is_empty() {
            return Ok(());
        }
        let houses = self
            .store
            .places(&PlaceFilter {
                prefix: grid_code.to_owned(),
                category: Some(PlaceCategory::RentalHouse.code().to_owned()),
                limit: 100_000,
                ..PlaceFilter::default()
            })
            .await?;
        let indexes: Vec<String> = rentals.iter().flat_map(|r| r.tenants.clone()).collect();
        let ids = self.store.person_ids(&indexes).await?;
        let mut tenancies = Vec::new();
        for r in &rentals {
            let name = format!("{}出租房", r.address);
            let Some(house) = houses.rows.iter().find(|h| h.name == name) else {
                continue;
            };
            for t in &r.tenants {
                if let Some(&person) = ids.get(t) {
                    tenancies.push((house.id, person, today));
                }
            }
        }
        self.store.add_tenants(&tenancies).await?;
        Ok(())
    }
}
