//! Synthetic matters for the `--catalog-scale N` benchmark option.
//!
//! Names read like real entries of a Zhejiang service catalog: a region (余杭区), an optional target group
//! (小微企业), a subject (创业担保贷款) and an action that suits the subject (申请), with a parallel English name.
//! The output depends only on `n` and the given departments and halls: no clock, no randomness. Choices are drawn
//! from a splitmix64 stream seeded by the index; names walk the region × group × subject × action space in a
//! scrambled order that visits every combination once, so they stay distinct until that space (over 20,000
//! names) is used up, after which a qualifier such as （跨省通办） keeps them apart.

use onego_protocol::api::{
    Department, FieldDef, FieldKind, MaterialDef, MaterialSource, Matter, ServiceHall, Situation,
};

/// Who a subject is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Who {
    Citizen,
    Enterprise,
    Both,
}

/// What kind of matter a subject makes, which decides the actions that fit it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// 行政许可: approvals and permits.
    Permit,
    /// 行政给付: benefits, subsidies, allowances.
    Benefit,
    /// 登记、证明: registrations and certificates.
    Record,
}

struct Subject {
    zh: &'static str,
    en: &'static str,
    category: &'static str,
    who: Who,
    kind: Kind,
    /// Preferred department ids, first match wins; otherwise one of the given departments.
    depts: &'static [&'static str],
    keywords: &'static [&'static str],
    /// Shared-data registry the department consults.
    registry: &'static str,
    basis: &'static str,
}

#[allow(clippy::too_many_arguments)]
const fn subject(
    zh: &'static str,
    en: &'static str,
    category: &'static str,
    who: Who,
    kind: Kind,
    depts: &'static [&'static str],
    keywords: &'static [&'static str],
    registry: &'static str,
    basis: &'static str,
) -> Subject {
    Subject { zh, en, category, who, kind, depts, keywords, registry, basis }
}

use Kind::{Benefit, Permit, Record};
use Who::{Both, Citizen, Enterprise};

