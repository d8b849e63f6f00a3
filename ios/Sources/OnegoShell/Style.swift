import OnegoCore
import SwiftUI
import UIKit

extension DynamicTextStyle {
    var swiftUI: Font.TextStyle {
        switch self {
        case .caption: .caption
        case .body: .body
        case .callout: .callout
        case .title: .title
        case .largeTitle: .largeTitle
        }
    }
}

extension TextWeight {
    var swiftUI: Font.Weight {
        switch self {
        case .regular: .regular
        case .medium: .medium
        case .semibold: .semibold
        case .bold: .bold
        }
    }

    var uiKit: UIFont.Weight {
        switch self {
        case .regular: .regular
        case .medium: .medium
        case .semibold: .semibold
        case .bold: .bold
        }
    }
}

extension RGB {
    var color: Color {
        Color(.sRGB, red: red, green: green, blue: blue, opacity: 1)
    }
}

extension Palette {
    /// A token's colour; the system's own colours only if the theme lacks the swatch (it never should).
    func color(_ colour: Colour) -> Color {
        if let rgb = rgb(colour) {
            return rgb.color
        }
        switch colour {
        case .surface, .raised, .infoBg, .successBg, .warningBg, .dangerBg: return Color(uiColor: .systemBackground)
        case .accent: return .accentColor
        case .onAccent: return .white
        case .muted: return .secondary
        case .onSurface, .successFg, .warningFg, .dangerFg: return .primary
        }
    }
}

/// An element's text metrics: the view model's sizes, grown with Dynamic Type.
struct Metrics {
    let textSize: CGFloat
    let lineSpacing: CGFloat
    let minTouch: CGFloat
    let font: Font

    init(element: Element, factor: CGFloat) {
        self.init(size: element.size, textDp: element.textDp, lineHeightDp: element.lineHeightDp,
                  minTouchDp: element.minTouchDp, factor: factor)
    }

    init(size: TextSize, textDp: Int32, lineHeightDp: Int32, minTouchDp: Int32, factor: CGFloat) {
        let weight = SizeTokens.weight(for: size)
        textSize = SizeTokens.scaled(textDp, by: factor)
        let natural = UIFont.systemFont(ofSize: textSize, weight: weight.uiKit).lineHeight
        lineSpacing = SizeTokens.lineSpacing(
            lineHeight: SizeTokens.scaled(lineHeightDp, by: factor), fontLineHeight: natural)
        // The touch target is a minimum in points; larger text makes the control larger by itself.
        minTouch = SizeTokens.points(minTouchDp)
        font = .system(size: textSize, weight: weight.swiftUI)
    }
}

extension View {
    /// The view model's text style on a text view.
    func elementText(_ metrics: Metrics) -> some View {
        font(metrics.font)
            .lineSpacing(metrics.lineSpacing)
            .fixedSize(horizontal: false, vertical: true)
    }
}
