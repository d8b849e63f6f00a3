import Foundation
import OnegoCore
import SwiftUI

/// Any screen of the app: the view model's elements in reading order, each drawn for its role. The shell adds
/// no content: what is on a screen, its wording, sizes and colours all come from the core.
public struct ScreenView: View {
    private let screen: Screen
    @Binding private var fields: [String: String]
    private let notice: String?
    private let onIntent: (Intent) -> Void
    @Environment(\.dynamicTypeSize) private var dynamicTypeSize

    /// - Parameters:
    ///   - fields: what was typed into the screen's text fields, by element id (intents read them).
    ///   - notice: the core's message when the last action on this screen failed.
    ///   - onIntent: what a tap sends back.
    public init(
        screen: Screen,
        fields: Binding<[String: String]> = .constant([:]),
        notice: String? = nil,
        onIntent: @escaping (Intent) -> Void
    ) {
        self.screen = screen
        _fields = fields
        self.notice = notice
        self.onIntent = onIntent
    }

    public var body: some View {
        let palette = Palette(theme: screen.theme)
        ScrollView {
            VStack(alignment: .leading) {
                if screen.state == .loading {
                    ProgressView()
                        .frame(maxWidth: .infinity)
                        .accessibilityHidden(true)  // the screen's own elements say it is loading
                }
                if let notice {
                    NoticeView(message: notice, palette: palette, sizedLike: bodyElement)
                }
                ForEach(LayoutBlock.group(screen.elements), id: \.id) { block in
                    switch block {
                    case .single(let element):
                        ElementView(element: element, palette: palette, text: binding(element), onIntent: onIntent)
                    case .tiles(let tiles):
                        LazyVGrid(columns: columns, alignment: .leading) {
                            ForEach(tiles, id: \.id) { tile in
                                ElementView(element: tile, palette: palette, text: binding(tile), onIntent: onIntent)
                            }
                        }
                    }
                }
            }
            .padding()
        }
        .background(palette.color(.surface).ignoresSafeArea())
        .environment(\.locale, Foundation.Locale(identifier: screen.locale == .en ? "en" : "zh-Hans"))
    }

    /// Two tiles a row; one at the accessibility text sizes, where two would not fit their words.
    private var columns: [GridItem] {
        let count = dynamicTypeSize.isAccessibilitySize ? 1 : 2
        return Array(repeating: GridItem(.flexible(), alignment: .top), count: count)
    }

    /// The screen's body text, whose sizes a notice takes.
    private var bodyElement: Element? {
        screen.elements.first { $0.role == .text && $0.size == .body }
            ?? screen.elements.first { $0.role == .text }
    }

    private func binding(_ element: Element) -> Binding<String> {
        Binding(
            get: { fields[element.id] ?? element.value ?? "" },
            set: { fields[element.id] = $0 }
        )
    }
}

/// A failed action's message, in the core's words, drawn like the core's danger banners and announced to
/// VoiceOver. It sits in the screen, never over it.
private struct NoticeView: View {
    let message: String
    let palette: Palette
    /// The element whose sizes the notice takes (the screen's body text).
    let sizedLike: Element?
    @ScaledMetric(relativeTo: .body) private var factor: CGFloat = 1

    var body: some View {
        let metrics = sizedLike.map { Metrics(element: $0, factor: factor) }
        HStack(alignment: .firstTextBaseline, spacing: (metrics?.textSize ?? 0) / 2) {
            Image(systemName: IconSymbols.name(for: .cross))
                .accessibilityHidden(true)
            Text(message)
                .lineSpacing(metrics?.lineSpacing ?? 0)
                .fixedSize(horizontal: false, vertical: true)
                .frame(maxWidth: .infinity, alignment: .leading)
        }
        .font(metrics?.font ?? .body)
        .padding((metrics?.textSize ?? 0) / 2)
        .foregroundStyle(palette.color(.dangerFg))
        .background(palette.color(.dangerBg), in: RoundedRectangle(cornerRadius: (metrics?.textSize ?? 0) / 3))
        .accessibilityElement(children: .ignore)
        .accessibilityLabel(message)
        .onAppear {
            AccessibilityNotification.Announcement(message).post()
        }
    }
}
