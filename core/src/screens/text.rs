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
    Satisfaction: "好差评：好评率 {0}%，差评率 {1}%（{2} 条评价）", "Reviews: {0}% good, {1}% bad ({2} reviews)";
    SatisfactionElder: "{0}% 的人说办得好（{2} 人评价）", "{0}% said it went well ({2} reviews)";
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

    // Plan and consent.
    PlanNone: "还没有办理方案。先选一件要办的事，回答几个问题。",
        "There is no plan yet. Choose what you need and answer a few questions.";
    PlanStale: "这份方案是上次联网时做的，联网后会自动更新。", "This plan was made when you were last online; it updates when you are online.";
    CueQueued: "正在发送", "Sending";
    CueSubmitted: "已提交", "Submitted";
    CueFix: "要改一下", "Needs a fix";
    DraftQueuedSay: "已经提交，正在发给各部门；没有网络时，联网后会自动发送。",
        "Submitted and on its way to the departments; without a network it is sent when you are online.";
    DraftDeliveredSay: "各部门已经收到您的申请。", "The departments have received your application.";
    DraftNeedsAttentionSay: "部门退回了这份申请，请按提示改好后再提交。",
        "A department sent this back. Please fix what is marked and submit again.";
    SeeProgress: "看办事进度", "See my applications";
    QuestionsOpen: "还有 {0} 个问题没有回答，回答后才知道要办哪些事。",
        "{0} questions are still unanswered; answer them to see what needs doing.";
    AnswerThem: "接着回答问题", "Answer the questions";
    PlanSpared: "已为您少填 {0} 项、免交 {1} 份材料", "{0} fields pre-filled, {1} documents spared";
    PlanSparedElder: "好消息：{0} 项不用您填，{1} 份材料不用您交。",
        "Good news: {0} items are filled in for you and {1} documents are not needed.";
    MattersApply: "这次一起办的事（{0} 件）", "Done together this time ({0})";
    MatterMaybe: "可能要办：{0}（看您的回答）", "May apply: {0} (depends on your answers)";
    MatterNotNeeded: "不用办：{0}", "Not needed: {0}";
    Prefilled: "已帮您填好（{0} 项）", "Filled in for you ({0})";
    PrefilledElder: "有 {0} 项已经帮您填好了，来自您的电子证照和登记信息。",
        "{0} items are already filled in from your e-licences and registered details.";
    PrefilledSpeak: "{0}已填好：{1}，{2}。", "{0} is filled in: {1}, {2}.";
    FromLicence: "来自电子{0}", "from your e-licence: {0}";
    FromLicences: "来自您的电子证照", "from your e-licences";
    FromProfile: "来自您的实名登记信息", "from your registered details";
    FromAnswer: "来自您的回答", "from your answer";
    FromEarlierMatter: "前一件事办好后自动填写", "filled in when an earlier step is done";
    FromYou: "由您填写", "filled in by you";
    FilledLater: "{0}：前一件事办好后自动填写", "{0}: filled in when an earlier step is done";
    ToFill: "还要您填（{0} 项）", "Still to fill in ({0})";
    FieldProgress: "还要您填的第 {0} 项，共 {1} 项", "Item {0} of {1} to fill in";
    FieldSpeak: "输入框：{0}。", "Text box: {0}.";
    Optional: "{0}（选填）", "{0} (optional)";
    SaveNext: "保存，下一项", "Save and go on";
    SaveField: "保存", "Save";
    MaterialLicence: "免交，用电子{0}", "not needed, your e-licence {0} is used";
    MaterialShared: "免交，部门共享调取", "not needed, the department fetches it";
    MaterialCommitment: "签承诺书代替", "replaced by your signed commitment";
    MaterialUpload: "需要拍照上传", "upload a photo";
    ConsentHeading: "同意后提交", "Agree and submit";
    ConsentIntro: "点「同意并提交」后，下面这些信息会发给办理部门，只用于这次办事：",
        "When you tap Agree and submit, only the following goes to the departments, for this application only:";
    ConsentIntroElder: "提交后，各部门只会看到办这件事需要的信息：",
        "After you submit, the departments see only what this needs:";
    ConsentLicence: "电子{0}中的{1}，给{2}", "From your {0}: {1}, to {2}";
    ConsentShared: "部门共享调取：{0}", "Fetched by the departments: {0}";
    ConsentCommitments: "您承诺：{0}", "You commit to: {0}";
    ConsentUploads: "还需要上传：{0}", "Still to upload: {0}";
    ConsentUnavailable: "现在算不出会发送哪些信息，请联网后再看。在这之前不会提交任何信息。",
        "What would be shared cannot be worked out right now; please look again when online. Nothing is sent until then.";
    ProblemsLeft: "还有 {0} 处要改，改好后才能提交。", "{0} things still need fixing before you can submit.";
    AgreeAndSubmit: "同意并提交", "Agree and submit";
    AgreeAndSubmitSpeak: "同意把上面列出的信息发给办理部门，并提交申请。",
        "Agree to send the information listed above to the departments, and submit the application.";

    // Drafts.
    DraftsNone: "这里还没有草稿。开始办一件事后，填到一半也会自动保存在这里。",
        "There are no drafts yet. Anything you start is saved here, even half done.";
    DraftsIntro: "没填完的申请都自动保存在这里，点一下接着填。", "Unfinished applications are saved here; tap one to carry on.";
    DraftEditing: "没填完", "Not finished";
    DraftSpeak: "{0}，{1}，{2}保存。", "{0}, {1}, saved {2}.";

    // Applications.
    ApplicationsNone: "您还没有在手机上办理过事项。", "You have not applied for anything on this phone.";
    ApplicationsCount: "一共 {0} 件", "{0} applications";
    CueInProgress: "办理中", "In progress";
    CueMoreNeeded: "要您补充", "Needs you";
    CueFinished: "已办结", "Finished";
    CueOverdue: "已超期", "Overdue";
    MattersDone: "办好 {0} 件，共 {1} 件", "{0} of {1} done";
    ApplicationSpeak: "{0}，{1}，{2}。点一下看详情。", "{0}, {1}, {2}. Tap to see details.";
    ApplicationNote: "编号 {0} · {1} 提交 · {2}", "No. {0} - submitted {1} - {2}";
    QueuedNote: "{0} 提交，联网后发送", "Submitted {0}, sent when online";
    SyncProgress: "更新进度", "Update progress";
    InProgressSay: "各部门正在办理，有结果会通知您。", "The departments are working on it; you will be told of each result.";
    MoreNeededSay: "部门需要您补充一些信息，请看下面的说明。", "A department needs something more from you; see below.";
    FinishedSay: "这件事都办完了。", "Everything in this application is done.";
    OverdueSay: "有事项超过了承诺的办结日期。可以拨打 12345 督办。",
        "Something is past its promised date. You can call 12345 to chase it.";
    ApplicationNumber: "办件编号：{0}", "Application number: {0}";
    SubmittedAt: "提交时间：{0}", "Submitted: {0}";
    SubmittedByDelegate: "由{0}代您提交", "Submitted for you by {0}";
    MatterStatus: "状态：{0}", "Status: {0}";
    MatterStatusSpeak: "{0}，状态：{1}。", "{0}, status: {1}.";
    DueDate: "承诺 {0} 前办结", "Promised by {0}";
    OverdueMatter: "已超过承诺的办结日期 {0}。可以拨打 12345 督办。",
        "Past the promised date of {0}. You can call 12345 to chase it.";
    NeedsList: "需要补充：{0}", "Needed: {0}";
    SupplementHow: "请按部门的说明补充，不清楚的可以拨打 12345 咨询。",
        "Please provide what the department asks for; call 12345 if anything is unclear.";
    RejectedWhy: "原因：{0}", "Reason: {0}";
    HistoryLine: "{0} 状态：{1}", "{0} status: {1}";
    HistoryLineNote: "{0} 状态：{1}，说明：{2}", "{0} status: {1}, note: {2}";
    ShowIssued: "查看{0}", "Show {0}";
    FetchIssued: "领取{0}", "Get {0}";
    AllApplications: "全部办件", "All applications";

    // Delegations.
    DelegationsNone: "您还没有请家人代办，也没有人请您代办。", "You have not asked anyone to act for you, and nobody has asked you.";
    GrantedHeading: "我请谁代办", "People acting for me";
    ReceivedHeading: "谁请我代办", "People I act for";
    CueActive: "有效", "Active";
    CueExpiredDelegation: "已到期", "Ended";
    CueRevokedDelegation: "已取消", "Cancelled";
    GrantedLine: "{0} 可以替您办：{1}，到 {2}", "{0} may act for you on: {1}, until {2}";
    ReceivedLine: "{0} 请您代办：{1}，到 {2}", "{0} asked you to act on: {1}, until {2}";
    DelegationSpeak: "{0}。状态：{1}。", "{0}. Status: {1}.";
    RevokeDelegation: "取消{0}的代办", "Cancel {0}'s permission";
    GrantHeading: "请家人代办", "Ask family to act for me";
    GrantIntro: "填上家人的手机号，选择可以替您办的事；到期自动失效，也可以随时取消。",
        "Enter your family member's mobile number and choose what they may do for you; it ends by itself and can be cancelled at any time.";
    GrantIntroElder: "填上家人的手机号，家人就能在他的手机上替您办事。随时可以取消。",
        "Enter your family member's mobile number and they can do things for you on their phone. You can cancel at any time.";
    DelegatePhone: "家人的手机号", "Family member's mobile number";
    DelegatePhoneSpeak: "输入框：家人的手机号，11 位数字。", "Text box: your family member's 11-digit mobile number.";
    DelegationDays: "有效天数", "Number of days";
    DelegationDaysSpeak: "输入框：授权有效多少天，最多 366 天。", "Text box: how many days the permission lasts, at most 366.";
    GrantFor: "授权办理：{0}", "Allow for: {0}";
    GrantScopeElder: "家人可以替您办：{0}。{1} 天后自动失效。", "They may do for you: {0}. It ends by itself after {1} days.";
    GrantElder: "请家人帮我办", "Ask my family to do it for me";
    GrantNeedsCatalog: "办事目录还没有下载，联网更新后才能选择代办的事。",
        "The service list is not on this phone yet; update it online to choose what may be done for you.";

    // Notifications.
    NotificationsNone: "没有新消息。", "No new messages.";
    NotificationsCount: "{0} 条消息，{1} 条要您处理", "{0} messages, {1} need you";
    CueActNow: "要您处理", "Needs you";
    CueForYou: "消息", "Message";
    NotificationSpeak: "消息（{0}）：{1}。", "Message ({0}): {1}.";
    NotificationSpeakBody: "消息（{0}）：{1}。{2}", "Message ({0}): {1}. {2}";
    NoteResultReady: "「{0}」已办结", "\"{0}\" is done";
    NoteMoreNeeded: "「{0}」需要您补充", "\"{0}\" needs something more from you";
    NoteReviewInvited: "请评价「{0}」", "Please rate \"{0}\"";
    NoteLoopOverdue: "「{0}」差评的处理已超期", "The handling of your review of \"{0}\" is overdue";
    NoteFeedback: "「{0}」的整改结果已反馈", "The department answered your review of \"{0}\"";
    NoteExpiring: "{0}快到期了", "Your {0} expires soon";
    ActionApplication: "查看办件", "See the application";
    ActionSupplement: "去补充", "Provide it";
    ActionReview: "去评价", "Rate it";
    ActionLoop: "查看评价进展", "See the review's progress";
    ActionFollowUp: "去追评", "Add a follow-up review";
    ActionLicence: "查看证照", "Open the licence";
    ActionGuide: "查看办事指南", "Read the service guide";
    ActionOpen: "打开", "Open";

    // Assistant.
    AskHint: "请说出或输入您的问题", "Say or type your question";
    AskHintSpeak: "提问框。说出或输入您的问题，例如：生孩子要带什么材料。",
        "Question box. Say or type your question, for example: what documents do I need for a new baby.";
    Ask: "提问", "Ask";
    AskAgain: "再问一个", "Ask another";
    AskExamples: "您可以这样问", "You could ask";
    AskExample1: "生孩子要带什么材料", "New baby: which documents do I need?";
    AskExample2: "我的申请办到哪一步了", "How far has my application got?";
    AskExample3: "退休要去哪里办", "Retirement: where do I go?";
    AnswerHeading: "回答", "Answer";
    CueNotSure: "答不上来", "No answer";
    AskFallback: "这个问题我还答不上来。可以打 12345 问人工客服，或请家人帮忙。",
        "I cannot answer this yet. Call 12345 to talk to a person, or ask your family.";
    AskStillUnsure: "还有疑问，可以打 12345 问人工客服。", "Still unsure? Call 12345 to talk to a person.";

    // Reviews.
    ReviewsNone: "还没有可以评价的办件。事情办完后，可以在这里评价。",
        "There is nothing to rate yet. When something is done, you can rate it here.";
    ToRate: "等您评价（{0} 件）", "Waiting for your rating ({0})";
    RateThis: "评价：{0}", "Rate: {0}";
    MyReviews: "我的评价", "My reviews";
    ReviewSpeak: "{0}，您的评价：{1}。", "{0}, your rating: {1}.";
    LoopOpen: "部门正在处理您的差评，每一步都有期限：", "The department is handling your review; each step has a deadline:";
    LoopAwaitingFollowUp: "部门已反馈整改结果，您可以追评一次。", "The department has reported back; you may add one follow-up review.";
    LoopClosed: "这条差评已处理完。", "This review has been handled.";
    LoopWithdrawn: "这条评价已撤回。", "This review was withdrawn.";
    LoopStepLine: "{0}：{1} 前，{2}", "{0}: by {1}, {2}";
    CueDone: "已完成", "Done";
    CuePending: "进行中", "In progress";
    LoopOverdueHelp: "部门没有按期完成，可以拨打 12345 督办。", "The department is late; you can call 12345 to chase it.";
    FollowUp: "追评", "Add a follow-up review";
    FollowUpGiven: "您的追评：{0}", "Your follow-up: {0}";
    Appeal: "评错了，申请撤回", "I rated this by mistake";
    AppealReason: "评价时选错了，申请撤回这条评价。", "I chose the wrong rating and ask to withdraw this review.";
    AppealPending: "撤回申请处理中", "Withdrawal request being handled";
    AppealUpheld: "撤回申请已同意", "Withdrawal accepted";
    AppealDismissed: "撤回申请未通过", "Withdrawal not accepted";
    RateQuestion: "您对这次办事满意吗？", "How satisfied are you with this service?";
    FollowUpQuestion: "部门整改后，您现在满意吗？", "Now that the department has acted, how satisfied are you?";
    LevelChosen: "您选了：{0}", "You chose: {0}";
    ChooseAgain: "重新选", "Choose again";
    TagsHeading: "哪些地方（可多选）", "What stood out (choose any)";
    TagOnSpeak: "{0}，已选，点一下取消。", "{0}, selected. Tap to unselect.";
    TagOffSpeak: "{0}，未选，点一下选择。", "{0}, not selected. Tap to select.";
    CommentHint: "还想说点什么（选填）", "Anything else to say (optional)";
    CommentSpeak: "输入框：还想说点什么，可以不填。", "Text box: anything else to say, optional.";
    BadReviewLoop: "不满意的评价会转给部门：先回访您，再核实、整改，并把结果告诉您。",
        "An unsatisfied rating goes to the department: they call you back, check, fix it, and tell you what was done.";
    SendReview: "提交评价", "Send my rating";

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
