//! Word lists from which the demo draws plausible (synthetic) names of people and departments; the
//! villages and communities carry their official names (`pingan_domain::division::villages`).

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
