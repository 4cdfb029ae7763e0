//! 政务服务事项 — the services a village or community station takes in for the district's
//! departments (政务服务下沉): what each needs (申请材料), who decides it (办理单位), its promised
//! limit in working days (承诺时限) and whether it is done online in one go (一次办结, 网上办).
//!
//! The list ships as reference data; the district changes a service's materials, unit, limit,
//! online flag or takes it off the list, and a new version of the list never overwrites what
//! the district changed.

/// The version of the shipped list; bump it when entries change.
pub const VERSION: &str = "2026.1";

/// The most materials one service lists.
pub const MAX_MATERIALS: usize = 20;
/// The longest limit a service may promise, in working days.
pub const MAX_LIMIT_DAYS: u32 = 90;

/// 政务服务事项 — one service as shipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceItem {
    /// `FW01` …
    pub code: &'static str,
    pub name: &'static str,
    /// 事项类别, e.g. 户籍证件, 社会救助.
    pub category: &'static str,
    /// 办理单位 — who decides it; the station takes it in.
    pub unit: &'static str,
    /// 承诺办结时限, working days from acceptance.
    pub limit_days: u32,
    /// 一次办结: done online with no visit to a counter.
    pub online_once: bool,
    /// 申请材料.
    pub materials: &'static [&'static str],
}

const fn item(
    code: &'static str,
    name: &'static str,
    category: &'static str,
    unit: &'static str,
    limit_days: u32,
    online_once: bool,
    materials: &'static [&'static str],
) -> ServiceItem {
    ServiceItem {
        code,
        name,
        category,
        unit,
        limit_days,
        online_once,
        materials,
    }
}

const ID: &str = "居民身份证";
const HUKOU: &str = "居民户口簿";
const PHOTO: &str = "近期免冠一寸照片";
const BANK: &str = "本人社会保障卡或银行卡（折）";
const POLICE: &str = "区公安分局（派出所户籍窗口）";
const CIVIL: &str = "乡镇（街道）民政办";
const DISABLED: &str = "区残疾人联合会";
const MEDICAL: &str = "区医疗保障局";
const SOCIAL: &str = "区人力资源和社会保障局";
const VETERANS: &str = "区退役军人事务局（退役军人服务站）";
const STATION: &str = "村（社区）便民服务站";

