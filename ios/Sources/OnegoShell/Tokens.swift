import CoreGraphics
import Foundation
import OnegoCore

/// The core's size tokens in points. The core resolves every element's sizes for the mode and the user's text
/// scale (`textDp`, `lineHeightDp`, `minTouchDp`); one dp there is one point here. The shell adds only the
/// system's Dynamic Type on top, and only upwards: the core's sizes are the audited minimum (适老化).
public enum SizeTokens {
    /// A view-model size in points; negative sizes (never sent) count as 0.
    public static func points(_ dp: Int32) -> CGFloat {
        CGFloat(max(dp, 0))
    }

    /// A view-model size with the Dynamic Type factor applied; a factor below 1 (the smaller system text sizes)
    /// leaves the core's size as it is.
    public static func scaled(_ dp: Int32, by factor: CGFloat) -> CGFloat {
        points(dp) * max(factor, 1)
    }

    /// The extra space between lines that makes a font of natural line height `fontLineHeight` reach the view
    /// model's line height (SwiftUI's `lineSpacing` is added to the font's own line height).
    public static func lineSpacing(lineHeight: CGFloat, fontLineHeight: CGFloat) -> CGFloat {
        max(lineHeight - fontLineHeight, 0)
    }

    /// The Dynamic Type style a size token scales with.
    public static func textStyle(for size: TextSize) -> DynamicTextStyle {
        switch size {
        case .caption: .caption
        case .body: .body
        case .label: .callout
        case .title: .title
        case .display: .largeTitle
        }
    }

    /// The weight of a size token (a heading is bold, a label medium).
    public static func weight(for size: TextSize) -> TextWeight {
        switch size {
        case .caption, .body: .regular
        case .label: .medium
        case .title: .semibold
        case .display: .bold
        }
    }
}

/// The Dynamic Type styles the shell uses, free of SwiftUI so the mapping is testable as a value.
public enum DynamicTextStyle: Sendable, Equatable {
    case caption, body, callout, title, largeTitle
}

/// Font weights, free of SwiftUI.
public enum TextWeight: Sendable, Equatable {
    case regular, medium, semibold, bold
}

/// An sRGB colour parsed from the theme's `#RRGGBB`.
public struct RGB: Equatable, Sendable {
    public let red: Double
    public let green: Double
    public let blue: Double

    public init(red: Double, green: Double, blue: Double) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// Parses `#RRGGBB` (the `#` optional, either case); anything else is `nil`.
    public static func parse(_ hex: String) -> RGB? {
        var digits = Substring(hex.trimmingCharacters(in: .whitespaces))
        if digits.hasPrefix("#") {
            digits = digits.dropFirst()
        }
        guard digits.count == 6, digits.allSatisfy(\.isHexDigit), let value = UInt32(digits, radix: 16) else {
            return nil
        }
        return RGB(
            red: Double((value >> 16) & 0xFF) / 255,
            green: Double((value >> 8) & 0xFF) / 255,
            blue: Double(value & 0xFF) / 255
        )
    }
}

/// A screen's theme as colours: each semantic `Colour` of the view model to the swatch the core chose for the
/// mode (standard or elder).
public struct Palette: Sendable, Equatable {
    private let swatches: [Colour: RGB]

    public init(theme: Theme) {
        var swatches: [Colour: RGB] = [:]
        for swatch in theme.swatches {
            if let rgb = RGB.parse(swatch.hex) {
                swatches[swatch.colour] = rgb
            }
        }
        self.swatches = swatches
    }

    /// The colour of a token, or `nil` when the theme has no (valid) swatch for it.
    public func rgb(_ colour: Colour) -> RGB? {
        swatches[colour]
    }
}

/// The shell's pictograms: SF Symbols for the core's icons.
public enum IconSymbols {
    public static func name(for icon: Icon) -> String {
        switch icon {
        case .check: "checkmark.circle.fill"
        case .clock: "clock"
        case .cross: "xmark.circle.fill"
        case .pause: "pause.circle.fill"
        case .question: "questionmark.circle"
        case .info: "info.circle"
        case .offline: "wifi.slash"
        case .phone: "phone.fill"
        case .family: "person.2.fill"
        case .pension: "yensign.circle"
        case .medical: "cross.case.fill"
        case .card: "creditcard.fill"
        case .licence: "person.text.rectangle"
        case .progress: "list.bullet.clipboard"
        case .search: "magnifyingglass"
        case .qr: "qrcode"
        case .scan: "qrcode.viewfinder"
        case .settings: "gearshape.fill"
        case .bell: "bell.fill"
        case .star: "star.fill"
        case .document: "doc.text.fill"
        case .back: "chevron.backward"
        }
    }
}
