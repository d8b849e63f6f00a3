//! Synthetic citizens, families and businesses standing for the shared departmental registries.
//!
//! Everything is derived from fixed tables and the person's index, so every run seeds the same people with
//! the same valid ID numbers and credit codes. None of them is real.

use onego_protocol::api::AccountKind;
use onego_protocol::ids::{ric_check_char, uscc_check_char};
use rusqlite::{Transaction, params};

/// An account documented for testers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestAccount {
    pub phone: &'static str,
    pub kind: AccountKind,
    pub who: &'static str,
}

/// The documented sandbox accounts (dev-mode code: 123456).
#[must_use]
pub fn test_accounts() -> Vec<TestAccount> {
    vec![
        TestAccount {
            phone: "13800000001",
            kind: AccountKind::Citizen,
            who: "陈静, 西湖区, married to 王磊, expecting a child (出生一件事)",
        },
        TestAccount {
            phone: "13800000011",
            kind: AccountKind::Citizen,
            who: "王磊, 陈静's husband, born in 南京 (江苏-issued licences)",
        },
        TestAccount {
            phone: "13800000002",
            kind: AccountKind::Enterprise,
            who: "张伟, legal representative of 杭州云栖数智科技有限公司, opening a new company (企业开办一件事)",
        },
        TestAccount {
            phone: "13800000003",
            kind: AccountKind::Citizen,
            who: "陈建国, 陈静's father, about to retire (退休一件事, 长辈版)",
        },
        TestAccount {
            phone: "13800000004",
            kind: AccountKind::Citizen,
            who: "李秀英, 陈静's mother, retired (长辈版, 亲友代办 by 陈静)",
        },
        TestAccount {
            phone: "13800000005",
            kind: AccountKind::Citizen,
            who: "赵雨桐, 上城区, no company yet: opens a restaurant company (企业开办一件事), then signs in as it",
        },
    ]
}

struct Person {
    subject: String,
    phone: Option<String>,
    name: String,
    male: bool,
    birth: (u16, u8, u8),
    /// Region of the ID number (place of first registration).
    id_region: &'static str,
    /// Region of the current household registration.
    region: &'static str,
    address: String,
    marital: &'static str,
    household: usize,
    due_date: Option<&'static str>,
    working: bool,
}

impl Person {
    fn id_number(&self, index: usize) -> String {
        let (y, m, d) = self.birth;
        // Sequence: odd for men, even for women (GB 11643 §4.3).
        let base = 100 + (index * 37 % 400) * 2;
        let seq = if self.male { base + 1 } else { base };
        let first17 = format!("{}{y:04}{m:02}{d:02}{seq:03}", self.id_region);
        let check = ric_check_char(&first17).unwrap_or('0');
        format!("{first17}{check}")
    }

    fn birth_iso(&self) -> String {
        let (y, m, d) = self.birth;
        format!("{y:04}-{m:02}-{d:02}")
    }
}

const SURNAMES: [&str; 24] = [
    "王", "李", "张", "刘", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高",
    "郑", "梁", "谢", "宋", "唐",
];
const MALE: [&str; 16] = [
    "浩然", "子轩", "建华", "志强", "宇航", "俊杰", "晨阳", "明辉", "国平", "文博", "立新", "海涛", "嘉诚", "振宇",
    "永康", "伟民",
];
const FEMALE: [&str; 16] = [
    "雨萱", "欣怡", "丽娟", "婷婷", "思雨", "晓燕", "佳琪", "秀兰", "梦瑶", "慧敏", "春梅", "雅琴", "紫涵", "玉芬",
    "静怡", "若溪",
];
const CHILD_MALE: [&str; 6] = ["沐辰", "一诺", "梓睿", "奕辰", "宸宇", "子墨"];
const CHILD_FEMALE: [&str; 6] = ["可馨", "语桐", "若汐", "诗涵", "一朵", "安然"];
/// Districts of Hangzhou (GB/T 2260) with a street to live on.
const HOMES: [(&str, &str); 6] = [
    ("330106", "杭州市西湖区文三路"),
    ("330102", "杭州市上城区清泰街"),
    ("330105", "杭州市拱墅区湖墅南路"),
    ("330108", "杭州市滨江区江南大道"),
    ("330110", "杭州市余杭区文一西路"),
    ("330109", "杭州市萧山区市心中路"),
];
/// Banks of the seeded debit cards.
const BANKS: [&str; 4] = ["中国工商银行杭州分行", "中国建设银行杭州分行", "中国农业银行杭州分行", "招商银行杭州分行"];
/// Where people were first registered, including other provinces (their licences come from there).
const BIRTH_REGIONS: [&str; 10] =
    ["330106", "330102", "330105", "330108", "330110", "330381", "320102", "310104", "320583", "340104"];

