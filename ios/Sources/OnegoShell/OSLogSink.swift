import OnegoCore
import os

/// Forwards the core's `tracing` events to the unified log (Console.app, `log stream`). The core's events carry
/// no personal data (issue 7, item 1); the shell itself logs only kinds of failure, never values.
public final class OSLogSink: LogSink, Sendable {
    private let subsystem: String

    public init(subsystem: String = "cn.onego.core") {
        self.subsystem = subsystem
    }

    public func log(level: LogLevel, target: String, message: String) {
        let logger = Logger(subsystem: subsystem, category: target)
        switch level {
        case .error: logger.error("\(message, privacy: .public)")
        case .warn: logger.warning("\(message, privacy: .public)")
        case .info: logger.info("\(message, privacy: .public)")
        case .debug, .trace: logger.debug("\(message, privacy: .public)")
        }
    }

    /// Installs the sink once per process; later calls are no-ops in the core.
    @discardableResult
    public static func install(level: LogLevel = .info) -> Bool {
        initLogging(sink: OSLogSink(), level: level)
    }
}

/// The shell's own log: what failed, never with whom or what was typed.
let shellLog = Logger(subsystem: "cn.onego.shell", category: "shell")
