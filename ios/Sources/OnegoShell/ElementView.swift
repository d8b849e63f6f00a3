import OnegoCore
import SwiftUI
import UIKit

/// One element of a view model, drawn for its role with the core's sizes and colours. VoiceOver reads the
/// element's `speakable`; colours that carry a meaning are said again by the element's cue (icon and word).
struct ElementView: View {
    let element: Element
    let palette: Palette
    @Binding var text: String
    let onIntent: (Intent) -> Void
    /// The Dynamic Type factor for this element's size token (1 at the default text size).
    @ScaledMetric private var factor: CGFloat

    init(element: Element, palette: Palette, text: Binding<String>, onIntent: @escaping (Intent) -> Void) {
        self.element = element
        self.palette = palette
        _text = text
        self.onIntent = onIntent
        _factor = ScaledMetric(wrappedValue: 1, relativeTo: SizeTokens.textStyle(for: element.size).swiftUI)
    }

    private var metrics: Metrics { Metrics(element: element, factor: factor) }
    private var fg: Color { palette.color(element.fg) }
    private var bg: Color { palette.color(element.bg) }

    var body: some View {
        switch element.role {
        case .heading:
            label
                .accessibilityElement(children: .ignore)
                .accessibilityLabel(element.speakable)
                .accessibilityAddTraits(.isHeader)
        case .text:
            label
                .accessibilityElement(children: .ignore)
                .accessibilityLabel(element.speakable)
        case .button, .helpCall:
            action
        case .tile:
            tile
        case .listItem:
            listItem
        case .textField:
            field
        case .toggle:
            toggle
        case .qr:
            qr
        case .banner, .dialog:
            // A dialog is drawn in place, never over the screen (MIIT: no pop-ups); no screen sends one.
            banner
        case .advert:
            // The audit refuses adverts; a shell never shows one.
            EmptyView()
        }
    }

    // MARK: parts

    private var icon: some View {
        Group {
            if let icon = element.icon {
                Image(systemName: IconSymbols.name(for: icon))
                    .font(metrics.font)
                    .accessibilityHidden(true)
            }
        }
    }

    @ViewBuilder
    private var cue: some View {
        if let cue = element.cue {
            HStack(spacing: metrics.textSize / 4) {
                Image(systemName: IconSymbols.name(for: cue.icon))
                Text(cue.word)
            }
            .elementText(metrics)
            .accessibilityHidden(true)  // `speakable` says it already
        }
    }

    /// Icon, text and cue on one line (wrapping), in the element's colours.
    private var label: some View {
        HStack(alignment: .firstTextBaseline, spacing: metrics.textSize / 2) {
            icon
            Text(element.text)
                .elementText(metrics)
                .frame(maxWidth: .infinity, alignment: .leading)
            cue
        }
        .foregroundStyle(fg)
        .background(bg)
    }

    private func send() {
        if let intent = element.intent {
            onIntent(intent)
        }
    }

    // MARK: roles

    private var action: some View {
        Button(action: send) {
            HStack(spacing: metrics.textSize / 2) {
                icon
                Text(element.text)
                    .elementText(metrics)
                    .fontWeight(element.primary ? .bold : nil)
                    .multilineTextAlignment(.center)
                cue
            }
            .padding(.horizontal, metrics.textSize)
            .frame(maxWidth: .infinity, minHeight: metrics.minTouch)
            .foregroundStyle(fg)
            .background(bg, in: RoundedRectangle(cornerRadius: metrics.textSize / 2))
            .overlay {
                if !element.primary {
                    RoundedRectangle(cornerRadius: metrics.textSize / 2).strokeBorder(fg.opacity(0.4))
                }
            }
            .contentShape(Rectangle())
        }
        .buttonStyle(.plain)
        .disabled(element.intent == nil)
        .accessibilityLabel(element.speakable)
    }

    private var tile: some View {
        Button(action: send) {
            VStack(spacing: metrics.textSize / 2) {
                if let icon = element.icon {
                    Image(systemName: IconSymbols.name(for: icon))
                        .font(metrics.font)
                        .imageScale(.large)
                        .accessibilityHidden(true)
                }
                Text(element.text)
                    .elementText(metrics)
                    .multilineTextAlignment(.center)
                cue
            }
            .padding(metrics.textSize / 2)
            .frame(maxWidth: .infinity, minHeight: metrics.minTouch)
            .foregroundStyle(fg)
            .background(bg, in: RoundedRectangle(cornerRadius: metrics.textSize / 2))
            .contentShape(Rectangle())
        }
        .buttonStyle(.plain)
        .disabled(element.intent == nil)
        .accessibilityLabel(element.speakable)
    }

