//! The help assistant against its question set: realistic questions with the expected answer, asked offline
//! (after one sync) of a signed-in citizen's phone. The share answered right is reported in the README.
#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use common::{CITIZEN, platform, signed_in};
use onego_core::assistant::AskIntent;
use onego_core::{Intent, OnegoError};

/// What a right answer is about.
enum Expect {
    /// One of these catalog entries.
    Entry(&'static [&'static str]),
    /// A licence of this type the citizen holds (opened in the wallet).
    Held(&'static str),
    /// A licence the citizen does not hold: the answer says so and points to one of these entries.
    NotHeld(&'static [&'static str]),
    /// The citizen's latest application, or that there is none.
    Progress,
    /// The assistant says it does not know and offers 12345.
    DoesNotKnow,
}

use AskIntent::{Fee, Licence, Materials, Phone, Place, Procedure, Progress, TimeLimit, Unknown};
use Expect::{DoesNotKnow, Entry, Held, NotHeld};

const GJJ_WITHDRAW: &[&str] = &["zj-gjj-withdraw-rent", "zj-gjj-withdraw-retire", "zj-gjj-withdraw-purchase"];
const MARRIAGE: &[&str] = &["bundle-marriage", "zj-mzj-marriage-register"];
const BUSINESS: &[&str] = &["bundle-business", "zj-scjgj-business-licence"];
const RETIRE: &[&str] = &["bundle-retirement", "zj-rsj-pension-apply"];
const SSC: &[&str] = &["zj-rsj-ssc-apply", "zj-rsj-ssc-newborn", "zj-rsj-ssc-reissue"];

