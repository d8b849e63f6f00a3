//! Wording shared by every shell: zh-CN first, English second.

/// The user's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum Locale {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

impl Locale {
    /// Parses a BCP 47 tag; anything not English is Chinese, the product's first language.
    #[must_use]
    pub fn from_tag(tag: &str) -> Self {
        if tag.to_ascii_lowercase().starts_with("en") { Self::En } else { Self::ZhCn }
    }

    #[must_use]
    pub fn tag(self) -> &'static str {
        match self {
            Self::ZhCn => "zh-CN",
            Self::En => "en",
        }
    }

    /// The message in this locale.
    #[must_use]
    pub fn text(self, msg: Msg) -> &'static str {
        let (zh, en) = msg.texts();
        match self {
            Self::ZhCn => zh,
            Self::En => en,
        }
    }

    pub(crate) fn wait_seconds(self, secs: u64) -> String {
        match self {
            Self::ZhCn => format!("操作太频繁，请 {secs} 秒后再试。"),
            Self::En => format!("Too many tries. Please wait {secs} seconds and try again."),
        }
    }
}

/// Every user-facing message of the core.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Msg {
    ErrOffline,
    ErrTimeout,
    ErrServer,
    ErrMalformed,
    ErrIntegrity,
    ErrSignIn,
    ErrForbidden,
    ErrNotFound,
    ErrConflict,
    ErrValidation,
    ErrWrongCode,
    ErrCodeExpired,
    ErrStorage,
    ErrDiskFull,
    ErrSecret,
    ErrInternal,
}

impl Msg {
    /// Every message, for completeness checks.
    pub const ALL: [Self; 16] = [
        Self::ErrOffline,
        Self::ErrTimeout,
        Self::ErrServer,
        Self::ErrMalformed,
        Self::ErrIntegrity,
        Self::ErrSignIn,
        Self::ErrForbidden,
        Self::ErrNotFound,
        Self::ErrConflict,
        Self::ErrValidation,
        Self::ErrWrongCode,
        Self::ErrCodeExpired,
        Self::ErrStorage,
        Self::ErrDiskFull,
        Self::ErrSecret,
        Self::ErrInternal,
    ];

    fn texts(self) -> (&'static str, &'static str) {
        match self {
            Self::ErrOffline => (
                "网络未连接，先为您显示手机里保存的信息，联网后会自动更新。",
                "You are offline. Showing what is saved on this phone; it will update when you are back online.",
            ),
            Self::ErrTimeout => (
                "服务器响应太慢，请稍后再试。已保存的信息仍可查看。",
                "The service is slow to answer. Please try again later; saved information is still available.",
            ),
            Self::ErrServer => (
                "服务暂时不可用，请稍后再试。如急需办理，可拨打 12345 热线。",
                "The service is temporarily unavailable. Please try again later, or call the 12345 hotline.",
            ),
            Self::ErrMalformed => (
                "收到的数据无法识别，已保留原有信息。请稍后再试。",
                "The data received could not be read; your saved information was kept. Please try again later.",
            ),
            Self::ErrIntegrity => (
                "收到的数据与本机记录不一致，已保留原有信息。如反复出现，请联系 12345 热线。",
                "The data received does not match what this phone holds; your saved information was kept. \
                 If this keeps happening, call the 12345 hotline.",
            ),
            Self::ErrSignIn => ("登录已失效，请重新登录。", "Your sign-in has ended. Please sign in again."),
            Self::ErrForbidden => ("您没有权限查看或办理此事项。", "You are not allowed to see or do this."),
            Self::ErrNotFound => ("没有找到相关内容。", "Nothing was found."),
            Self::ErrConflict => {
                ("该事项已有变化，请刷新后再试。", "This has changed in the meantime. Please refresh and try again.")
            }
            Self::ErrValidation => ("填写的内容有误：", "Please check what you entered: "),
            Self::ErrWrongCode => (
                "验证码不正确，请核对短信后重新输入。",
                "The code is not correct. Please check the text message and enter it again.",
            ),
            Self::ErrCodeExpired => ("验证码已过期，请重新获取。", "The code has expired. Please ask for a new one."),
            Self::ErrStorage => (
                "手机存储读写失败，请检查存储空间后重试。",
                "The phone's storage could not be used. Please check free space and try again.",
            ),
            Self::ErrDiskFull => (
                "手机存储空间已满，请清理后重试，您填写的内容不会丢失。",
                "The phone's storage is full. Please free some space and try again; nothing you entered is lost.",
            ),
            Self::ErrSecret => (
                "无法读取手机安全存储，请重新登录。",
                "The phone's secure storage could not be read. Please sign in again.",
            ),
            Self::ErrInternal => (
                "出现了意外问题，请重试；如仍不行，请拨打 12345 热线。",
                "Something unexpected happened. Please try again, or call the 12345 hotline.",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_exists_in_both_languages() {
        for msg in Msg::ALL {
            let zh = Locale::ZhCn.text(msg);
            let en = Locale::En.text(msg);
            assert!(!zh.is_empty() && !en.is_empty(), "{msg:?}");
            assert!(zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{msg:?} zh is Chinese");
            assert!(en.is_ascii(), "{msg:?} en is English");
        }
    }

    #[test]
    fn tags() {
        assert_eq!(Locale::from_tag("en-GB"), Locale::En);
        assert_eq!(Locale::from_tag("zh-Hans-CN"), Locale::ZhCn);
        assert_eq!(Locale::from_tag(""), Locale::ZhCn);
    }
}
