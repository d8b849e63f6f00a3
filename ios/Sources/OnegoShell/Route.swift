import OnegoCore

/// One screen in the navigation stack: what to ask the core for. `serial` keeps two visits of the same screen
/// apart (each has its own view model and typed-in fields).
public struct Route: Hashable, Sendable {
    public let name: ScreenName
    public let options: ScreenOptions
    let serial: Int

    init(name: ScreenName, options: ScreenOptions, serial: Int) {
        self.name = name
        self.options = options
        self.serial = serial
    }
}

/// A screen's elements in the shell's layout blocks: runs of tiles become one grid, everything else stands alone,
/// in the view model's reading order.
public enum LayoutBlock: Equatable, Sendable {
    case single(Element)
    case tiles([Element])

    public static func group(_ elements: [Element]) -> [LayoutBlock] {
        var blocks: [LayoutBlock] = []
        for element in elements {
            if element.role == .tile {
                if case .tiles(let run)? = blocks.last {
                    blocks[blocks.count - 1] = .tiles(run + [element])
                } else {
                    blocks.append(.tiles([element]))
                }
            } else {
                blocks.append(.single(element))
            }
        }
        return blocks
    }

    /// A stable identity for `ForEach`: the first element's id (unique on a screen).
    public var id: String {
        switch self {
        case .single(let element): element.id
        case .tiles(let run): "tiles:" + (run.first?.id ?? "")
        }
    }
}

extension OnegoError {
    /// The core's message, already in the user's language and free of personal data.
    public var userMessage: String {
        switch self {
        case .Offline(let message), .Network(let message), .Unauthorized(let message), .Integrity(let message),
            .NotFound(let message), .Conflict(let message), .Storage(let message), .Internal(let message):
            message
        case .Validation(_, let message):
            message
        }
    }
}