#[rustfmt::skip]
const SUBJECTS: &[Subject] = &[
    // Citizens.
    subject("农村宅基地", "rural homestead", "不动产", Citizen, Permit, &["nyncj", "ghzyj"], &["宅基地", "农村建房"], "real_estate", "《中华人民共和国土地管理法》第六十二条"),
    subject("农村村民住宅建设", "rural housing construction", "不动产", Citizen, Permit, &["ghzyj", "zjj"], &["农房", "自建房"], "real_estate", "《中华人民共和国城乡规划法》第四十一条"),
    subject("职业技能培训补贴", "vocational training subsidy", "就业", Citizen, Benefit, &["rsj"], &["培训补贴", "技能培训"], "social_security", "《中华人民共和国就业促进法》第四十八条"),
    subject("住房租赁补贴", "housing rental subsidy", "住房", Citizen, Benefit, &["zjj", "gjj"], &["租房补贴", "住房保障"], "real_estate", "《公共租赁住房管理办法》"),
    subject("公共租赁住房", "public rental housing", "住房", Citizen, Benefit, &["zjj", "gjj"], &["公租房", "住房保障"], "real_estate", "《公共租赁住房管理办法》第七条"),
    subject("居家养老服务补贴", "home-based elderly care subsidy", "养老", Citizen, Benefit, &["mzj"], &["养老补贴", "居家养老"], "population", "《浙江省社会养老服务促进条例》"),
    subject("临时救助", "temporary assistance", "社会救助", Citizen, Benefit, &["mzj"], &["救助", "困难补助"], "population", "《社会救助暂行办法》第四十七条"),
    subject("特困人员救助供养", "support for people in extreme poverty", "社会救助", Citizen, Benefit, &["mzj"], &["特困供养", "五保"], "population", "《社会救助暂行办法》第十四条"),
    subject("医疗救助", "medical assistance", "医保", Citizen, Benefit, &["ybj"], &["看病救助", "医疗费减免"], "medical_insurance", "《社会救助暂行办法》第二十八条"),
    subject("长期护理保险待遇", "long-term care insurance benefits", "医保", Citizen, Benefit, &["ybj"], &["长护险", "失能护理"], "medical_insurance", "《浙江省医疗保障条例》"),
    subject("大病保险待遇", "critical illness insurance benefits", "医保", Citizen, Benefit, &["ybj"], &["大病医保", "看病报销"], "medical_insurance", "《国务院办公厅关于全面实施城乡居民大病保险的意见》"),
    subject("职工养老保险关系转移", "transfer of employee pension insurance", "社保", Citizen, Record, &["rsj"], &["社保转移", "养老保险"], "social_security", "《城镇企业职工基本养老保险关系转移接续暂行办法》"),
    subject("工伤保险待遇", "work injury insurance benefits", "社保", Citizen, Benefit, &["rsj"], &["工伤", "工伤报销"], "social_security", "《工伤保险条例》第三十条"),
    subject("人才生活补贴", "living allowance for talents", "人才", Citizen, Benefit, &["rsj"], &["人才补贴", "大学生补贴"], "education", "《杭州市高层次人才分类认定办法》"),
    subject("职业技能等级证书", "vocational skill level certificate", "就业", Citizen, Record, &["rsj"], &["技能证书", "职业资格"], "education", "《中华人民共和国职业教育法》"),
    subject("义务教育学籍", "compulsory education student record", "教育", Citizen, Record, &["jyj"], &["学籍", "学生档案"], "education", "《中小学生学籍管理办法》"),
    subject("教师资格", "teacher qualification", "教育", Citizen, Permit, &["jyj"], &["教资", "教师资格证"], "education", "《教师资格条例》第十五条"),
    subject("电动自行车", "electric bicycle", "交通", Citizen, Record, &["gaj"], &["电瓶车上牌", "电动车"], "population", "《浙江省电动自行车管理条例》"),
    subject("养犬", "dog keeping", "公共服务", Citizen, Record, &["gaj", "cgj"], &["狗证", "犬只登记"], "population", "《杭州市限制养犬规定》"),
    subject("户籍证明", "household registration certificate", "户籍", Citizen, Record, &["gaj"], &["户口证明", "户籍信息"], "population", "《中华人民共和国户口登记条例》"),
    subject("机动车检验合格标志", "vehicle inspection sticker", "交通", Citizen, Record, &["gaj"], &["年检", "车检"], "population", "《中华人民共和国道路交通安全法》第十三条"),
    subject("孕产妇健康管理", "maternal health management", "生育", Citizen, Record, &["wjw"], &["孕检", "建小卡"], "maternal_health", "《中华人民共和国母婴保健法》第十四条"),
    subject("家庭医生签约", "family doctor contract", "医疗", Citizen, Record, &["wjw"], &["家庭医生", "签约医生"], "medical_insurance", "《关于推进家庭医生签约服务的指导意见》"),
    subject("计划生育特殊家庭扶助", "assistance for bereaved one-child families", "生育", Citizen, Benefit, &["wjw"], &["失独", "特扶"], "population", "《浙江省人口与计划生育条例》"),
    subject("住房公积金缴存证明", "provident fund contribution certificate", "公积金", Citizen, Record, &["gjj"], &["公积金证明", "缴存证明"], "provident_fund", "《住房公积金管理条例》"),
    subject("优抚对象抚恤补助", "pension and subsidy for entitled groups", "优抚", Citizen, Benefit, &["tyjrswj"], &["抚恤", "优抚"], "population", "《军人抚恤优待条例》"),
    subject("无障碍设施改造补助", "accessibility retrofit subsidy", "残疾人", Citizen, Benefit, &["cl", "mzj"], &["家庭无障碍", "残疾人补助"], "population", "《无障碍环境建设法》"),
    // Enterprises.
    subject("道路货物运输经营", "road freight transport business", "交通", Enterprise, Permit, &["jtj"], &["货运许可", "道路运输证"], "business", "《中华人民共和国道路运输条例》第二十四条"),
    subject("网络预约出租汽车经营", "ride-hailing business", "交通", Enterprise, Permit, &["jtj"], &["网约车平台", "网约车许可"], "business", "《网络预约出租汽车经营服务管理暂行办法》"),
    subject("建设工程规划", "construction project planning", "规划", Enterprise, Permit, &["ghzyj"], &["规划许可", "工程规划证"], "real_estate", "《中华人民共和国城乡规划法》第四十条"),
    subject("建设用地", "construction land use", "规划", Enterprise, Permit, &["ghzyj"], &["用地审批", "土地"], "real_estate", "《中华人民共和国土地管理法》第五十三条"),
    subject("排污", "pollutant discharge", "环保", Enterprise, Permit, &["sthjj", "scjgj"], &["排污许可", "环保"], "business", "《排污许可管理条例》"),
    subject("户外广告设施设置", "outdoor advertising facilities", "城市管理", Enterprise, Permit, &["cgj", "scjgj"], &["广告牌", "店招"], "business", "《杭州市户外广告设施和招牌指示牌管理条例》"),
    subject("药品经营", "drug trading", "市场监管", Enterprise, Permit, &["scjgj"], &["药店", "药品经营许可证"], "business", "《药品经营和使用质量监督管理办法》"),
    subject("医疗器械经营", "medical device trading", "市场监管", Enterprise, Permit, &["scjgj"], &["医疗器械", "二类医疗器械"], "business", "《医疗器械监督管理条例》第四十二条"),
    subject("特种设备使用", "special equipment use", "市场监管", Enterprise, Record, &["scjgj"], &["电梯登记", "锅炉"], "business", "《中华人民共和国特种设备安全法》第三十三条"),
    subject("食品生产", "food production", "市场监管", Enterprise, Permit, &["scjgj"], &["食品生产许可证", "SC证"], "business", "《食品生产许可管理办法》"),
    subject("出版物零售", "publication retail", "文化", Enterprise, Permit, &["whgdlyj", "scjgj"], &["书店", "出版物经营"], "business", "《出版管理条例》第三十七条"),
    subject("人力资源服务", "human resources services", "就业", Enterprise, Permit, &["rsj"], &["职业中介", "人力资源服务许可"], "business", "《人力资源市场暂行条例》第十八条"),
    subject("劳务派遣经营", "labour dispatch business", "就业", Enterprise, Permit, &["rsj"], &["劳务派遣", "派遣许可"], "business", "《劳务派遣行政许可实施办法》"),
    subject("失业保险稳岗返还", "job retention refund of unemployment insurance", "社保", Enterprise, Benefit, &["rsj"], &["稳岗补贴", "稳岗返还"], "social_security", "《失业保险条例》"),
    subject("研发费用加计扣除", "R&D expense super deduction", "税务", Enterprise, Benefit, &["swj"], &["加计扣除", "研发费用"], "tax", "《中华人民共和国企业所得税法》第三十条"),
    subject("增值税留抵退税", "VAT credit refund", "税务", Enterprise, Benefit, &["swj"], &["留抵退税", "增值税"], "tax", "《中华人民共和国增值税法》"),
    subject("出口退税", "export tax rebate", "税务", Enterprise, Benefit, &["swj"], &["出口退税", "外贸"], "tax", "《出口货物劳务增值税和消费税管理办法》"),
    subject("科技型中小企业评价", "technology-based SME evaluation", "科技", Enterprise, Record, &["kjj"], &["科技型企业", "科小"], "business", "《科技型中小企业评价办法》"),
    subject("商标专用权质押", "trademark pledge", "知识产权", Enterprise, Record, &["scjgj"], &["商标质押", "知识产权融资"], "business", "《注册商标专用权质押登记程序规定》"),
    subject("动产抵押", "chattel mortgage", "市场监管", Enterprise, Record, &["scjgj"], &["动产抵押", "设备抵押"], "business", "《动产和权利担保统一登记办法》"),
    subject("建筑业企业资质", "construction enterprise qualification", "住建", Enterprise, Permit, &["zjj"], &["建筑资质", "施工资质"], "business", "《建筑业企业资质管理规定》"),
    subject("公众聚集场所投入使用前消防安全检查", "pre-opening fire safety inspection", "消防", Enterprise, Permit, &["xfjy", "gaj"], &["消防检查", "消防许可"], "business", "《中华人民共和国消防法》第十五条"),
    subject("公共场所卫生", "public place hygiene", "卫生", Enterprise, Permit, &["wjw"], &["卫生许可证", "美容美发"], "business", "《公共场所卫生管理条例》"),
    subject("残疾人就业保障金", "disability employment security fund", "税务", Enterprise, Benefit, &["swj", "cl"], &["残保金", "残疾人就业"], "tax", "《残疾人就业保障金征收使用管理办法》"),
    subject("住房公积金缓缴", "deferral of provident fund contributions", "公积金", Enterprise, Benefit, &["gjj"], &["公积金缓缴", "降低缴存比例"], "provident_fund", "《住房公积金管理条例》第二十条"),
    subject("社会保险费缓缴", "deferral of social insurance contributions", "社保", Enterprise, Benefit, &["rsj", "swj"], &["社保缓缴", "困难企业"], "social_security", "《中华人民共和国社会保险法》"),
    // Both.
    subject("创业担保贷款", "start-up guaranteed loan", "就业", Both, Benefit, &["rsj"], &["创业贷款", "贴息贷款"], "social_security", "《关于进一步做好创业担保贷款财政贴息工作的通知》"),
    subject("一次性创业补贴", "one-off start-up subsidy", "就业", Both, Benefit, &["rsj"], &["创业补贴", "开业补贴"], "business", "《中华人民共和国就业促进法》"),
    subject("招用重点群体税费减免", "tax relief for hiring key groups", "税务", Both, Benefit, &["swj"], &["税收减免", "就业优惠"], "tax", "《关于进一步支持重点群体创业就业有关税收政策的公告》"),
];

