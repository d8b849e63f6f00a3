import Foundation
import OnegoShell
import SwiftUI

/// 一网通办 on iOS: the shell around the Rust core. The platform's address comes from the Info.plist
/// (`OnegoPlatformURL`, set per build configuration in project.yml).
@main
struct OnegoApp: App {
    @State private var model = ShellModel(
        platformURL: Foundation.Bundle.main.object(forInfoDictionaryKey: "OnegoPlatformURL") as? String
            ?? "http://127.0.0.1:8080"
    )

    var body: some Scene {
        WindowGroup {
            ShellRootView(model: model)
        }
    }
}