    @ViewBuilder
    private var listItem: some View {
        let row = HStack(spacing: metrics.textSize / 2) {
            icon
            Text(element.text)
                .elementText(metrics)
                .frame(maxWidth: .infinity, alignment: .leading)
            cue
            if element.intent != nil {
                Image(systemName: "chevron.forward")
                    .font(metrics.font)
                    .accessibilityHidden(true)
            }
        }
        .padding(.horizontal, metrics.textSize / 2)
        .frame(minHeight: metrics.minTouch)
        .foregroundStyle(fg)
        .background(bg)
        .contentShape(Rectangle())
        if element.intent != nil {
            Button(action: send) { row }
                .buttonStyle(.plain)
                .accessibilityLabel(element.speakable)
        } else {
            row
                .accessibilityElement(children: .ignore)
                .accessibilityLabel(element.speakable)
        }
    }

    private var field: some View {
        VStack(alignment: .leading, spacing: metrics.lineSpacing) {
            Text(element.text)
                .elementText(metrics)
                .foregroundStyle(fg)
                .accessibilityHidden(true)  // the field's own label says it
            TextField(element.text, text: $text)
                .font(metrics.font)
                .keyboardType(keyboard)
                .textContentType(contentType)
                .textInputAutocapitalization(.never)
                .autocorrectionDisabled(element.input != .text)
                .submitLabel(element.input == .search ? .search : .done)
                .onSubmit(send)
                .padding(.horizontal, metrics.textSize / 2)
                .frame(minHeight: metrics.minTouch)
                .foregroundStyle(fg)
                .background(bg, in: RoundedRectangle(cornerRadius: metrics.textSize / 3))
                .overlay(RoundedRectangle(cornerRadius: metrics.textSize / 3).strokeBorder(fg.opacity(0.5)))
                .accessibilityLabel(element.speakable)
        }
    }

    private var keyboard: UIKeyboardType {
        switch element.input {
        case .phone: .phonePad
        case .number, .code: .numberPad
        case .date: .numbersAndPunctuation
        case .search: .webSearch
        case .text, nil: .default
        }
    }

    private var contentType: UITextContentType? {
        switch element.input {
        case .phone: .telephoneNumber
        case .code: .oneTimeCode
        default: nil
        }
    }

    private var toggle: some View {
        Toggle(isOn: Binding(
            get: { element.checked ?? false },
            set: { _ in send() }  // the intent carries the new state; the rebuilt screen shows it
        )) {
            HStack(spacing: metrics.textSize / 2) {
                icon
                Text(element.text).elementText(metrics)
            }
        }
        .tint(palette.color(.accent))
        .frame(minHeight: metrics.minTouch)
        .foregroundStyle(fg)
        .background(bg)
        .disabled(element.intent == nil)
        .accessibilityLabel(element.speakable)
    }

    @ViewBuilder
    private var qr: some View {
        if let matrix = element.qr {
            VStack(spacing: metrics.lineSpacing) {
                QrCodeView(matrix: matrix)
                    .frame(maxWidth: .infinity)
                if !element.text.isEmpty {
                    Text(element.text)
                        .elementText(metrics)
                        .foregroundStyle(fg)
                        .multilineTextAlignment(.center)
                }
            }
            .accessibilityElement(children: .ignore)
            .accessibilityLabel(element.speakable)
            .accessibilityAddTraits(.isImage)
        } else {
            label
                .accessibilityElement(children: .ignore)
                .accessibilityLabel(element.speakable)
        }
    }

    @ViewBuilder
    private var banner: some View {
        let content = HStack(alignment: .firstTextBaseline, spacing: metrics.textSize / 2) {
            icon
            Text(element.text)
                .elementText(metrics)
                .frame(maxWidth: .infinity, alignment: .leading)
            cue
        }
        .padding(metrics.textSize / 2)
        .frame(maxWidth: .infinity, minHeight: metrics.minTouch, alignment: .leading)
        .foregroundStyle(fg)
        .background(bg, in: RoundedRectangle(cornerRadius: metrics.textSize / 3))
        if element.intent != nil {
            Button(action: send) { content }
                .buttonStyle(.plain)
                .accessibilityLabel(element.speakable)
        } else {
            content
                .accessibilityElement(children: .ignore)
                .accessibilityLabel(element.speakable)
                .accessibilityAddTraits(.isStaticText)
        }
    }
}