/// The shipped catalogue: 44 services a community station handles.
pub const SERVICE_ITEMS: &[ServiceItem] = &[
    item(
        "FW01",
        "居住证申领",
        "户籍证件",
        POLICE,
        15,
        false,
        &[
            ID,
            PHOTO,
            "居住证明（房屋租赁合同或房屋产权证明）",
            "就业、就读或连续居住证明之一",
        ],
    ),
    item(
        "FW02",
        "居住证签注",
        "户籍证件",
        POLICE,
        1,
        true,
        &["居住证", "连续居住证明"],
    ),
    item(
        "FW03",
        "户口登记项目证明",
        "户籍证件",
        POLICE,
        1,
        true,
        &[ID, HUKOU],
    ),
    item(
        "FW04",
        "临时居民身份证申领",
        "户籍证件",
        POLICE,
        1,
        false,
        &[HUKOU, PHOTO, "居民身份证受理回执"],
    ),
    item(
        "FW05",
        "居民身份证换领、补领",
        "户籍证件",
        POLICE,
        20,
        false,
        &[HUKOU, "原居民身份证（换领）"],
    ),
    item(
        "FW06",
        "户口迁入（投靠亲属）",
        "户籍证件",
        POLICE,
        20,
        false,
        &[ID, HUKOU, "亲属关系证明", "被投靠人户口簿"],
    ),
    item(
        "FW07",
        "出生登记（新生儿入户）",
        "户籍证件",
        POLICE,
        5,
        false,
        &[
            "出生医学证明",
            "父母双方户口簿",
            "父母双方居民身份证",
            "结婚证",
        ],
    ),
    item(
        "FW08",
        "流动人口居住登记",
        "户籍证件",
        STATION,
        1,
        true,
        &[ID, "住所证明（房屋租赁合同或借住证明）"],
    ),
    item(
        "FW09",
        "老年人优待证办理",
        "养老服务",
        CIVIL,
        5,
        true,
        &[ID, HUKOU, PHOTO],
    ),
    item(
        "FW10",
        "高龄津贴申请",
        "养老服务",
        CIVIL,
        20,
        false,
        &[ID, HUKOU, BANK],
    ),
    item(
        "FW11",
        "居家养老服务申请",
        "养老服务",
        CIVIL,
        15,
        false,
        &[ID, HUKOU, "老年人能力评估表"],
    ),
    item(
        "FW12",
        "残疾人证申领（协助办理）",
        "残疾人服务",
        DISABLED,
        20,
        false,
        &[ID, HUKOU, PHOTO, "病历或诊断证明"],
    ),
    item(
        "FW13",
        "困难残疾人生活补贴申请",
        "残疾人服务",
        CIVIL,
        20,
        false,
        &["残疾人证", HUKOU, BANK, "低保证或困难证明"],
    ),
    item(
        "FW14",
        "重度残疾人护理补贴申请",
        "残疾人服务",
        CIVIL,
        20,
        false,
        &["残疾人证（一、二级）", HUKOU, BANK],
    ),
    item(
        "FW15",
        "最低生活保障申请",
        "社会救助",
        CIVIL,
        30,
        false,
        &[
            "低保申请书",
            "家庭成员居民身份证和户口簿",
            "家庭收入和财产状况声明",
            "家庭经济状况核对授权书",
        ],
    ),
    item(
        "FW16",
        "特困人员救助供养申请",
        "社会救助",
        CIVIL,
        20,
        false,
        &[ID, HUKOU, "特困供养申请书", "丧失劳动能力证明或残疾人证"],
    ),
    item(
        "FW17",
        "临时救助申请",
        "社会救助",
        CIVIL,
        10,
        false,
        &[ID, "临时救助申请书", "遭遇急难情况的说明或证明"],
    ),
    item(
        "FW18",
        "医疗救助申请",
        "社会救助",
        MEDICAL,
        20,
        false,
        &[ID, "医疗费用发票和费用清单", "出院小结或诊断证明", BANK],
    ),
    item(
        "FW19",
        "孤儿和事实无人抚养儿童基本生活费申请",
        "社会救助",
        CIVIL,
        30,
        false,
        &[
            "儿童户口簿",
            "父母死亡、失踪或服刑等证明",
            "监护人居民身份证",
        ],
    ),
    item(
        "FW20",
        "城乡居民基本养老保险参保登记",
        "社会保障",
        SOCIAL,
        1,
        true,
        &[ID, HUKOU],
    ),
    item(
        "FW21",
        "养老保险待遇领取资格认证",
        "社会保障",
        SOCIAL,
        1,
        true,
        &[ID],
    ),
    item(
        "FW22",
        "失业登记",
        "社会保障",
        SOCIAL,
        1,
        true,
        &[ID, "与原单位解除劳动关系证明"],
    ),
    item(
        "FW23",
        "就业困难人员认定",
        "社会保障",
        SOCIAL,
        15,
        false,
        &[ID, "就业创业证", "属于就业困难人员的相关证明"],
    ),
    item(
        "FW24",
        "灵活就业人员社会保险补贴申请",
        "社会保障",
        SOCIAL,
        20,
        false,
        &[ID, "就业困难人员认定证明", "社会保险缴费凭证", BANK],
    ),
    item(
        "FW25",
        "创业担保贷款申请",
        "社会保障",
        SOCIAL,
        15,
        false,
        &[ID, "营业执照", "创业计划书"],
    ),
    item(
        "FW26",
        "城乡居民基本医疗保险参保缴费",
        "医疗保障",
        MEDICAL,
        1,
        true,
        &[ID],
    ),
    item(
        "FW27",
        "异地就医备案",
        "医疗保障",
        MEDICAL,
        1,
        true,
        &[ID, "异地居住证明或转诊证明"],
    ),
    item(
        "FW28",
        "门诊慢特病待遇认定申请",
        "医疗保障",
        MEDICAL,
        15,
        false,
        &[ID, "二级以上医院诊断证明", "近期检查报告"],
    ),
    item(
        "FW29",
        "生育登记",
        "卫生健康",
        "乡镇（街道）卫生健康办",
        1,
        true,
        &["夫妻双方居民身份证", "结婚证"],
    ),
    item(
        "FW30",
        "计划生育家庭奖励扶助申请",
        "卫生健康",
        "区卫生健康局",
        20,
        false,
        &[ID, HUKOU, "独生子女父母光荣证或子女死亡、伤残证明"],
    ),
    item(
        "FW31",
        "退役军人优待证申领",
        "退役军人服务",
        VETERANS,
        20,
        false,
        &[ID, "退出现役证明", PHOTO],
    ),
    item(
        "FW32",
        "退役军人困难帮扶申请",
        "退役军人服务",
        VETERANS,
        10,
        false,
        &[ID, "退出现役证明", "家庭困难情况说明"],
    ),
    item(
        "FW33",
        "优抚对象定期抚恤补助申请",
        "退役军人服务",
        VETERANS,
        20,
        false,
        &[ID, "优抚对象身份证明", BANK],
    ),
    item(
        "FW34",
        "法律援助申请",
        "法律服务",
        "区法律援助中心（乡镇司法所受理）",
        7,
        false,
        &[
            ID,
            "法律援助申请表",
            "经济困难状况说明表",
            "与所申请事项有关的材料",
        ],
    ),
    item(
        "FW35",
        "法律咨询预约（一村一法律顾问）",
        "法律服务",
        "村（社区）法律顾问",
        3,
        true,
        &["咨询事项说明"],
    ),
    item(
        "FW36",
        "出租房屋登记备案",
        "住房与出租",
        "社区警务室",
        3,
        true,
        &[
            "房屋产权证明",
            "出租人居民身份证",
            "房屋租赁合同",
            "承租人居民身份证",
        ],
    ),
    item(
        "FW37",
        "公共租赁住房申请",
        "住房与出租",
        "区住房和城乡建设局",
        30,
        false,
        &["家庭成员居民身份证和户口簿", "住房困难证明", "家庭收入证明"],
    ),
    item(
        "FW38",
        "农村危房改造申请",
        "住房与出租",
        "乡镇人民政府",
        30,
        false,
        &[ID, HUKOU, "房屋现状照片", "农户改造申请书"],
    ),
    item(
        "FW39",
        "惠民殡葬补贴申请",
        "民政事务",
        CIVIL,
        10,
        false,
        &["死亡证明", "火化证明", "经办人居民身份证", BANK],
    ),
    item(
        "FW40",
        "居住证明开具",
        "证明开具",
        STATION,
        1,
        true,
        &[ID, "房屋租赁合同或房屋产权证明"],
    ),
    item(
        "FW41",
        "门牌号码证明",
        "证明开具",
        POLICE,
        5,
        false,
        &["房屋产权证明", ID],
    ),
    item(
        "FW42",
        "无犯罪记录证明",
        "证明开具",
        POLICE,
        3,
        true,
        &[ID, "用途说明"],
    ),
    item(
        "FW43",
        "养犬登记",
        "其他",
        POLICE,
        5,
        true,
        &[ID, "犬只狂犬病免疫证明", "犬只正面照片"],
    ),
    item(
        "FW44",
        "个体工商户设立登记",
        "其他",
        "区市场监督管理局（市场监管所）",
        3,
        true,
        &[ID, "经营场所使用证明"],
    ),
];