/// The question set: (question, intent, expected answer).
const QUESTIONS: &[(&str, AskIntent, Expect)] = &[
    // Materials.
    ("生孩子要带什么材料", Materials, Entry(&["bundle-birth"])),
    ("办结婚证需要什么材料", Materials, Entry(MARRIAGE)),
    ("上户口要准备哪些材料", Materials, Entry(&["zj-gaj-hukou-birth", "bundle-birth", "zj-gaj-hukou-move"])),
    ("换身份证要带什么", Materials, Entry(&["zj-gaj-id-card"])),
    ("办护照需要哪些材料", Materials, Entry(&["zj-gaj-passport"])),
    ("开公司要准备什么材料", Materials, Entry(BUSINESS)),
    ("退休要带什么材料", Materials, Entry(RETIRE)),
    ("异地就医备案需要什么材料", Materials, Entry(&["zj-ybj-remote-filing"])),
    ("办居住证要什么材料", Materials, Entry(&["zj-gaj-residence-permit"])),
    ("孩子上小学报名要带什么", Materials, Entry(&["bundle-school", "zj-jyj-school-enroll"])),
    ("领失业金需要什么材料", Materials, Entry(&["zj-rsj-unemployment-benefit"])),
    ("二手房过户需要哪些材料", Materials, Entry(&["zj-ghzyj-transfer-register"])),
    ("办残疾证要带什么材料", Materials, Entry(&["zj-cl-disability-cert"])),
    ("申请低保需要什么材料", Materials, Entry(&["zj-mzj-dibao"])),
    ("开饭店需要准备什么材料", Materials, Entry(&["zj-scjgj-food-business-permit", "bundle-business"])),
    ("生育津贴要带哪些材料", Materials, Entry(&["zj-ybj-maternity-allowance"])),
    // How to.
    ("公积金怎么取", Procedure, Entry(GJJ_WITHDRAW)),
    ("怎么办社保卡", Procedure, Entry(SSC)),
    ("身份证丢了怎么办", Procedure, Entry(&["zj-gaj-id-card", "zj-gaj-temp-id-card"])),
    ("驾照到期了怎么换", Procedure, Entry(&["zj-gaj-driving-renew"])),
    ("新车怎么上牌", Procedure, Entry(&["bundle-car", "zj-gaj-vehicle-register"])),
    ("怎么摇号", Procedure, Entry(&["zj-jtj-car-quota"])),
    ("想去香港怎么办通行证", Procedure, Entry(&["zj-gaj-hk-macau-permit"])),
    ("个税怎么退税", Procedure, Entry(&["zj-swj-iit-annual"])),
    ("老人去世了要办哪些手续", Procedure, Entry(&["bundle-death"])),
    ("怎么申请育儿补贴", Procedure, Entry(&["zj-wjw-childcare-subsidy"])),
    ("产假工资怎么领", Procedure, Entry(&["zj-ybj-maternity-allowance"])),
    ("怎么刻公章", Procedure, Entry(&["zj-gaj-seal-filing"])),
    ("网约车驾驶员证怎么办理", Procedure, Entry(&["zj-jtj-ride-hailing-driver"])),
    ("如何办理准生证", Procedure, Entry(&["zj-wjw-birth-registration"])),
    ("宝宝打疫苗要办什么证", Procedure, Entry(&["zj-wjw-vaccination-cert"])),
    ("宝宝怎么办医保", Procedure, Entry(&["zj-ybj-resident-enroll", "bundle-birth"])),
    ("怎么办老年证", Procedure, Entry(&["zj-wjw-elderly-card"])),
    ("想开个奶茶店怎么办", Procedure, Entry(&["zj-scjgj-food-business-permit", "bundle-business"])),
    ("注销公司的流程", Procedure, Entry(&["zj-scjgj-simple-deregistration"])),
    ("退役军人优待证怎么申请", Procedure, Entry(&["zj-tyjrswj-preferential-card"])),
    ("孩子怎么转学", Procedure, Entry(&["zj-jyj-school-transfer"])),
    ("公积金贷款怎么申请", Procedure, Entry(&["zj-gjj-loan"])),
    ("结婚了户口本要改吗", Procedure, Entry(&["zj-gaj-hukou-marital-update", "bundle-marriage"])),
    ("生孩子", Procedure, Entry(&["bundle-birth"])),
    // Fees.
    ("办护照要多少钱", Fee, Entry(&["zj-gaj-passport"])),
    ("换身份证收费吗", Fee, Entry(&["zj-gaj-id-card"])),
    ("结婚登记要钱吗", Fee, Entry(MARRIAGE)),
    ("办营业执照收费吗", Fee, Entry(BUSINESS)),
    // Time limits.
    ("营业执照多久能办好", TimeLimit, Entry(BUSINESS)),
    ("出生一件事要多长时间", TimeLimit, Entry(&["bundle-birth"])),
    ("公积金提取几天能到账", TimeLimit, Entry(GJJ_WITHDRAW)),
    ("办退休要多久", TimeLimit, Entry(RETIRE)),
    // Places and phones.
    ("身份证在哪里办", Place, Entry(&["zj-gaj-id-card"])),
    ("结婚登记在哪办", Place, Entry(MARRIAGE)),
    ("社保卡去哪里办", Place, Entry(SSC)),
    ("异地就医备案在哪儿办", Place, Entry(&["zj-ybj-remote-filing"])),
    ("取公积金打什么电话", Phone, Entry(GJJ_WITHDRAW)),
    ("办护照的咨询电话", Phone, Entry(&["zj-gaj-passport"])),
    // The wallet.
    ("我的结婚证在哪", Licence, Held("urn:cn:licence:marriage")),
    ("出示一下我的身份证", Licence, Held("urn:cn:licence:resident-id")),
    ("我的户口本在哪里", Licence, Held("urn:cn:licence:household-register")),
    ("亮证身份证", Licence, Held("urn:cn:licence:resident-id")),
    ("我有没有电子结婚证", Licence, Held("urn:cn:licence:marriage")),
    (
        "我的营业执照在哪",
        Licence,
        NotHeld(&["zj-scjgj-business-licence", "bundle-business", "zj-scjgj-individual-business"]),
    ),
    ("打开我的出生证明", Licence, NotHeld(&["zj-wjw-birth-cert"])),
    // Progress.
    ("办到哪一步了", Progress, Expect::Progress),
    ("我的申请进度怎么样", Progress, Expect::Progress),
    ("出生一件事批下来了吗", Progress, Expect::Progress),
    ("审批结果出来了吗", Progress, Expect::Progress),
    // Phrased the way people ask, written after the assistant (kept to measure, not tuned to).
    ("孩子出生后要办哪些证", Procedure, Entry(&["bundle-birth"])),
    ("宝宝出生了医保怎么上", Procedure, Entry(&["zj-ybj-resident-enroll", "bundle-birth"])),
    ("我下个月退休，养老金怎么申请", Procedure, Entry(RETIRE)),
    ("房子过户去哪里办", Place, Entry(&["zj-ghzyj-transfer-register"])),
    ("失业了能领钱吗", Procedure, Entry(&["zj-rsj-unemployment-benefit", "zj-rsj-unemployment-register"])),
    ("外地看病能报销吗", Procedure, Entry(&["zj-ybj-remote-filing"])),
    ("公司不开了怎么注销", Procedure, Entry(&["zj-scjgj-simple-deregistration"])),
    ("刚结婚公积金信息要改吗", Procedure, Entry(&["zj-gjj-info-change", "bundle-marriage"])),
    ("想给爸妈办老年卡", Procedure, Entry(&["zj-wjw-elderly-card"])),
    ("残疾人有什么补贴", Procedure, Entry(&["zj-mzj-disability-subsidy", "zj-cl-assistive-device"])),
    ("车牌摇号怎么报名", Procedure, Entry(&["zj-jtj-car-quota"])),
    ("护照过期了怎么办", Procedure, Entry(&["zj-gaj-passport"])),
    ("开网约车要什么证", Materials, Entry(&["zj-jtj-ride-hailing-driver"])),
    ("我的社保卡能用吗", Licence, Held("urn:cn:licence:social-security-card")),
    ("出生证明办好了没有", Progress, Expect::Progress),
    ("我的营业执照申请到哪了", Progress, Expect::Progress),
    ("补办结婚证", Procedure, Entry(&["zj-mzj-marriage-cert-reissue"])),
    ("离婚要带什么", Materials, Entry(&["zj-mzj-divorce-register"])),
    ("发票怎么领", Procedure, Entry(&["zj-swj-invoice-apply"])),
    ("个体户营业执照怎么办", Procedure, Entry(&["zj-scjgj-individual-business"])),
    ("老人过世了公积金怎么取", Procedure, Entry(&["zj-gjj-withdraw-death", "bundle-death"])),
    ("怎么给孩子起名字", Unknown, DoesNotKnow),
    // Out of scope.
    ("今天天气怎么样", Unknown, DoesNotKnow),
    ("帮我订一张去北京的机票", Unknown, DoesNotKnow),
    ("股票明天会涨吗", Unknown, DoesNotKnow),
    ("附近有什么好吃的", Unknown, DoesNotKnow),
    ("你叫什么名字", Unknown, DoesNotKnow),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_question_set_is_answered_right_offline() -> Result<(), OnegoError> {
    let platform = platform().await;
    let phone = signed_in(&platform.url(), CITIZEN).await;
    phone.app.sync_catalog().await?;
    phone.app.refresh_wallet().await?;
    drop(platform);

    let held = phone.app.licences().await?;
    let mut wrong = Vec::new();
    for (question, intent, expect) in QUESTIONS {
        let a = phone.app.ask((*question).to_owned()).await?;
        let right = a.intent == *intent
            && match expect {
                Entry(ids) => a.subject_id.as_deref().is_some_and(|id| ids.contains(&id)) && !a.fallback,
                Held(vct) => {
                    let local = held.iter().find(|l| l.vct == *vct).map(|l| l.id.clone());
                    local.is_some()
                        && a.subject_id == local
                        && matches!(&a.action, Intent::ShowLicence { id } if Some(id) == local.as_ref())
                }
                NotHeld(ids) => {
                    a.text.contains("还没有") && a.subject_id.as_deref().is_some_and(|id| ids.contains(&id))
                }
                Expect::Progress => !a.fallback && a.text.contains("申请"),
                DoesNotKnow => a.fallback && a.text.contains("12345"),
            };
        if !right {
            wrong.push(format!("{question} → {:?} {:?}: {}", a.intent, a.subject_id, a.text));
        }
    }
    let total = QUESTIONS.len();
    let right = total - wrong.len();
    println!("assistant: {right}/{total} answered right ({:.1} %)", 100.0 * right as f64 / total as f64);
    for w in &wrong {
        println!("  wrong: {w}");
    }
    assert!(total >= 60, "the set keeps at least 60 questions");
    assert!(right * 100 >= total * 90, "{right}/{total} right; wrong:\n{}", wrong.join("\n"));
    Ok(())
}