const REGIONS: &[(&str, &str, &str)] = &[
    ("330100", "杭州市", "Hangzhou"),
    ("330102", "上城区", "Shangcheng District"),
    ("330105", "拱墅区", "Gongshu District"),
    ("330106", "西湖区", "Xihu District"),
    ("330108", "滨江区", "Binjiang District"),
    ("330109", "萧山区", "Xiaoshan District"),
    ("330110", "余杭区", "Yuhang District"),
    ("330111", "富阳区", "Fuyang District"),
    ("330112", "临安区", "Lin'an District"),
    ("330113", "临平区", "Linping District"),
    ("330114", "钱塘区", "Qiantang District"),
    ("330122", "桐庐县", "Tonglu County"),
    ("330127", "淳安县", "Chun'an County"),
    ("330182", "建德市", "Jiande"),
    ("330000", "浙江省", "Zhejiang Province"),
];

/// Subjects that read wrongly with a target group in front (高校毕业生农村宅基地…): they only take the region.
const PLAIN_SUBJECTS: &[&str] = &[
    "农村宅基地",
    "农村村民住宅建设",
    "居家养老服务补贴",
    "特困人员救助供养",
    "大病保险待遇",
    "职工养老保险关系转移",
    "义务教育学籍",
    "教师资格",
    "养犬",
    "户籍证明",
    "机动车检验合格标志",
    "孕产妇健康管理",
    "计划生育特殊家庭扶助",
    "住房公积金缴存证明",
    "优抚对象抚恤补助",
    "网络预约出租汽车经营",
    "建设工程规划",
    "建设用地",
    "科技型中小企业评价",
];

