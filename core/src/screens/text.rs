//! Every text the screens say, zh-CN and en side by side, so neither language can miss one. Catalog and wallet
//! data (matter names, claim values) come from the data itself; only the wording around it lives here.
//!
//! `{0}`, `{1}` … are filled in by `Ctx::f`; both languages use the same placeholders.

use crate::i18n::Locale;
use crate::screens::ScreenName;

macro_rules! texts {
    ($($name:ident: $zh:literal, $en:literal;)+) => {
        /// A text of the screens.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub(crate) enum T { $($name,)+ }

        impl T {
            /// Every text, for completeness checks.
            #[cfg_attr(not(test), allow(dead_code))]
            pub(crate) const ALL: &'static [T] = &[$(T::$name,)+];

            fn pair(self) -> (&'static str, &'static str) {
                match self { $(T::$name => ($zh, $en),)+ }
            }
        }
    };
}

texts! {
    // Titles.
    TitleHome: "首页", "Home";
    TitleSignIn: "登录", "Sign in";
    TitleProfile: "我的信息", "My details";
    TitleSearch: "搜索", "Search";
    TitleAssistant: "智能问答", "Ask a question";
    TitleGuide: "办事指南", "Service guide";
    TitleWizard: "回答几个问题", "A few questions";
    TitlePlan: "办理方案", "Your plan";
    TitleDrafts: "草稿", "Drafts";
    TitleApplications: "办事进度", "My applications";
    TitleWallet: "我的证照", "My licences";
    TitleWalletElder: "我的证件", "My documents";
    TitleLicence: "证照详情", "Licence";
    TitlePresent: "出示证照", "Show a licence";
    TitleVerifier: "核验证照", "Check a licence";
    TitleUsageLog: "用证记录", "Licence use record";
    TitleReviews: "评价", "Reviews";
    TitleDelegations: "亲友代办", "Family help";
    TitleNotifications: "消息", "Messages";
    TitleSettings: "设置", "Settings";

    // Shared.
    Loading: "正在加载…", "Loading...";
    LoadingSpeak: "正在加载，请稍候。", "Loading, please wait.";
    CueOffline: "离线", "Offline";
    CueError: "出错了", "Something went wrong";
    CueAttention: "请留意", "Please note";
    TryAgain: "再试一次", "Try again";
    GoHome: "回到首页", "Go to the home screen";
    GoSignIn: "去登录", "Sign in";
    GoSearch: "找想办的事", "Find a service";
    HelpCall: "打 12345 求助", "Call 12345 for help";
    HelpCallSpeak: "需要帮助，可以拨打 12345 政务服务热线，有人工客服为您解答。",
        "If you need help, call the 12345 government service hotline and a person will answer.";
    ElderOn: "长辈版", "Elder mode";
    ElderOnSpeak: "切换到长辈版：字更大，选项更少，随时可以打电话求助。",
        "Switch to elder mode: larger text, fewer choices, and help by phone at any time.";
    ElderOff: "切换到标准版", "Switch to standard mode";
    ElderOffSpeak: "现在是长辈版。点这里切换回标准版。", "Elder mode is on. Tap here to go back to standard mode.";

    // Home.
    Greeting: "{0}，您好", "Hello, {0}";
    GreetingGuest: "您好！登录后可以在手机上办事、出示证件。", "Hello! Sign in to use services and show your licences.";
    SignIn: "登录", "Sign in";
    SearchHint: "想办什么事？例如：生孩子、退休、社保卡", "What do you need? For example: new baby, retirement";
    SearchHintSpeak: "搜索框。说出或输入想办的事，例如生孩子、退休、社保卡。",
        "Search box. Say or type what you need, for example new baby or retirement.";
    WalletCount: "证照夹里有 {0} 张证照", "{0} licences in your wallet";
    WalletAttention: "有 {0} 张证照需要留意，点这里查看。", "{0} licences need your attention. Tap to see them.";
    BundlesHeading: "一件事一次办", "All in one go";
    BundleItemSpeak: "{0}。一件事，多个部门的事项一次办好。", "{0}. Several services of several departments, done in one go.";
    MatterItemSpeak: "{0}。办事指南。", "{0}. Service guide.";
    CatalogMissing: "办事目录还没有下载到手机上。联网后点「更新目录」。",
        "The service list is not on this phone yet. When you are online, tap Update the service list.";
    SyncCatalog: "更新目录", "Update the service list";
    TilePension: "养老金、退休", "Pension and retirement";
    TileMedical: "医保", "Medical insurance";
    TileSsCard: "社保卡", "Social security card";
    TileLicences: "我的证件", "My documents";
    TileProgress: "办事进度", "My applications";
    TileFamily: "找家人帮忙", "Ask my family";
    TileSpeak: "{0}。点一下进入。", "{0}. Tap to open.";
    QueryPension: "退休", "pension";
    QueryMedical: "医保", "medical insurance";
    QuerySsCard: "社保卡", "social security card";

    // Sign-in.
    SignInIntro: "用手机号和短信验证码登录。", "Sign in with your mobile number and a code sent by text message.";
    SignInIntroElder: "请输入手机号，我们会发一条短信验证码给您。",
        "Enter your mobile number and we will send you a code by text message.";
    PhoneField: "手机号", "Mobile number";
    PhoneFieldSpeak: "手机号输入框，请输入 11 位手机号。", "Mobile number box. Enter your 11-digit mobile number.";
    SendCode: "获取验证码", "Send me a code";
    CodeField: "短信验证码", "Code from the text message";
    CodeFieldSpeak: "验证码输入框，请输入短信里的 6 位数字。", "Code box. Enter the 6 digits from the text message.";

    // Profile.
    ProfileNone: "还没有登录。登录后这里会显示您的信息。", "You are not signed in. Sign in to see your details here.";
    ProfileId: "身份证号：{0}", "ID number: {0}";
    ProfilePhone: "手机号：{0}", "Mobile: {0}";
    ProfileAddress: "户籍地址：{0}", "Registered address: {0}";
    ProfileMarital: "婚姻状况：{0}", "Marital status: {0}";
    ProfileFamily: "家庭成员", "Family";
    ProfileRelative: "{0}：{1}（家庭成员）", "{0}: {1} (family)";
    ProfileCompany: "{0}：{1}（企业）", "{0}: {1} (company)";
    SignOut: "退出登录", "Sign out";

    // Settings.
    TextSizeHeading: "字号大小", "Text size";
    TextScale: "字号 {0}%", "Text size {0}%";
    TextScaleChosen: "字号 {0}%，已选中。", "Text size {0}%, selected.";
    LanguageHeading: "语言", "Language";
    LanguageZhSpeak: "使用中文。", "Use Chinese.";
    LanguageEnSpeak: "使用英文。", "Use English.";
    VoiceReadOut: "打开页面时朗读内容", "Read each screen aloud";
    VoiceOnSpeak: "朗读已打开，点一下关闭。", "Reading aloud is on. Tap to turn it off.";
    VoiceOffSpeak: "朗读已关闭，点一下打开。", "Reading aloud is off. Tap to turn it on.";

    // Search.
    SearchStart: "请输入想办的事，例如：生孩子、退休、社保卡。",
        "Type what you need, for example: new baby, retirement, social security card.";
    SearchNone: "没有找到和「{0}」有关的事项。换个说法试试，或拨打 12345 咨询。",
        "Nothing found for \"{0}\". Try other words, or call the 12345 hotline.";
    SearchCount: "找到 {0} 项", "{0} found";
    SearchElderMore: "只列出最相关的 {0} 项。", "Showing the {0} closest matches.";
    SearchFor: "搜索「{0}」", "Search for \"{0}\"";
    BundleTag: "{0}（一件事）", "{0} (all in one go)";

    // Guides.
    GuideNone: "手机上没有这项服务的指南。联网更新目录后再试，或重新搜索。",
        "This guide is not on this phone. Update the service list when online, or search again.";
    OnTheSpot: "当场办结", "on the spot";
    WorkingDays: "{0} 个工作日", "{0} working days";
    Promised: "承诺办结时间：{0}", "Promised time: {0}";
    Visits: "跑动次数：{0} 次", "Visits in person: {0}";
    VisitsElder: "需要跑 {0} 趟", "You need to go in person {0} times";
    NoVisitElder: "在手机上就能办，不用跑", "Can be done on the phone, no need to go anywhere";
    Fee: "收费：{0}", "Fee: {0}";
    FeeElder: "费用：{0}", "Cost: {0}";
    Online: "可以在手机上办理", "Can be done on the phone";
    InPerson: "需要到窗口办理", "Must be done at a service counter";
    Materials: "申请材料（{0} 份）", "Documents needed ({0})";
    SourceLicence: "用电子证照，不用交纸质材料", "shown from your e-licences, no paper needed";
    SourceShared: "部门自己调取，不用您提供", "fetched by the department, nothing to bring";
    SourceCommitment: "签一份承诺书即可", "a signed commitment is enough";
    SourceUpload: "需要拍照上传", "upload a photo";
    Halls: "线下办事地点", "Where to go in person";
    HallLine: "{0}，地址：{1}，办公时间：{2}", "{0}, address: {1}, opening hours: {2}";
    InBundle: "在「{0}」中一次办好", "Do it with the others in \"{0}\"";
    Department: "办理部门：{0}", "Department: {0}";
    CallDepartment: "打电话咨询 {0}", "Call {0} to ask";
    CallDepartmentSpeak: "打电话给{0}咨询，电话 {1}。", "Call {0} to ask, number {1}.";
    LegalBasis: "设定依据：{0}", "Legal basis: {0}";
    BundleIntro: "先回答 {0} 个问题，就知道要办哪些事项、要准备什么。",
        "Answer {0} questions to see which services apply and what to prepare.";
    BundleIntroElder: "回答 {0} 个简单的问题，就知道要办哪几件事。",
        "Answer {0} simple questions to find out what needs doing.";
    BundleMemberCount: "一共包括 {0} 个事项。", "It covers {0} services.";
    BundleMembers: "包括的事项（{0} 个）", "Services included ({0})";
    MemberLine: "{0}，由{1}办理", "{0}, by {1}";
    StartBundle: "开始办理", "Start";

    // Wizard.
    WizardNone: "没有找到这件事的引导问题。请重新搜索想办的事。",
        "No questions were found for this. Please search for what you need again.";
    WizardNoQuestions: "这件事不用回答问题。", "No questions are needed for this.";
    WizardIntro: "请回答下面的问题，帮您确定要办哪些事项。", "Answer the questions below to find out which services apply.";
    WizardProgress: "第 {0} 题，共 {1} 题", "Question {0} of {1}";
    Yes: "是", "Yes";
    No: "否", "No";
    AnswerSpeak: "回答：{0}。", "Answer: {0}.";
    DateHint: "请选择日期", "Choose a date";
    NumberHint: "请输入数字", "Enter a number";
    TextHint: "请输入", "Type your answer";
    Confirm: "确定", "OK";
    NextQuestion: "下一题", "Next question";
    PreviousQuestion: "上一题", "Previous question";
    Done: "答完了", "Finished";
    SkipQuestion: "这题不适用，跳过", "Does not apply, skip";
    ShowPlan: "查看办理方案", "See the plan";

    // Waiting for later issues: nothing is there yet.
    AssistantNone: "智能问答还没有开通。您可以直接搜索想办的事，或拨打 12345 咨询。",
        "Questions and answers are not available yet. You can search for what you need, or call 12345.";
    PlanNone: "手机上还不能生成办理方案。可以先看办事指南，或到办事大厅办理。",
        "The plan cannot be made on the phone yet. Read the service guide, or go to a service hall.";
    DraftsNone: "这里还没有草稿。", "There are no drafts here.";
    ApplicationsNone: "您还没有在手机上办理过事项。", "You have not applied for anything on this phone.";
    ReviewsNone: "还没有可以评价的办件。", "There is nothing to review yet.";
    DelegationsNone: "手机上还不能请家人代办。可以请家人在身边帮您操作，或拨打 12345 求助。",
        "Asking family to act for you is not available on the phone yet. A family member can help you in person, or call 12345.";
    NotificationsNone: "没有新消息。", "No new messages.";
    BackToGuide: "看办事指南", "Read the service guide";

    // Wallet.
    StateValid: "有效", "Valid";
    StateValidSay: "这张证照有效，可以出示使用。", "This licence is valid and can be shown.";
    StateExpiring: "快到期", "Expires soon";
    StateExpiringSay: "这张证照快到期了，请及时换领。", "This licence expires soon. Please renew it in time.";
    StateExpired: "已过期", "Expired";
    StateExpiredSay: "这张证照已过期，不能再用。请找发证部门换领。",
        "This licence has expired and cannot be used. Please renew it with the issuing department.";
    StateRevoked: "已注销", "Revoked";
    StateRevokedSay: "这张证照已被发证部门注销，不能使用。", "The issuing department has revoked this licence. It cannot be used.";
    StateSuspended: "暂停使用", "Suspended";
    StateSuspendedSay: "这张证照被暂停使用了，请联系发证部门。",
        "This licence is suspended. Please contact the issuing department.";
    StateUnknown: "待核实", "Not yet checked";
    StateUnknownSay: "还不能确认这张证照的状态。请联网后点「更新证照」。",
        "The status of this licence is not confirmed yet. When online, tap Update licences.";
    WalletNone: "证照夹里还没有证照。登录并联网后，点「领取证照」。",
        "There are no licences yet. Sign in, go online, and tap Get my licences.";
    FetchLicences: "领取证照", "Get my licences";
    RefreshLicences: "更新证照", "Update licences";
    NoEnd: "长期", "no end date";
    LicenceItemSpeak: "{0}，{1}，有效期至 {2}。点一下查看。", "{0}, {1}, valid until {2}. Tap to open.";
    LicenceNote: "{0} · {1} · 有效期至 {2}", "{0} - {1} - valid until {2}";
    CheckDue: "证照状态需要联网更新", "The status needs updating online";
    ScanOthers: "扫码核验别人的证照", "Check someone else's licence";
    LicenceNone: "没有找到这张证照。请回到证照夹重新选择。", "This licence was not found. Please choose it again in your wallet.";
    TrustProblem: "暂时无法确认这张证照可信。请联网点「更新证照」后再试。",
        "This licence cannot be confirmed as genuine right now. Go online, tap Update licences and try again.";
    ValidUntil: "有效期至：{0}", "Valid until: {0}";
    Issuer: "发证机关：{0}（{1}）", "Issued by: {0} ({1})";
    Claims: "证照内容", "What it says";
    CheckedAt: "状态核验时间：{0}", "Status checked: {0}";
    NeverChecked: "状态还没有核验过", "The status has never been checked";
    PresentFor: "出示：{0}", "Show for: {0}";
    PresentElder: "出示给别人看", "Show it to someone";
    PresentSpeak: "出示这张证照，用于{0}。只给对方看需要的信息。", "Show this licence for {0}. Only what is needed is shown.";
    PresentNone: "请先在证照夹里选一张证照。", "Please choose a licence in your wallet first.";
    PresentHeading: "{0} · 用于{1}", "{0} - for {1}";
    QrSpeak: "证照二维码。请让对方扫描。二维码 {0} 秒内有效，过期会自动换新。",
        "Licence QR code. Let the other person scan it. It is valid for {0} seconds and renews by itself.";
    QrTooLong: "内容太多，放不进一个二维码。请少选几项信息。",
        "Too much to fit in one QR code. Please choose fewer items.";
    OnlyShown: "只出示：{0}", "Only shows: {0}";
    OnlyShownElder: "对方只能看到：{0}", "The other person sees only: {0}";
    QrWindow: "二维码 {0} 秒内有效，到时会自动换新，也可以点「换一个二维码」。",
        "The code is valid for {0} seconds and renews by itself; you can also tap New code.";
    NewQr: "换一个二维码", "New code";

    // Verifier.
    VerifierNone: "请扫描对方手机上的证照二维码。", "Scan the licence QR code on the other person's phone.";
    Scan: "扫一扫", "Scan";
    ScanAgain: "再扫一个", "Scan another";
    CuePassed: "核验通过", "Checked";
    CueUnsure: "待确认", "Not fully checked";
    CueFailed: "核验未通过", "Not accepted";
    VerdictValid: "这张证照真实有效，是本人手机出示的。", "This licence is genuine and valid, shown from the holder's own phone.";
    VerdictRevoked: "这张证照已被发证部门注销，不能接受。", "The issuing department has revoked this licence. Do not accept it.";
    VerdictSuspended: "这张证照被暂停使用，不能接受。", "This licence is suspended. Do not accept it.";
    VerdictNoTrustList: "本机还没有信任清单，无法核验。请联网一次后再试。",
        "This phone has no trust list yet, so it cannot check. Go online once and try again.";
    VerdictStatusUnknown: "证照是真的，但本机没有发证部门的最新状态，无法确认是否已注销。请联网更新后再核验。",
        "The licence is genuine, but this phone lacks the issuer's latest status, so revocation cannot be ruled out. Update online and check again.";
    VerdictRefused: "无法确认这张证照是真的，请让对方重新出示。（原因代码：{0}）",
        "This licence could not be confirmed as genuine. Ask for it to be shown again. (Reason code: {0})";
    VerifierStatusDue: "发证部门的状态信息已过期，请联网更新。", "The issuer's status information is out of date. Please update online.";

    // Usage log.
    UsageNone: "还没有用证记录。每次出示证照都会记在这里。", "No licence use yet. Each time you show a licence, it is recorded here.";
    UsageIntro: "每次出示证照都记在这里，记录不能被改动。", "Every time a licence is shown it is recorded here, and the record cannot be changed.";
    UsageLine: "{0} {1}，用于{2}", "{0} {1}, for {2}";
    UsageSpeak: "{0}，{1}，用于{2}，出示给{3}，内容：{4}。", "{0}, {1}, for {2}, shown to {3}, items: {4}.";
    UsageNote: "出示给：{0}；内容：{1}", "Shown to: {0}; items: {1}";
    OfflineScan: "当面扫码", "a scan in person";
}

