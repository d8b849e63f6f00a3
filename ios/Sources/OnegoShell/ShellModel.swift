import AVFoundation
import Foundation
import Network
import Observation
import OnegoCore
import UIKit

/// The app's state: the core, the navigation stack and each screen's view model. It decides nothing about content:
/// every screen comes from `Onego.screen(name:opts:)`, and every tap arrives as the element's `Intent`, which this
/// maps to a core call or a move in the stack.
@MainActor
@Observable
public final class ShellModel {
    public enum Phase: Equatable {
        case opening
        case ready
        /// The core could not open (its message, in the user's language when it is the core's).
        case failed(String)
    }

    /// The language of the shell's own few words (the core's language is chosen the same way).
    private let locale = ShellModel.systemLocale()

    public private(set) var phase: Phase = .opening
    /// The pushed screens above `root` (bound to the `NavigationStack`, so the back gesture pops them).
    public var path: [Route] = []
    public private(set) var root: Route
    /// The camera is open for verifier mode.
    public var scanning = false
    /// The system reports no network: screens are built in the `offline` state.
    public private(set) var offline = false

    private var screens: [Route: Screen] = [:]
    private var fields: [Route: [String: String]] = [:]
    private var notices: [Route: String] = [:]
    private var core: Onego?
    private var serial = 0
    private let platformURL: String
    private let requestTimeoutMs: Int64
    @ObservationIgnored private let monitor = NWPathMonitor()
    @ObservationIgnored private let speech = AVSpeechSynthesizer()
    /// Opens `tel:` links; the root view installs SwiftUI's `openURL`.
    @ObservationIgnored var dial: (URL) -> Void = { _ in }

    public init(platformURL: String, requestTimeoutMs: Int64 = 15_000) {
        self.platformURL = platformURL
        self.requestTimeoutMs = requestTimeoutMs
        root = Route(name: .home, options: ScreenOptions(), serial: 0)
    }

    // MARK: opening

    /// Opens the core off the main actor (it opens the database), then builds the home screen.
    public func start() async {
        guard phase == .opening, core == nil else { return }
        OSLogSink.install()
        let config: OnegoConfig
        do {
            config = OnegoConfig(
                dataDir: try Self.dataDirectory().path,
                platformUrl: platformURL,
                locale: locale,
                requestTimeoutMs: requestTimeoutMs
            )
        } catch {
            let kind = String(describing: type(of: error))
            shellLog.error("no data directory: \(kind, privacy: .public)")
            phase = .failed(ShellText.storageUnavailable.text(locale))
            return
        }
        let keyUnavailable = ShellText.deviceKeyUnavailable.text(locale)
        let opened = await Task.detached(priority: .userInitiated) { () -> Result<Onego, OnegoError> in
            let secrets = KeychainSecretStore()
            let deviceKey: SecureEnclaveDeviceKey
            do {
                deviceKey = try SecureEnclaveDeviceKey(store: secrets)
            } catch {
                // Not a silent switch to another key: licences are bound to this one. The Keychain is unreadable
                // before the first unlock; the app tries again when it becomes active.
                shellLog.error("device key unavailable")
                return .failure(.Storage(message: keyUnavailable))
            }
            do {
                return .success(try Onego(config: config, secrets: secrets, deviceKey: deviceKey))
            } catch let error as OnegoError {
                return .failure(error)
            } catch {
                return .failure(.Internal(message: String(describing: type(of: error))))
            }
        }.value
        switch opened {
        case .success(let core):
            self.core = core
            phase = .ready
            watchNetwork()
            await load(root)
        case .failure(let error):
            shellLog.error("the core did not open")
            phase = .failed(error.userMessage)
        }
    }

    /// Opens again after a failure (the phone was still locked, storage was full), when the app comes back.
    public func retryIfFailed() async {
        guard case .failed = phase else { return }
        phase = .opening
        await start()
    }