/// Checks a service's editable facts as the district enters them: the unit, the limit, and the
/// materials (one per line, each at most 50 characters). Answers the materials in order.
pub fn check_edit(unit: &str, limit_days: u32, materials: &str) -> Result<Vec<String>, String> {
    let unit = unit.trim();
    if !(2..=50).contains(&unit.chars().count()) {
        return Err("办理单位 unit 应为 2 到 50 个字".into());
    }
    if !(1..=MAX_LIMIT_DAYS).contains(&limit_days) {
        return Err(format!(
            "承诺时限 limit_days 应为 1 到 {MAX_LIMIT_DAYS} 个工作日"
        ));
    }
    let list: Vec<String> = materials
        .lines()
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(str::to_owned)
        .collect();
    if list.is_empty() || list.len() > MAX_MATERIALS {
        return Err(format!(
            "申请材料 materials 每行一项，应有 1 到 {MAX_MATERIALS} 项"
        ));
    }
    if let Some(long) = list.iter().find(|m| m.chars().count() > 50) {
        return Err(format!("申请材料“{long}”过长，每项不超过 50 个字"));
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_shipped_catalogue_holds_more_than_forty_services_each_well_formed() {
        assert!(SERVICE_ITEMS.len() > 40);
        let codes: HashSet<&str> = SERVICE_ITEMS.iter().map(|s| s.code).collect();
        let names: HashSet<&str> = SERVICE_ITEMS.iter().map(|s| s.name).collect();
        assert_eq!(codes.len(), SERVICE_ITEMS.len());
        assert_eq!(names.len(), SERVICE_ITEMS.len());
        for s in SERVICE_ITEMS {
            let materials = s.materials.join("\n");
            assert_eq!(
                check_edit(s.unit, s.limit_days, &materials).map(|m| m.len()),
                Ok(s.materials.len()),
                "{}",
                s.name
            );
        }
    }

    #[test]
    fn an_edit_is_refused_with_the_field_it_gets_wrong() {
        assert!(
            check_edit("社区", 0, "身份证")
                .unwrap_err()
                .contains("limit_days")
        );
        assert!(
            check_edit("社区", 91, "身份证")
                .unwrap_err()
                .contains("limit_days")
        );
        assert!(check_edit("", 5, "身份证").unwrap_err().contains("unit"));
        assert!(
            check_edit("社区", 5, " \n ")
                .unwrap_err()
                .contains("materials")
        );
        assert_eq!(
            check_edit("社区", 5, "身份证\n\n 户口簿 ").unwrap(),
            ["身份证", "户口簿"]
        );
        let long = "很".repeat(51);
        assert!(check_edit("社区", 5, &long).unwrap_err().contains("过长"));
    }
}
