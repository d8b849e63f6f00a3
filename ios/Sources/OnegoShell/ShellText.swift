import OnegoCore

/// The few words the shell says itself: when the core cannot open (and so cannot word anything) and the
/// camera's way back. Everything else on screen is the core's.
enum ShellText {
    case deviceKeyUnavailable
    case storageUnavailable
    case closeCamera

    func text(_ locale: OnegoCore.Locale) -> String {
        switch (self, locale) {
        case (.deviceKeyUnavailable, .zhCn): "暂时无法读取本机的安全密钥。请解锁手机后再打开本应用。"
        case (.deviceKeyUnavailable, .en): "The phone's security key cannot be read yet. Unlock the phone and open the app again."
        case (.storageUnavailable, .zhCn): "本应用无法在手机上保存资料。请检查手机存储空间后再打开。"
        case (.storageUnavailable, .en): "The app cannot keep its data on this phone. Check the phone's storage and open the app again."
        case (.closeCamera, .zhCn): "关闭相机"
        case (.closeCamera, .en): "Close the camera"
        }
    }
}
