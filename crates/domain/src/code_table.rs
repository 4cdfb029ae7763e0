//! 代码表 — the national code tables people are entered with, shipped in the binary as versioned
//! reference data. A code dropped from a later version is retired in the database, never deleted,
//! so old records keep their meaning.

/// One code and its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeEntry {
    pub code: &'static str,
    pub name: &'static str,
}

/// 代码表 — a national code table at one version.
#[derive(Debug, Clone, Copy)]
pub struct CodeTable {
    /// Stable key used in the database and the API (`sex`, `ethnicity` …).
    pub key: &'static str,
    /// Chinese name of the table.
    pub name: &'static str,
    /// The standard that defines it.
    pub standard: &'static str,
    /// The version shipped (the standard's year).
    pub version: &'static str,
    pub entries: &'static [CodeEntry],
}

impl CodeTable {
    /// The name of a code that is current in this version.
    pub fn name_of(&self, code: &str) -> Option<&'static str> {
        self.entries.iter().find(|e| e.code == code).map(|e| e.name)
    }
}

macro_rules! entries {
    ($($code:literal $name:literal),* $(,)?) => {
        &[$(CodeEntry { code: $code, name: $name }),*]
    };
}

/// 性别 — GB/T 2261.1-2003.
pub const SEX: CodeTable = CodeTable {
    key: "sex",
    name: "性别",
    standard: "GB/T 2261.1-2003",
    version: "2003",
    entries: entries!["0" "未知的性别", "1" "男", "2" "女", "9" "未说明的性别"],
};

/// 民族 — GB 3304-1991, the 56 ethnic groups plus 97 and 98.
pub const ETHNICITY: CodeTable = CodeTable {
    key: "ethnicity",
    name: "民族",
    standard: "GB 3304-1991",
    version: "1991",
    entries: entries![
        "01" "汉族", "02" "蒙古族", "03" "回族", "04" "藏族", "05" "维吾尔族", "06" "苗族",
        "07" "彝族", "08" "壮族", "09" "布依族", "10" "朝鲜族", "11" "满族", "12" "侗族",
        "13" "瑶族", "14" "白族", "15" "土家族", "16" "哈尼族", "17" "哈萨克族", "18" "傣族",
        "19" "黎族", "20" "傈僳族", "21" "佤族", "22" "畲族", "23" "高山族", "24" "拉祜族",
        "25" "水族", "26" "东乡族", "27" "纳西族", "28" "景颇族", "29" "柯尔克孜族", "30" "土族",
        "31" "达斡尔族", "32" "仫佬族", "33" "羌族", "34" "布朗族", "35" "撒拉族", "36" "毛南族",
        "37" "仡佬族", "38" "锡伯族", "39" "阿昌族", "40" "普米族", "41" "塔吉克族", "42" "怒族",
        "43" "乌孜别克族", "44" "俄罗斯族", "45" "鄂温克族", "46" "德昂族", "47" "保安族",
        "48" "裕固族", "49" "京族", "50" "塔塔尔族", "51" "独龙族", "52" "鄂伦春族", "53" "赫哲族",
        "54" "门巴族", "55" "珞巴族", "56" "基诺族", "97" "其他未识别民族", "98" "外国血统中国籍人士",
    ],
};

/// 家庭关系（与户主关系） — GB/T 4761-2008.
pub const RELATION: CodeTable = CodeTable {
    key: "relation",
    name: "与户主关系",
    standard: "GB/T 4761-2008",
    version: "2008",
    entries: entries![
        "01" "本人", "02" "户主", "10" "配偶", "11" "夫", "12" "妻",
        "20" "子", "21" "独生子", "22" "长子", "23" "次子", "24" "三子", "25" "四子", "26" "五子",
        "27" "养子或继子", "28" "女婿", "29" "其他儿子",
        "30" "女", "31" "独生女", "32" "长女", "33" "次女", "34" "三女", "35" "四女", "36" "五女",
        "37" "养女或继女", "38" "儿媳", "39" "其他女儿",
        "40" "孙子、孙女或外孙子、外孙女", "41" "孙子", "42" "孙女", "43" "外孙子", "44" "外孙女",
        "45" "孙媳妇或外孙媳妇", "46" "孙女婿或外孙女婿", "47" "曾孙子或外曾孙子",
        "48" "曾孙女或外曾孙女", "49" "其他孙子、孙女或外孙子、外孙女",
        "50" "父母", "51" "父亲", "52" "母亲", "53" "公公", "54" "婆婆", "55" "岳父", "56" "岳母",
        "57" "继父或养父", "58" "继母或养母", "59" "其他父母关系",
        "60" "祖父母或外祖父母", "61" "祖父", "62" "祖母", "63" "外祖父", "64" "外祖母",
        "65" "配偶的祖父母或外祖父母", "66" "曾祖父", "67" "曾祖母", "68" "配偶的曾祖父母或外曾祖父母",
        "69" "其他祖父母或外祖父母关系",
        "70" "兄弟姐妹", "71" "兄", "72" "嫂", "73" "弟", "74" "弟媳", "75" "姐姐", "76" "姐夫",
        "77" "妹妹", "78" "妹夫", "79" "其他兄弟姐妹",
        "80" "其他", "81" "伯父", "82" "伯母", "83" "叔父", "84" "婶母", "85" "舅父", "86" "舅母",
        "87" "姨父", "88" "姨母", "89" "姑父", "90" "姑母", "91" "堂兄弟、堂姐妹", "92" "表兄弟、表姐妹",
        "93" "侄子", "94" "侄女", "95" "外甥", "96" "外甥女", "97" "其他亲属", "99" "非亲属",
    ],
};