const CITIZEN_GROUPS: &[(&str, &str)] = &[
    ("", ""),
    ("高校毕业生", "college graduates"),
    ("退役军人", "veterans"),
    ("困难家庭", "low-income families"),
    ("老年人", "older people"),
    ("残疾人", "persons with disabilities"),
    ("新就业形态劳动者", "gig workers"),
];

const ENTERPRISE_GROUPS: &[(&str, &str)] = &[
    ("", ""),
    ("小微企业", "small and micro enterprises"),
    ("个体工商户", "sole proprietors"),
    ("高新技术企业", "high-tech enterprises"),
    ("外商投资企业", "foreign-invested enterprises"),
    ("农民专业合作社", "farmers' cooperatives"),
];

const BOTH_GROUPS: &[(&str, &str)] = &[
    ("", ""),
    ("小微企业", "small and micro enterprises"),
    ("高校毕业生", "college graduates"),
    ("退役军人", "veterans"),
    ("返乡入乡创业人员", "returning entrepreneurs"),
    ("个体工商户", "sole proprietors"),
];

const PERMIT_ACTIONS: &[(&str, &str)] = &[
    ("审批", "approval"),
    ("许可", "permit"),
    ("许可变更", "permit change"),
    ("许可延续", "permit renewal"),
    ("许可注销", "permit cancellation"),
    ("备案", "filing"),
];

const BENEFIT_ACTIONS: &[(&str, &str)] = &[
    ("申请", "application"),
    ("申领", "claim"),
    ("资格认定", "eligibility recognition"),
    ("发放", "payment"),
    ("年度核验", "annual verification"),
    ("变更", "change"),
];

const RECORD_ACTIONS: &[(&str, &str)] = &[
    ("登记", "registration"),
    ("变更登记", "change registration"),
    ("注销登记", "deregistration"),
    ("信息查询", "record query"),
    ("证明开具", "certificate issuance"),
    ("补办", "replacement"),
];

/// Same number of actions for every kind, so the name space is a plain product.
const ACTIONS_PER_KIND: usize = 6;

/// Qualifiers appended once the name space is used up (more than 30,000 matters).
const ROUND_SUFFIXES: &[(&str, &str)] = &[
    ("（跨省通办）", " (inter-provincial)"),
    ("（全程网办）", " (fully online)"),
    ("（告知承诺）", " (by commitment)"),
    ("（帮办代办）", " (assisted)"),
    ("（容缺受理）", " (accepted with pending materials)"),
];

fn groups(s: &Subject) -> &'static [(&'static str, &'static str)] {
    if PLAIN_SUBJECTS.contains(&s.zh) {
        return &[("", "")];
    }
    match s.who {
        Who::Citizen => CITIZEN_GROUPS,
        Who::Enterprise => ENTERPRISE_GROUPS,
        Who::Both => BOTH_GROUPS,
    }
}

fn actions(kind: Kind) -> &'static [(&'static str, &'static str)] {
    match kind {
        Kind::Permit => PERMIT_ACTIONS,
        Kind::Benefit => BENEFIT_ACTIONS,
        Kind::Record => RECORD_ACTIONS,
    }
}