    private static func dataDirectory() throws -> URL {
        let base = try FileManager.default.url(
            for: .applicationSupportDirectory, in: .userDomainMask, appropriateFor: nil, create: true)
        let dir = base.appendingPathComponent("onego", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The core's language from the system's first preferred language (Chinese unless it is English).
    private nonisolated static func systemLocale() -> OnegoCore.Locale {
        let first = Foundation.Locale.preferredLanguages.first ?? "zh-Hans"
        return first.hasPrefix("en") ? .en : .zhCn
    }

    private func watchNetwork() {
        let model = self
        monitor.pathUpdateHandler = { path in
            let offline = path.status != .satisfied
            Task { @MainActor in model.networkChanged(offline: offline) }
        }
        monitor.start(queue: DispatchQueue(label: "cn.onego.network"))
    }

    private func networkChanged(offline: Bool) {
        guard offline != self.offline else { return }
        self.offline = offline
        Task { await reloadAll() }
    }

    // MARK: what the views read

    public func screen(for route: Route) -> Screen? {
        screens[route]
    }

    /// The topmost screen (its language and sizes for the scanner's close button).
    public var topScreen: Screen? {
        screens[path.last ?? root]
    }

    /// A failure of the last action on this screen, in the core's words.
    public func notice(for route: Route) -> String? {
        notices[route]
    }

    public func fieldValues(for route: Route) -> [String: String] {
        fields[route] ?? [:]
    }

    public func setFieldValues(_ values: [String: String], for route: Route) {
        fields[route] = values
    }

    /// A field's text: what was typed, else the view model's value.
    private func field(_ id: String, on route: Route) -> String {
        if let typed = fields[route]?[id] {
            return typed
        }
        return screens[route]?.elements.first { $0.id == id }?.value ?? ""
    }

    // MARK: building screens

    /// Builds the route's screen from the data on the phone.
    public func load(_ route: Route, state: ScreenState? = nil) async {
        guard let core else { return }
        var options = route.options
        if let state {
            options.state = state
        } else if offline {
            options.state = .offline
        }
        do {
            let screen = try await core.screen(name: route.name, opts: options)
            let fresh = screens[route] != screen
            screens[route] = screen
            if fresh, screen.readAloud, route == (path.last ?? root) {
                readAloud(screen)
            }
        } catch {
            // Only a missing parameter fails here: a shell bug, never the user's data.
            let name = String(describing: route.name)
            shellLog.fault("screen \(name, privacy: .public) refused its options")
            notices[route] = (error as? OnegoError)?.userMessage
        }
    }

    /// Renews a screen whose content expires (a licence QR) shortly before it does.
    public func renewBeforeExpiry(_ route: Route) async {
        guard let expires = screens[route]?.expiresAtMs else { return }
        let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
        let lead: Int64 = 5_000
        let wait = max(expires - nowMs - lead, 0)
        do {
            try await Task.sleep(for: .milliseconds(wait))
        } catch {
            return  // the screen went away
        }
        await load(route)
    }

    private func reloadAll() async {
        for route in [root] + path {
            await load(route)
        }
    }

    private func readAloud(_ screen: Screen) {
        guard !UIAccessibility.isVoiceOverRunning else { return }  // VoiceOver reads the screen itself
        speech.stopSpeaking(at: .immediate)
        let utterance = AVSpeechUtterance(string: screen.readOut)
        utterance.voice = AVSpeechSynthesisVoice(language: screen.locale == .en ? "en-US" : "zh-CN")
        speech.speak(utterance)
    }

    // MARK: intents

    /// What a tap on an element of `route`'s screen does.
    public func handle(_ intent: Intent, on route: Route) {
        notices[route] = nil
        Task { await perform(intent, on: route) }
    }

    private func perform(_ intent: Intent, on route: Route) async {
        switch intent {
        case .open(let screen):
            if screen == .home {
                path.removeAll()
                await load(root)
            } else {
                await push(screen, ScreenOptions())
            }
        case .search(let query):
            let text = query ?? field("query", on: route)
            if route.name == .search {
                await replace(route, with: .search, ScreenOptions(query: text))
            } else {
                await push(.search, ScreenOptions(query: text))
            }
        case .openGuide(let id):
            await push(.guide, ScreenOptions(id: id))
        case .startBundle(let id):
            await push(.bundleWizard, ScreenOptions(id: id, step: 1))
        case .answerQuestion(let bundleId, let questionId, let value, let nextStep):
            // The answer is saved in the bundle's draft; signed out it cannot be, and the wizard still moves on
            // (the notice says why).
            let answer = value ?? field(questionId, on: route)
            var values = fields[route] ?? [:]
            values[questionId] = answer
            fields[route] = values
            _ = await run({ core in
                _ = try await core.answerQuestion(bundleId: bundleId, questionId: questionId, value: answer)
            }, on: route)
            if nextStep == 0 {
                await push(.plan, ScreenOptions(id: bundleId))
            } else {
                await replace(route, with: .bundleWizard, ScreenOptions(id: bundleId, step: nextStep))
            }
        case .goToStep(let bundleId, let step):
            await replace(route, with: .bundleWizard, ScreenOptions(id: bundleId, step: step))
        case .showPlan(let bundleId):
            await push(.plan, ScreenOptions(id: bundleId))
        case .showLicence(let id):
            await push(.licence, ScreenOptions(id: id))
        case .present(let id, let purpose):
            await push(.present, ScreenOptions(id: id, purpose: purpose))
        case .refresh:
            await load(route)
        case .refreshWallet:
            await load(route, state: .loading)
            if await run({ core in _ = try await core.refreshWallet() }, on: route) {
                await reloadAll()
            }
        case .syncCatalog:
            await load(route, state: .loading)
            if await run({ core in _ = try await core.syncCatalog() }, on: route) {
                await reloadAll()
            }
        case .scanToVerify:
            scanning = true
        case .callHotline(let number):
            let digits = number.filter { $0.isNumber || $0 == "+" }
            if let url = URL(string: "tel:" + digits) {
                dial(url)
            }
        case .askFamily:
            await push(.delegations, ScreenOptions())
        case .changeSetting(let setting):
            if await run({ core in _ = try await core.setSetting(setting: setting) }, on: route) {
                await reloadAll()
            }
        case .sendCode:
            let phone = field("phone", on: route)
            _ = await run({ core in try await core.requestCode(phone: phone, kind: .citizen) }, on: route)
        case .signIn:
            let phone = field("phone", on: route)
            let code = field("code", on: route)
            if await run({ core in _ = try await core.signIn(phone: phone, code: code, kind: .citizen) }, on: route) {
                fields.removeAll()
                path.removeAll()
                await load(root)
            }
        case .signOut:
            if await run({ core in try await core.signOut() }, on: route) {
                fields.removeAll()
                screens.removeAll()
                path.removeAll()
                await load(root)
            }
        case .resumeDraft(let id):
            await push(.plan, ScreenOptions(id: id))
        case .saveField(let draftId, let key, let value):
            let text = value ?? field(key, on: route)
            if await run({ core in _ = try await core.setField(draftId: draftId, key: key, value: text) }, on: route) {
                await load(route)
            }
        case .submitDraft(let draftId):
            // The core saves the typed fields into the draft, then submits with the consent on screen.
            let typed = fields[route] ?? [:]
            if await run({ core in _ = try await core.submitFromScreen(draftId: draftId, fields: typed) }, on: route) {
                fields[route] = nil
                path.removeAll()
                await push(.applications, ScreenOptions())
            }
        case .syncApplications:
            if await run({ core in _ = try await core.syncApplications() }, on: route) {
                await load(route)
            }
        case .askAssistant(let question):
            let text = question ?? field("question", on: route)
            if route.name == .assistant {
                await replace(route, with: .assistant, ScreenOptions(query: text))
            } else {
                await push(.assistant, ScreenOptions(query: text))
            }
        case .grantDelegation(let scope, let days):
            let phone = field("phone", on: route)
            let validDays = days ?? Int32(field("days", on: route).trimmingCharacters(in: .whitespaces)) ?? 0
            if await run({ core in
                _ = try await core.grantDelegation(delegatePhone: phone, scope: scope, validDays: validDays)
            }, on: route) {
                await load(route)
            }
        case .revokeDelegation(let id):
            if await run({ core in try await core.revokeDelegation(id: id) }, on: route) {
                await load(route)
            }
        case .rateMatter(let rating):
            if route.name == .reviews {
                await replace(route, with: .reviews, ScreenOptions(rating: rating))
            } else {
                await push(.reviews, ScreenOptions(rating: rating))
            }
        case .submitReview(let rating):
            guard let level = rating.level else { return }
            let comment = field("comment", on: route)
            let sent = await run({ core in
                if let reviewId = rating.reviewId {
                    _ = try await core.followUp(reviewId: reviewId, level: level, comment: comment)
                } else {
                    _ = try await core.review(
                        applicationId: rating.applicationId, matterId: rating.matterId, level: level,
                        tags: rating.tags, comment: comment)
                }
            }, on: route)
            if sent {
                await replace(route, with: .reviews, ScreenOptions())
            }
        case .appealReview(let reviewId, let reason):
            if await run({ core in _ = try await core.appealReview(reviewId: reviewId, reason: reason) }, on: route) {
                await load(route)
            }
        }
    }

    /// The camera read a code: the verifier screen judges it.
    public func scanned(_ text: String) {
        scanning = false
        Task { await push(.verifier, ScreenOptions(scanned: text)) }
    }

    /// Runs a core call; a failure becomes the screen's notice (the core's words) and the screen is built again,
    /// in the offline state when the core says the phone is offline.
    private func run(_ call: @escaping @Sendable (Onego) async throws -> Void, on route: Route) async -> Bool {
        guard let core else { return false }
        do {
            try await call(core)
            return true
        } catch let error as OnegoError {
            let kind = Self.kind(of: error)
            shellLog.error("core call failed: \(kind, privacy: .public)")
            notices[route] = error.userMessage
            if case .Offline = error {
                await load(route, state: .offline)
            } else {
                await load(route)
            }
            return false
        } catch {
            let kind = String(describing: type(of: error))
            shellLog.error("core call failed: \(kind, privacy: .public)")
            await load(route)
            return false
        }
    }

    private static func kind(of error: OnegoError) -> String {
        switch error {
        case .Offline: "offline"
        case .Network: "network"
        case .Unauthorized: "unauthorized"
        case .Validation: "validation"
        case .Integrity: "integrity"
        case .NotFound: "not found"
        case .Conflict: "conflict"
        case .Storage: "storage"
        case .Internal: "internal"
        }
    }

    // MARK: the stack

    private func nextRoute(_ name: ScreenName, _ options: ScreenOptions) -> Route {
        serial += 1
        return Route(name: name, options: options, serial: serial)
    }

    private func push(_ name: ScreenName, _ options: ScreenOptions) async {
        let route = nextRoute(name, options)
        await load(route)
        path.append(route)
    }

    /// Replaces `route` (a wizard step, a new search) in place, keeping its typed-in fields.
    private func replace(_ route: Route, with name: ScreenName, _ options: ScreenOptions) async {
        let next = nextRoute(name, options)
        fields[next] = fields[route]
        await load(next)
        if let index = path.firstIndex(of: route) {
            path[index] = next
        } else if route == root {
            root = next
        }
        screens[route] = nil
        fields[route] = nil
        notices[route] = nil
    }
}