/// 常用证件代码 — the document types of GA/T 517 that a registry meets in practice.
pub const DOCUMENT_TYPE: CodeTable = CodeTable {
    key: "document_type",
    name: "证件类型",
    standard: "GA/T 517",
    version: "2004",
    entries: entries![
        "111" "居民身份证", "112" "临时居民身份证", "113" "户口簿",
        "114" "中国人民解放军军官证", "115" "中国人民武装警察部队警官证",
        "335" "机动车驾驶证", "414" "普通护照", "511" "台湾居民来往大陆通行证",
        "516" "港澳居民来往内地通行证", "553" "外国人永久居留身份证", "990" "其他证件",
    ],
};

/// 政治面貌 — GB/T 4762-1984.
pub const POLITICAL_STATUS: CodeTable = CodeTable {
    key: "political_status",
    name: "政治面貌",
    standard: "GB/T 4762-1984",
    version: "1984",
    entries: entries![
        "01" "中国共产党党员", "02" "中国共产党预备党员", "03" "中国共产主义青年团团员",
        "04" "中国国民党革命委员会会员", "05" "中国民主同盟盟员", "06" "中国民主建国会会员",
        "07" "中国民主促进会会员", "08" "中国农工民主党党员", "09" "中国致公党党员",
        "10" "九三学社社员", "11" "台湾民主自治同盟盟员", "12" "无党派民主人士", "13" "群众",
    ],
};

/// 学历 — GB/T 4658-2006.
pub const EDUCATION: CodeTable = CodeTable {
    key: "education",
    name: "学历",
    standard: "GB/T 4658-2006",
    version: "2006",
    entries: entries![
        "10" "研究生教育", "11" "博士研究生毕业", "12" "博士研究生结业", "13" "博士研究生肄业",
        "14" "硕士研究生毕业", "15" "硕士研究生结业", "16" "硕士研究生肄业",
        "17" "研究生班毕业", "18" "研究生班结业", "19" "研究生班肄业",
        "20" "大学本科教育", "21" "大学本科毕业", "22" "大学本科结业", "23" "大学本科肄业",
        "28" "大学普通班毕业",
        "30" "大学专科教育", "31" "大学专科毕业", "32" "大学专科结业", "33" "大学专科肄业",
        "40" "中等职业教育", "41" "中等专科毕业", "42" "中等专科结业", "43" "中等专科肄业",
        "44" "职业高中毕业", "45" "职业高中结业", "46" "职业高中肄业",
        "47" "技工学校毕业", "48" "技工学校结业", "49" "技工学校肄业",
        "60" "普通高级中学教育", "61" "普通高中毕业", "62" "普通高中结业", "63" "普通高中肄业",
        "70" "初级中学教育", "71" "初中毕业", "73" "初中肄业",
        "80" "小学教育", "81" "小学毕业", "83" "小学肄业", "90" "其他",
    ],
};

/// Every code table shipped with this build.
pub const ALL: [CodeTable; 6] = [
    SEX,
    ETHNICITY,
    RELATION,
    DOCUMENT_TYPE,
    POLITICAL_STATUS,
    EDUCATION,
];

/// The shipped table with this key.
pub fn table(key: &str) -> Option<&'static CodeTable> {
    ALL.iter().find(|t| t.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ethnicity_has_all_56_groups_and_the_two_others() {
        let groups = ETHNICITY
            .entries
            .iter()
            .filter(|e| e.code.parse::<u8>().is_ok_and(|n| (1..=56).contains(&n)))
            .count();
        assert_eq!(groups, 56);
        assert_eq!(ETHNICITY.name_of("01"), Some("汉族"));
        assert_eq!(ETHNICITY.name_of("33"), Some("羌族"));
        assert_eq!(ETHNICITY.name_of("15"), Some("土家族"));
        assert_eq!(ETHNICITY.entries.len(), 58);
    }

    #[test]
    fn codes_are_unique_within_each_table_and_keys_are_unique() {
        for t in ALL {
            let codes: HashSet<_> = t.entries.iter().map(|e| e.code).collect();
            assert_eq!(codes.len(), t.entries.len(), "duplicate code in {}", t.key);
            assert!(t.entries.iter().all(|e| !e.name.is_empty()));
        }
        let keys: HashSet<_> = ALL.iter().map(|t| t.key).collect();
        assert_eq!(keys.len(), ALL.len());
    }

    #[test]
    fn lookups() {
        assert_eq!(SEX.name_of("2"), Some("女"));
        assert_eq!(
            table("relation").and_then(|t| t.name_of("02")),
            Some("户主")
        );
        assert_eq!(DOCUMENT_TYPE.name_of("111"), Some("居民身份证"));
        assert_eq!(POLITICAL_STATUS.name_of("13"), Some("群众"));
        assert_eq!(EDUCATION.name_of("21"), Some("大学本科毕业"));
        assert!(table("nope").is_none());
    }
}