/// splitmix64: a tiny, well-mixed deterministic generator.
struct Mix(u64);

impl Mix {
    fn new(seed: u64) -> Self {
        Self(seed ^ 0x6f6e_6567_6f2d_7379) // "onego-sy"
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A value in `0..n`; `n` must not be 0.
    fn below(&mut self, n: usize) -> usize {
        // n is small; the modulo bias is irrelevant here.
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() { None } else { items.get(self.below(items.len())) }
    }
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// A bijection of `0..total` that scatters neighbouring indices: a mix of multiplications by odd constants and
/// xor-shifts (each invertible on `bits` bits), walked until the value falls inside the range.
fn permute(x: u64, total: u64) -> u64 {
    if total <= 1 {
        return 0;
    }
    let bits = 64 - (total - 1).leading_zeros();
    let mask = if bits >= 64 { u64::MAX } else { (1u64 << bits) - 1 };
    let shift = (bits / 2).max(1);
    let round = |mut y: u64| {
        y = y.wrapping_mul(0x9e37_79b9_7f4a_7c15) & mask;
        y ^= y >> shift;
        y = y.wrapping_add(0x5851_f42d) & mask;
        y = y.wrapping_mul(0xbf58_476d_1ce4_e5b9) & mask;
        y ^ (y >> shift)
    };
    let mut y = round(x);
    while y >= total {
        y = round(y);
    }
    y
}

fn field(key: &str, label: &str, label_en: &str, kind: FieldKind, source: &str) -> FieldDef {
    FieldDef {
        key: key.to_owned(),
        label: label.to_owned(),
        label_en: label_en.to_owned(),
        kind,
        required: true,
        pattern: None,
        options: Vec::new(),
        max_len: None,
        source: Some(source.to_owned()),
        help: String::new(),
        checks: Vec::new(),
    }
}

fn base_fields(who: Who) -> Vec<FieldDef> {
    match who {
        Who::Enterprise => vec![
            field("company.name", "企业名称", "Company name", FieldKind::Text, "profile.company.name"),
            field(
                "company.credit_code",
                "统一社会信用代码",
                "Unified social credit code",
                FieldKind::CreditCode,
                "profile.company.credit_code",
            ),
            field("applicant.phone", "联系电话", "Contact phone", FieldKind::Phone, "profile.phone"),
        ],
        Who::Citizen | Who::Both => vec![
            field("applicant.name", "申请人姓名", "Applicant's name", FieldKind::Text, "profile.name"),
            field(
                "applicant.id_number",
                "申请人身份证号码",
                "Applicant's ID number",
                FieldKind::IdNumber,
                "profile.id_number",
            ),
            field("applicant.phone", "联系电话", "Contact phone", FieldKind::Phone, "profile.phone"),
        ],
    }
}

/// Optional fields, in a fixed ring; a matter takes a run of up to three of them.
fn extra_fields(who: Who) -> Vec<FieldDef> {
    let mut reason = field("detail.reason", "申请事由", "Reason for the application", FieldKind::Text, "applicant");
    reason.max_len = Some(300);
    let mut delivery =
        field("detail.delivery", "结果领取方式", "How to receive the result", FieldKind::Choice, "applicant");
    delivery.options = vec!["电子证照".to_owned(), "窗口领取".to_owned(), "邮寄送达".to_owned()];
    let mut amount = field("detail.amount", "申请金额（元）", "Amount requested (CNY)", FieldKind::Number, "applicant");
    amount.required = false;
    let date = field("detail.date", "期望办理日期", "Preferred date", FieldKind::Date, "applicant");
    let bank = field("bank.account", "银行账号", "Bank account number", FieldKind::BankAccount, "applicant");
    match who {
        Who::Enterprise => {
            let mut address =
                field("company.address", "住所（经营场所）", "Registered address", FieldKind::Address, "applicant");
            address.max_len = Some(120);
            vec![
                address,
                field(
                    "legal_rep.name",
                    "法定代表人姓名",
                    "Legal representative's name",
                    FieldKind::Text,
                    "profile.name",
                ),
                reason,
                bank,
                delivery,
                amount,
            ]
        }
        Who::Citizen | Who::Both => {
            let mut address =
                field("applicant.address", "联系地址", "Contact address", FieldKind::Address, "profile.address");
            address.max_len = Some(100);
            vec![address, reason, delivery, bank, date, amount]
        }
    }
}

fn materials(mix: &mut Mix, s: &Subject, count: usize) -> Vec<MaterialDef> {
    let first = match s.who {
        Who::Enterprise => MaterialDef {
            id: "business-licence".to_owned(),
            name: "营业执照".to_owned(),
            required: true,
            sources: vec![
                MaterialSource::Licence { vct: "urn:cn:licence:business".to_owned() },
                MaterialSource::SharedData { registry: "business".to_owned() },
                MaterialSource::Upload,
            ],
            note: "电子营业执照可免交".to_owned(),
        },
        Who::Citizen | Who::Both => MaterialDef {
            id: "id-card".to_owned(),
            name: "申请人居民身份证".to_owned(),
            required: true,
            sources: vec![
                MaterialSource::Licence { vct: "urn:cn:licence:resident-id".to_owned() },
                MaterialSource::Upload,
            ],
            note: "电子身份证可免交".to_owned(),
        },
    };
    let shared = MaterialDef {
        id: "shared-record".to_owned(),
        name: format!("{}相关信息", s.zh),
        required: true,
        sources: vec![MaterialSource::SharedData { registry: s.registry.to_owned() }],
        note: "由部门通过数据共享获取，无需提交".to_owned(),
    };
    let paper = if mix.below(3) == 0 {
        MaterialDef {
            id: "commitment".to_owned(),
            name: format!("{}告知承诺书", s.zh),
            required: true,
            sources: vec![MaterialSource::Commitment],
            note: "以书面承诺代替证明材料，作出不实承诺的将依法处理".to_owned(),
        }
    } else {
        MaterialDef {
            id: "application".to_owned(),
            name: "申请表".to_owned(),
            required: mix.below(2) == 0,
            sources: vec![MaterialSource::Upload],
            note: String::new(),
        }
    };
    [first, shared, paper].into_iter().take(count).collect()
}

fn situations(mix: &mut Mix, s: &Subject, action: &str) -> Vec<Situation> {
    let mut out = vec![Situation {
        id: "first".to_owned(),
        name: "首次办理".to_owned(),
        description: format!("首次申请{}{}", s.zh, action),
    }];
    if mix.below(2) == 0 {
        let (id, name, description) = match mix.below(3) {
            0 => ("change", "信息变更后办理", "已办理后登记信息发生变化的"),
            1 => ("proxy", "委托代办", "委托他人或代理机构代为办理的"),
            _ => ("cross-region", "跨区域通办", "户籍地或注册地不在本地、在本地提出申请的"),
        };
        out.push(Situation { id: id.to_owned(), name: name.to_owned(), description: description.to_owned() });
    }
    out
}

/// Generates `n` synthetic matters, `syn-00000` … , spread over `departments` and `halls`.
///
/// Pure and deterministic: the same arguments always give the same matters. With no departments, each matter
/// names its subject's natural department id; with no halls, matters list none.
#[must_use]
pub fn synthetic_matters(n: usize, departments: &[Department], halls: &[ServiceHall]) -> Vec<Matter> {
    // Every (subject, group) pair; the name space is regions × pairs × actions.
    let pairs: Vec<(&Subject, &(&str, &str))> =
        SUBJECTS.iter().flat_map(|s| groups(s).iter().map(move |g| (s, g))).collect();
    let total = (REGIONS.len() * pairs.len() * ACTIONS_PER_KIND) as u64;
    let width = n.saturating_sub(1).to_string().len().max(5);
    // General halls (行政服务中心, 市民中心) take any matter; special ones (婚姻登记处, 车管所) are left to their own.
    let general: Vec<&ServiceHall> = {
        let g: Vec<&ServiceHall> =
            halls.iter().filter(|h| h.name.contains("服务中心") || h.name.contains("市民中心")).collect();
        if g.is_empty() { halls.iter().collect() } else { g }
    };

    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let index = i as u64;
        let mut mix = Mix::new(index);
        let slot = permute(index % total, total);
        let round = index / total;
        let slot = slot as usize;
        let action_ix = slot % ACTIONS_PER_KIND;
        let rest = slot / ACTIONS_PER_KIND;
        let Some(&(s, &(group, group_en))) = pairs.get(rest % pairs.len()) else { continue };
        let Some(&(region_code, region, region_en)) = REGIONS.get(rest / pairs.len() % REGIONS.len()) else {
            continue;
        };
        let Some(&(action, action_en)) = actions(s.kind).get(action_ix) else { continue };

        let mut name = format!("{region}{group}{}{action}", s.zh);
        let mut name_en = format!("{} {action_en}", capitalized(s.en));
        if !group_en.is_empty() {
            name_en.push_str(" for ");
            name_en.push_str(group_en);
        }
        name_en.push_str(&format!(" ({region_en})"));
        if round > 0 {
            let r = (round - 1) as usize;
            if let Some(&(suffix, suffix_en)) = ROUND_SUFFIXES.get(r % ROUND_SUFFIXES.len()) {
                name.push_str(suffix);
                name_en.push_str(suffix_en);
            }
            if r >= ROUND_SUFFIXES.len() {
                let batch = r / ROUND_SUFFIXES.len() + 1;
                name.push_str(&format!("（第{batch}批）"));
                name_en.push_str(&format!(" (batch {batch})"));
            }
        }

        let department =
            s.depts.iter().find_map(|id| departments.iter().find(|d| d.id == *id)).or_else(|| mix.pick(departments));
        let department_id =
            department.map_or_else(|| s.depts.first().copied().unwrap_or("zwfw").to_owned(), |d| d.id.clone());
        let department_name = department.map_or("主管部门", |d| d.name.as_str());

        // Halls: one in the matter's region when there is one, plus up to two others.
        let mut hall_ids: Vec<String> = Vec::new();
        let local: Vec<&ServiceHall> = general.iter().copied().filter(|h| h.region == region_code).collect();
        if let Some(h) = mix.pick(&local) {
            hall_ids.push(h.id.clone());
        }
        let wanted = 1 + mix.below(3);
        for _ in 0..4 {
            if hall_ids.len() >= wanted {
                break;
            }
            if let Some(h) = mix.pick(&general)
                && !hall_ids.contains(&h.id)
            {
                hall_ids.push(h.id.clone());
            }
        }

        const LEGAL: [u32; 6] = [5, 10, 15, 20, 30, 60];
        const SHARE: [u32; 5] = [0, 20, 30, 50, 60];
        let legal_limit_days = LEGAL[mix.below(LEGAL.len())];
        let promised_limit_days = legal_limit_days * SHARE[mix.below(SHARE.len())] / 100;
        let visits = u32::from(mix.below(10) >= 8);
        let online = visits == 0 || mix.below(2) == 0;
        let fee = if s.kind == Kind::Permit && mix.below(10) == 0 {
            "工本费10元".to_owned()
        } else {
            "不收费".to_owned()
        };

        let mut fields = base_fields(s.who);
        let ring = extra_fields(s.who);
        let extra = mix.below(4);
        let start = mix.below(ring.len());
        fields.extend(ring.iter().cycle().skip(start).take(extra).cloned());

        let material_count = 1 + mix.below(3);
        let materials = materials(&mut mix, s, material_count);
        let situations = situations(&mut mix, s, action);

        let mut keywords: Vec<String> = s.keywords.iter().map(|k| (*k).to_owned()).collect();
        for k in [s.zh, action, region, group] {
            if !k.is_empty() && keywords.len() < 6 && !keywords.iter().any(|x| x == k) {
                keywords.push(k.to_owned());
            }
        }

        let who_zh = match s.who {
            Who::Citizen => "居民",
            Who::Enterprise => "企业",
            Who::Both => "个人和企业",
        };
        let timing = if promised_limit_days == 0 {
            "材料齐全、信息核验一致的即时办结".to_owned()
        } else {
            format!("承诺{promised_limit_days}个工作日内办结")
        };
        let whom = if group.is_empty() { who_zh } else { group };
        let summary = format!(
            "{region}符合条件的{whom}可通过“浙里办”在线办理{}{action}，由{department_name}审核办理，{timing}。",
            s.zh
        );
        let audience = match s.who {
            Who::Citizen => vec!["citizen".to_owned()],
            Who::Enterprise => vec!["enterprise".to_owned()],
            Who::Both => vec!["citizen".to_owned(), "enterprise".to_owned()],
        };
        let instant = promised_limit_days == 0 && s.kind != Kind::Permit;

        out.push(Matter {
            id: format!("syn-{i:0width$}"),
            name,
            name_en,
            department_id,
            category: s.category.to_owned(),
            audience,
            summary,
            keywords,
            legal_limit_days,
            promised_limit_days,
            visits,
            online,
            fee,
            legal_basis: s.basis.to_owned(),
            situations,
            fields,
            materials,
            hall_ids,
            instant,
            issues: Vec::new(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn departments() -> Vec<Department> {
        [
            ("gaj", "杭州市公安局"),
            ("rsj", "杭州市人力资源和社会保障局"),
            ("mzj", "杭州市民政局"),
            ("swj", "国家税务总局杭州市税务局"),
        ]
        .iter()
        .map(|(id, name)| Department {
            id: (*id).to_owned(),
            name: (*name).to_owned(),
            name_en: (*id).to_owned(),
            phone: "0571-12345".to_owned(),
        })
        .collect()
    }

    fn halls() -> Vec<ServiceHall> {
        [("hall-hz", "330100"), ("hall-xh", "330106"), ("hall-yh", "330110"), ("hall-bj", "330108")]
            .iter()
            .map(|(id, region)| ServiceHall {
                id: (*id).to_owned(),
                name: format!("{id} 行政服务中心"),
                region: (*region).to_owned(),
                address: "浙江省杭州市".to_owned(),
                opening_hours: "周一至周五 9:00-17:00".to_owned(),
                phone: "0571-12345".to_owned(),
            })
            .collect()
    }

    #[test]
    fn deterministic() {
        let (d, h) = (departments(), halls());
        assert_eq!(synthetic_matters(500, &d, &h), synthetic_matters(500, &d, &h));
        // A prefix of a larger run is the smaller run.
        let small = synthetic_matters(50, &d, &h);
        let large = synthetic_matters(500, &d, &h);
        assert_eq!(small, large[..50]);
    }

    #[test]
    fn ids_unique_and_padded() {
        let m = synthetic_matters(10_000, &departments(), &halls());
        assert_eq!(m.len(), 10_000);
        let ids: HashSet<&str> = m.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(ids.len(), m.len());
        assert_eq!(m[0].id, "syn-00000");
        assert_eq!(m[9_999].id, "syn-09999");
    }

    #[test]
    fn names_mostly_unique() {
        let m = synthetic_matters(10_000, &departments(), &halls());
        let names: HashSet<&str> = m.iter().map(|x| x.name.as_str()).collect();
        let names_en: HashSet<&str> = m.iter().map(|x| x.name_en.as_str()).collect();
        assert!(names.len() * 100 >= m.len() * 95, "{} distinct names", names.len());
        assert!(names_en.len() * 100 >= m.len() * 95, "{} distinct English names", names_en.len());
    }

    #[test]
    fn shapes_are_valid() {
        let (d, h) = (departments(), halls());
        let dept_ids: HashSet<&str> = d.iter().map(|x| x.id.as_str()).collect();
        let hall_ids: HashSet<&str> = h.iter().map(|x| x.id.as_str()).collect();
        let mut used_depts = HashSet::new();
        for m in synthetic_matters(2_000, &d, &h) {
            assert!(dept_ids.contains(m.department_id.as_str()), "{}", m.department_id);
            used_depts.insert(m.department_id.clone());
            assert!((1..=3).contains(&m.hall_ids.len()), "{}: {:?}", m.id, m.hall_ids);
            assert!(m.hall_ids.iter().all(|x| hall_ids.contains(x.as_str())));
            assert_eq!(m.hall_ids.iter().collect::<HashSet<_>>().len(), m.hall_ids.len());
            assert!((1..=2).contains(&m.situations.len()));
            assert!((3..=6).contains(&m.fields.len()), "{}: {}", m.id, m.fields.len());
            assert!((1..=3).contains(&m.materials.len()));
            assert!((3..=6).contains(&m.keywords.len()), "{}: {:?}", m.id, m.keywords);
            let keys: HashSet<&str> = m.fields.iter().map(|f| f.key.as_str()).collect();
            assert_eq!(keys.len(), m.fields.len(), "{}", m.id);
            assert!(m.fields.iter().filter(|f| f.kind == FieldKind::Choice).all(|f| !f.options.is_empty()));
            assert!(m.promised_limit_days <= m.legal_limit_days);
            assert!(!m.name.is_empty() && !m.name_en.is_empty() && !m.summary.is_empty());
            assert!(m.name_en.is_ascii(), "{}", m.name_en);
        }
        assert_eq!(used_depts.len(), d.len(), "every department gets matters");
    }

    #[test]
    fn names_read_naturally() {
        let m = synthetic_matters(20, &departments(), &halls());
        for x in &m {
            assert!(REGIONS.iter().any(|(_, r, _)| x.name.starts_with(r)), "{}", x.name);
        }
        // Serializes like any other matter.
        let json = serde_json::to_string(&m).unwrap_or_default();
        assert!(json.contains("syn-00019"));
    }

    #[test]
    fn permute_is_a_bijection() {
        for total in [1u64, 2, 3, 7, 64, 1000, 22_230] {
            let seen: HashSet<u64> = (0..total).map(|x| permute(x, total)).collect();
            assert_eq!(seen.len() as u64, total);
            assert!(seen.iter().all(|&y| y < total));
        }
    }

    #[test]
    fn empty_inputs() {
        assert!(synthetic_matters(0, &departments(), &halls()).is_empty());
        let m = synthetic_matters(100, &[], &[]);
        assert_eq!(m.len(), 100);
        assert!(m.iter().all(|x| x.hall_ids.is_empty() && !x.department_id.is_empty()));
    }

    #[test]
    fn large_runs_stay_unique_past_the_name_space() {
        let m = synthetic_matters(100_001, &[], &[]);
        assert_eq!(m[100_000].id, "syn-100000");
        let names: HashSet<&str> = m.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(names.len(), m.len());
    }
}