impl T {
    pub(crate) fn text(self, locale: Locale) -> &'static str {
        let (zh, en) = self.pair();
        match locale {
            Locale::ZhCn => zh,
            Locale::En => en,
        }
    }

    /// A screen's title in the mode.
    pub(crate) fn title(name: ScreenName, elder: bool) -> Self {
        match name {
            ScreenName::Home => Self::TitleHome,
            ScreenName::SignIn => Self::TitleSignIn,
            ScreenName::Profile => Self::TitleProfile,
            ScreenName::Search => Self::TitleSearch,
            ScreenName::Assistant => Self::TitleAssistant,
            ScreenName::Guide => Self::TitleGuide,
            ScreenName::BundleWizard => Self::TitleWizard,
            ScreenName::Plan => Self::TitlePlan,
            ScreenName::Drafts => Self::TitleDrafts,
            ScreenName::Applications => Self::TitleApplications,
            ScreenName::Wallet if elder => Self::TitleWalletElder,
            ScreenName::Wallet => Self::TitleWallet,
            ScreenName::Licence => Self::TitleLicence,
            ScreenName::Present => Self::TitlePresent,
            ScreenName::Verifier => Self::TitleVerifier,
            ScreenName::UsageLog => Self::TitleUsageLog,
            ScreenName::Reviews => Self::TitleReviews,
            ScreenName::Delegations => Self::TitleDelegations,
            ScreenName::Notifications => Self::TitleNotifications,
            ScreenName::Settings => Self::TitleSettings,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn is_cjk(c: char) -> bool {
        matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
    }

    fn placeholders(s: &str) -> Vec<usize> {
        let mut found: Vec<usize> = (0..10).filter(|i| s.contains(&format!("{{{i}}}"))).collect();
        found.sort_unstable();
        found
    }

    #[test]
    fn every_text_exists_in_both_languages_with_the_same_placeholders() {
        for t in T::ALL {
            let (zh, en) = t.pair();
            assert!(!zh.trim().is_empty() && !en.trim().is_empty(), "{t:?} is missing a language");
            assert!(zh.chars().any(is_cjk), "{t:?}: zh-CN has Chinese: {zh}");
            assert!(!en.chars().any(is_cjk), "{t:?}: en has no Chinese: {en}");
            assert_eq!(placeholders(zh), placeholders(en), "{t:?}: placeholders differ");
        }
        for name in ScreenName::ALL {
            assert!(T::ALL.contains(&T::title(name, false)) && T::ALL.contains(&T::title(name, true)));
        }
    }
}
