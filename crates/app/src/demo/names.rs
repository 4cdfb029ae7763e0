//! Names for the demo district: the real community names known for 东城 and 西城, and word lists
//! from which the generator draws plausible (synthetic) names for the rest.

/// 东城街道's communities as published in 2022, in order; the first two codes are confirmed
/// (001 二马路, 002 凉水井), the rest are numbered on in this order.
pub const DONGCHENG: [&str; 14] = [
    "二马路",
    "凉水井",
    "翠屏路",
    "文华街",
    "会仙桥",
    "张家湾",
    "南岳",
    "文江祠",
    "胡家坝",
    "北岩寺",
    "健民路",
    "凤凰",
    "东滨",
    "北翎",
];

/// 西城街道's communities: 001 大北街, 002 小北街 and 008 文凤 are confirmed; the neighbours named
/// beside 文凤 take the free numbers in this order.
pub const XICHENG_CONFIRMED: [(u16, &str); 3] = [(1, "大北街"), (2, "小北街"), (8, "文凤")];
pub const XICHENG_NEIGHBOURS: [&str; 8] = [
    "石岭",
    "来凤",
    "巴凤",
    "牌楼",
    "西圣寺",
    "红旗路",
    "永丰街",
    "荷叶街",
];

/// Stems for generated urban communities (社区).
pub const URBAN: [&str; 30] = [
    "华蜀路",
    "通川北路",
    "南外",
    "塔沱",
    "莲湖",
    "滨河",
    "金龙",
    "徐家坝",
    "魏兴",
    "罗浮",
    "红星",
    "荷花池",
    "七里沟",
    "金山",
    "杨柳湾",
    "明月江",
    "州河",
    "盘石坝",
    "钟鼓楼",
    "龙爪塔",
    "翠屏山",
    "凤凰山",
    "马踏洞",
    "双龙桥",
    "金华",
    "西河",
    "肖公庙",
    "文化路",
    "公园路",
    "长田坝",
];

/// Stems for generated villages (村).
pub const RURAL: [&str; 70] = [
    "青龙", "白鹤", "石桥", "黄桷", "金竹", "柏林", "龙泉", "新华", "红岩", "杨柳", "桂花", "观音",
    "双河", "太平", "檬子", "玉皇", "油坊", "马鞍", "凤鸣", "高峰", "长岭", "文家", "李家", "张家",
    "何家", "天星", "龙井", "梨子", "白果", "金山", "土地", "蔡家", "罗家", "七里", "三元", "五一",
    "花园", "水井", "凉风", "新店", "庙坝", "九龙", "石门", "大田", "松林", "柑子", "寨子", "草坪",
    "茶园", "桐子", "狮子", "青杠", "石板", "岩口", "坪上", "清水", "光明", "胜利", "和平", "团结",
    "宝塔", "鹿鸣", "白岩", "黄泥", "沙坝", "龙凤", "双桥", "永兴", "新民", "回龙",
];

/// Common surnames in Sichuan, for synthetic grid workers.
pub const SURNAMES: [&str; 48] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "唐", "冯", "邓", "曹", "彭", "曾", "肖", "田",
    "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "任", "姚", "谭", "廖",
];

/// Characters for given names.
pub const GIVEN: [&str; 40] = [
    "建", "国", "华", "明", "丽", "芳", "军", "平", "勇", "静", "敏", "强", "磊", "洋", "艳", "杰",
    "娟", "涛", "超", "秀", "英", "兰", "霞", "刚", "桂", "红", "玉", "梅", "琴", "云", "莉", "斌",
    "宇", "浩", "凯", "婷", "雪", "波", "辉", "鹏",
];

/// Chinese numerals for 第一网格, 第二网格 …
pub const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// The departments (成员单位) of the district hub: (code suffix, kind, name).
pub const DISTRICT_DEPARTMENTS: [(&str, &str, &str); 18] = [
    ("GA", "公安", "达州市公安局通川区分局"),
    ("FY", "法院", "通川区人民法院"),
    ("JCY", "检察院", "通川区人民检察院"),
    ("SF", "司法", "通川区司法局"),
    ("XF", "信访", "通川区信访局"),
    ("CG", "城管", "通川区综合行政执法局"),
    ("YJ", "应急", "通川区应急管理局"),
    ("SCJG", "市场监管", "通川区市场监督管理局"),
    ("JY", "教育", "通川区教育局"),
    ("WJ", "卫健", "通川区卫生健康局"),
    ("MZ", "民政", "通川区民政局"),
    ("RS", "人社", "通川区人力资源和社会保障局"),
    ("ZJ", "住建", "通川区住房和城乡建设局"),
    ("ZRZY", "自然资源", "通川区自然资源局"),
    ("STHJ", "生态环境", "达州市通川生态环境局"),
    ("JT", "交通", "通川区交通运输局"),
    ("SW", "水务", "通川区水务局"),
    ("XFJY", "消防", "通川区消防救援大队"),
];
