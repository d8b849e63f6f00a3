import OnegoCore
import SwiftUI

/// The app's one window: a navigation stack of core-built screens, the camera for verifier mode, and nothing else.
public struct ShellRootView: View {
    @Bindable private var model: ShellModel
    @Environment(\.openURL) private var openURL
    @Environment(\.scenePhase) private var scenePhase

    public init(model: ShellModel) {
        _model = Bindable(model)
    }

    public var body: some View {
        Group {
            switch model.phase {
            case .opening:
                ProgressView()
            case .failed(let message):
                // The core's message, or the shell's own words when the core could not open at all.
                Text(message)
                    .padding()
                    .accessibilityLabel(message)
            case .ready:
                NavigationStack(path: $model.path) {
                    RouteView(model: model, route: model.root)
                        .navigationDestination(for: Route.self) { route in
                            RouteView(model: model, route: route)
                        }
                }
                .fullScreenCover(isPresented: $model.scanning) {
                    ScannerScreen(
                        locale: model.topScreen?.locale ?? .zhCn,
                        minTouchDp: model.topScreen?.elements.map(\.minTouchDp).max() ?? 0,
                        onScan: { model.scanned($0) },
                        onClose: { model.scanning = false }
                    )
                }
            }
        }
        .task {
            model.dial = { url in openURL(url) }
            await model.start()
        }
        .onChange(of: scenePhase) { _, phase in
            if phase == .active {
                Task { await model.retryIfFailed() }
            }
        }
    }
}

/// One entry of the stack: builds its screen on first sight, renews it before it expires, and sends its taps to
/// the model.
struct RouteView: View {
    let model: ShellModel
    let route: Route

    var body: some View {
        Group {
            if let screen = model.screen(for: route) {
                ScreenView(
                    screen: screen,
                    fields: Binding(
                        get: { model.fieldValues(for: route) },
                        set: { model.setFieldValues($0, for: route) }
                    ),
                    notice: model.notice(for: route),
                    onIntent: { model.handle($0, on: route) }
                )
                .navigationTitle(screen.title)
                .navigationBarTitleDisplayMode(.inline)
                .task(id: screen.expiresAtMs) {
                    await model.renewBeforeExpiry(route)
                }
            } else {
                ProgressView()
            }
        }
        .task(id: route) {
            if model.screen(for: route) == nil {
                await model.load(route)
            }
        }
    }
}