fn person(
    people: &mut Vec<Person>,
    name: String,
    male: bool,
    birth: (u16, u8, u8),
    id_region: &'static str,
    home: (&'static str, String),
    marital: &'static str,
    household: usize,
) -> usize {
    let index = people.len();
    let age_2026 = 2026 - i32::from(birth.0);
    people.push(Person {
        subject: format!("p{:04}", index + 1),
        phone: None,
        name,
        male,
        birth,
        id_region,
        region: home.0,
        address: home.1,
        marital,
        household,
        due_date: None,
        working: (20..60).contains(&age_2026),
    });
    index
}

/// Relations as (subject index, relative index, how the subject calls the relative).
type Relations = Vec<(usize, usize, &'static str)>;

fn family(people: &[Person], rel: &mut Relations, husband: usize, wife: usize, children: &[usize]) {
    rel.push((husband, wife, "配偶"));
    rel.push((wife, husband, "配偶"));
    for &c in children {
        for p in [husband, wife] {
            rel.push((p, c, "子女"));
            rel.push((c, p, if people[p].male { "父亲" } else { "母亲" }));
        }
    }
}

#[allow(clippy::too_many_lines, reason = "one table of synthetic people, read top to bottom")]
pub(crate) fn seed(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let mut people: Vec<Person> = Vec::new();
    let mut rel: Relations = Vec::new();
    let mut marriages: Vec<(usize, usize, &'static str)> = Vec::new();

    // Household 0: the documented family expecting a child.
    let home0 = ("330106", "杭州市西湖区文三路 398 号 3 幢 502 室".to_owned());
    let jing = person(&mut people, "陈静".into(), false, (1994, 5, 18), "330106", home0.clone(), "已婚", 0);
    people[jing].phone = Some("13800000001".into());
    people[jing].due_date = Some("2026-12-20");
    let lei = person(&mut people, "王磊".into(), true, (1992, 9, 2), "320102", home0.clone(), "已婚", 0);
    people[lei].phone = Some("13800000011".into());
    family(&people, &mut rel, lei, jing, &[]);
    marriages.push((lei, jing, "2021-10-01"));
    // 陈静's parents, in their own household nearby.
    let home1 = ("330106", "杭州市西湖区翠苑一区 12 幢 201 室".to_owned());
    let jianguo = person(&mut people, "陈建国".into(), true, (1966, 1, 15), "330106", home1.clone(), "已婚", 1);
    people[jianguo].phone = Some("13800000003".into());
    let xiuying = person(&mut people, "李秀英".into(), false, (1964, 8, 9), "330106", home1, "已婚", 1);
    people[xiuying].phone = Some("13800000004".into());
    people[xiuying].working = false;
    family(&people, &mut rel, jianguo, xiuying, &[jing]);
    marriages.push((jianguo, xiuying, "1990-04-28"));

    // Household 2: the business owner.
    let home2 = ("330108", "杭州市滨江区江南大道 3850 号 8 幢 1203 室".to_owned());
    let wei = person(&mut people, "张伟".into(), true, (1985, 11, 23), "330108", home2.clone(), "已婚", 2);
    people[wei].phone = Some("13800000002".into());
    let fang = person(&mut people, "周雅琴".into(), false, (1987, 3, 6), "310104", home2.clone(), "已婚", 2);
    let son = person(&mut people, "张梓睿".into(), true, (2015, 7, 19), "330108", home2, "未婚", 2);
    family(&people, &mut rel, wei, fang, &[son]);
    marriages.push((wei, fang, "2012-05-20"));

    // Households 3..: generated families until there are at least 50 people.
    let mut h = 3usize;
    while people.len() < 56 {
        let k = h * 7;
        let (region, street) = HOMES[h % HOMES.len()];
        let home = (region, format!("{street} {} 号 {} 幢 {} 室", 100 + k * 13 % 800, 1 + k % 12, 101 + k * 7 % 1500));
        let hs = SURNAMES[h % SURNAMES.len()];
        let ws = SURNAMES[(h * 5 + 3) % SURNAMES.len()];
        let hy = 1968 + u16::try_from(h * 3 % 30).unwrap_or(0);
        let month = |x: usize| u8::try_from(1 + x % 12).unwrap_or(1);
        let day = |x: usize| u8::try_from(1 + x % 28).unwrap_or(1);
        let husband = person(
            &mut people,
            format!("{hs}{}", MALE[h % MALE.len()]),
            true,
            (hy, month(h), day(h * 3)),
            BIRTH_REGIONS[h % BIRTH_REGIONS.len()],
            home.clone(),
            "已婚",
            h,
        );
        let wife = person(
            &mut people,
            format!("{ws}{}", FEMALE[(h * 3) % FEMALE.len()]),
            false,
            (hy + 2, month(h + 5), day(h * 5 + 2)),
            BIRTH_REGIONS[(h + 3) % BIRTH_REGIONS.len()],
            home.clone(),
            "已婚",
            h,
        );
        let mut children = Vec::new();
        for c in 0..(h % 3) {
            let male = (h + c).is_multiple_of(2);
            let names = if male { &CHILD_MALE } else { &CHILD_FEMALE };
            let cy = (hy + 26 + u16::try_from(c * 3).unwrap_or(0)).min(2025);
            children.push(person(
                &mut people,
                format!("{hs}{}", names[(h + c) % names.len()]),
                male,
                (cy, month(h + c + 2), day(h + c * 9)),
                region,
                home.clone(),
                "未婚",
                h,
            ));
        }
        family(&people, &mut rel, husband, wife, &children);
        marriages.push((husband, wife, "2000-01-01"));
        if h.is_multiple_of(4) {
            // A widowed parent of the husband lives with them.
            let elder = person(
                &mut people,
                format!("{hs}{}", MALE[(h + 7) % MALE.len()]),
                true,
                (hy - 27, month(h + 1), day(h + 11)),
                region,
                home.clone(),
                "丧偶",
                h,
            );
            rel.push((husband, elder, "父亲"));
            rel.push((elder, husband, "子女"));
        }
        if h % 5 == 1 {
            people[husband].phone = Some(format!("1390000{:04}", h * 10 + 1));
            people[wife].phone = Some(format!("1390000{:04}", h * 10 + 2));
        }
        h += 1;
    }
    // The documented would-be restaurateur, in a household of her own; added last so everyone else keeps the
    // same identifiers.
    let home = ("330102", "杭州市上城区清泰街 218 号 2 幢 601 室".to_owned());
    let yutong = person(&mut people, "赵雨桐".into(), false, (1996, 3, 12), "330102", home, "未婚", h);
    people[yutong].phone = Some("13800000005".into());

    let mut insert = tx.prepare(
        "INSERT INTO person (subject, phone, id_number, name, gender, birth_date, ethnicity, address, region,
                             marital_status, household_id, expecting_due_date)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, '汉族', ?7, ?8, ?9, ?10, ?11)",
    )?;
    let mut ss = tx.prepare(
        "INSERT INTO social_security (subject, card_no, insured_since, scheme, employer) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut pf = tx.prepare(
        "INSERT INTO provident_fund (subject, account, balance_cents, monthly_cents, status, opened_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (i, p) in people.iter().enumerate() {
        insert.execute(params![
            p.subject,
            p.phone,
            p.id_number(i),
            p.name,
            if p.male { "男" } else { "女" },
            p.birth_iso(),
            p.address,
            p.region,
            p.marital,
            format!("hh{:03}", p.household),
            p.due_date,
        ])?;
        let age = 2026 - i32::from(p.birth.0);
        if age >= 18 {
            let scheme = if p.working { "职工基本养老保险" } else { "城乡居民基本养老保险" };
            let employer =
                p.working.then(|| format!("杭州市{}有限公司", ["西湖电子", "之江软件", "钱塘物流", "良渚文旅"][i % 4]));
            ss.execute(params![
                p.subject,
                format!("A{:08}", 30_000_000 + i * 7919),
                format!("{}-07-01", p.birth.0 + 22),
                scheme,
                employer
            ])?;
        }
        if p.working {
            let balance = i64::try_from(2_000_000 + i * 1_234_567 % 20_000_000).unwrap_or(0);
            let monthly = i64::try_from(150_000 + i * 3_331 % 300_000).unwrap_or(0);
            pf.execute(params![
                p.subject,
                format!("0101{:08}", 10_000_000 + i * 104_729),
                balance,
                monthly,
                "正常缴存",
                format!("{}-03-01", p.birth.0 + 23)
            ])?;
        }
    }
    // A debit card in their own name for every adult with an account (payouts go to the applicant's own card):
    // 19 digits, `6222` then 330000000000000 + 7919 × the subject's number (p0001 → 6222330000000007919).
    let mut bank = tx.prepare("INSERT INTO bank_account (account, holder, bank) VALUES (?1, ?2, ?3)")?;
    for (i, p) in people.iter().enumerate().filter(|(_, p)| p.phone.is_some() && 2026 - i32::from(p.birth.0) >= 18) {
        let n = u64::try_from(i + 1).unwrap_or(0);
        bank.execute(params![
            format!("6222{:015}", 330_000_000_000_000 + n * 7_919),
            p.subject,
            BANKS[i % BANKS.len()]
        ])?;
    }
    let mut r = tx.prepare("INSERT INTO relation (subject, relative, relation) VALUES (?1, ?2, ?3)")?;
    for (s, o, how) in &rel {
        r.execute(params![people[*s].subject, people[*o].subject, how])?;
    }
    let mut m = tx.prepare(
        "INSERT INTO marriage (id, husband, wife, registered_on, office) VALUES (?1, ?2, ?3, ?4, '杭州市西湖区民政局婚姻登记处')",
    )?;
    for (i, (hb, wf, on)) in marriages.iter().enumerate() {
        m.execute(params![format!("m{:03}", i + 1), people[*hb].subject, people[*wf].subject, on])?;
    }
    seed_companies(tx, &people, wei)?;
    Ok(())
}

/// The maternal-health registry: 陈静 (13800000001) delivered a girl two days before `today` (the seeding day), so
/// 出生一件事 can be done end to end on any day the sandbox is started.
pub(crate) fn seed_deliveries(tx: &Transaction<'_>, today: &str) -> rusqlite::Result<()> {
    let days = onego_protocol::time::iso_days(today).unwrap_or(0);
    let born = onego_protocol::time::date_from_unix_days(days - 2);
    tx.execute(
        "INSERT INTO delivery_record (id, mother, child_gender, birth_date, birth_place, hospital, reported_at)
         SELECT 'dr0001', subject, '女', ?1, '浙江省杭州市上城区', '浙江大学医学院附属妇产科医院', 0
         FROM person WHERE phone = '13800000001'",
        params![born],
    )?;
    Ok(())
}

/// GB 32100 code: registration authority 9 (market regulation), type 1 (enterprise), region, organisation code.
fn credit_code(region: &str, org: &str) -> String {
    let first17 = format!("91{region}{org}");
    let check = uscc_check_char(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

fn seed_companies(tx: &Transaction<'_>, people: &[Person], owner: usize) -> rusqlite::Result<()> {
    const COMPANIES: [(&str, &str, &str, &str, &str, &str); 10] = [
        (
            "杭州云栖数智科技有限公司",
            "330108",
            "MA2KC7H0X",
            "有限责任公司（自然人投资或控股）",
            "500万元",
            "软件开发；信息技术咨询服务；数据处理服务",
        ),
        (
            "杭州西溪茶语餐饮管理有限公司",
            "330106",
            "MA2H4B1L6",
            "有限责任公司（自然人独资）",
            "50万元",
            "餐饮服务；食品销售；茶具销售",
        ),
        (
            "浙江钱塘江物流有限公司",
            "330109",
            "MA28N3FQ2",
            "有限责任公司",
            "2000万元",
            "道路货物运输；仓储服务；国内货物运输代理",
        ),
        (
            "杭州良渚文化旅游发展有限公司",
            "330110",
            "MA2B7DKR4",
            "有限责任公司（国有控股）",
            "1亿元",
            "旅游开发；文化活动策划；会议及展览服务",
        ),
        (
            "杭州之江智能装备股份有限公司",
            "330108",
            "MA27WE8T1",
            "股份有限公司（非上市）",
            "8000万元",
            "智能机器人研发；工业自动控制系统装置制造",
        ),
        (
            "杭州拱宸桥书店有限公司",
            "330105",
            "MA2J6GM83",
            "有限责任公司（自然人投资或控股）",
            "30万元",
            "图书零售；文具用品零售；咖啡饮品",
        ),
        (
            "杭州湖滨健康药房有限公司",
            "330102",
            "MA2D9PU55",
            "有限责任公司",
            "100万元",
            "药品零售；医疗器械经营；保健食品销售",
        ),
        (
            "杭州余杭绿源农业科技有限公司",
            "330110",
            "MA2F1XY97",
            "有限责任公司（自然人投资或控股）",
            "300万元",
            "农业技术推广；蔬菜种植；农产品初加工",
        ),
        ("杭州上城小河直街便利店", "330102", "MA2L3QN06", "个人独资企业", "10万元", "日用百货销售；预包装食品销售"),
        (
            "杭州萧山宝盛汽车服务有限公司",
            "330109",
            "MA2E5RT48",
            "有限责任公司",
            "200万元",
            "机动车维修；二手车经纪；汽车零配件零售",
        ),
    ];
    let mut company = tx.prepare(
        "INSERT INTO company (credit_code, name, address, kind, registered_capital, scope, established_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut role = tx.prepare("INSERT INTO company_role (subject, credit_code, role) VALUES (?1, ?2, '法定代表人')")?;
    // The documented test accounts act for no company but their own (张伟's): their wallets and plans stay as
    // documented whatever else is seeded.
    let adults: Vec<usize> =
        (0..people.len()).filter(|&i| people[i].working && i != owner && people[i].phone.is_none()).collect();
    for (i, (name, region, org, kind, capital, scope)) in COMPANIES.iter().enumerate() {
        let code = credit_code(region, org);
        let address = format!("{}（注册地址）", HOMES.iter().find(|h| h.0 == *region).map_or("杭州市", |h| h.1));
        company.execute(params![
            code,
            name,
            address,
            kind,
            capital,
            scope,
            format!("{}-0{}-1{}", 2016 + i, 1 + i % 9, i)
        ])?;
        let rep = if i == 0 { owner } else { adults[(i * 5) % adults.len().max(1)] };
        role.execute(params![people[rep].subject, code])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use onego_protocol::ids::{CreditCode, IdNumber};

    #[test]
    fn every_seeded_identifier_is_valid_and_unique() {
        let mut conn = rusqlite::Connection::open_in_memory().expect("db");
        crate::db::init(&mut conn).expect("schema");
        let tx = conn.transaction().expect("tx");
        super::seed(&tx).expect("seed");
        tx.commit().expect("commit");
        let ids: Vec<String> = conn
            .prepare("SELECT id_number FROM person")
            .expect("q")
            .query_map([], |r| r.get(0))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("ids");
        assert!(ids.len() >= 50, "{} citizens", ids.len());
        for id in &ids {
            IdNumber::parse(id).unwrap_or_else(|e| panic!("seeded ID number invalid: {e}"));
        }
        let unique: std::collections::HashSet<_> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len());
        let codes: Vec<String> = conn
            .prepare("SELECT credit_code FROM company")
            .expect("q")
            .query_map([], |r| r.get(0))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("codes");
        assert_eq!(codes.len(), 10);
        for c in &codes {
            CreditCode::parse(c).unwrap_or_else(|e| panic!("seeded credit code {c} invalid: {e}"));
        }
        for phone in ["13800000001", "13800000002", "13800000003", "13800000004", "13800000005", "13800000011"] {
            let n: i64 =
                conn.query_row("SELECT count(*) FROM person WHERE phone = ?1", [phone], |r| r.get(0)).expect("phone");
            assert_eq!(n, 1, "test account {phone}");
        }
        let rep: String = conn
            .query_row(
                "SELECT p.phone FROM company_role r JOIN person p ON p.subject = r.subject
                 JOIN company c ON c.credit_code = r.credit_code WHERE c.name = '杭州云栖数智科技有限公司'",
                [],
                |r| r.get(0),
            )
            .expect("owner");
        assert_eq!(rep, "13800000002");
    }
}
