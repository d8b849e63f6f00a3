import OnegoCore
import XCTest

@testable import OnegoShell

final class PaletteTests: XCTestCase {
    func testParsesHashRRGGBB() throws {
        let rgb = try XCTUnwrap(RGB.parse("#1A73E8"))
        XCTAssertEqual(rgb.red, 0x1A / 255.0, accuracy: 1e-9)
        XCTAssertEqual(rgb.green, 0x73 / 255.0, accuracy: 1e-9)
        XCTAssertEqual(rgb.blue, 0xE8 / 255.0, accuracy: 1e-9)
        XCTAssertEqual(RGB.parse("ffffff"), RGB(red: 1, green: 1, blue: 1))
        XCTAssertEqual(RGB.parse(" #000000 "), RGB(red: 0, green: 0, blue: 0))
    }

    func testRejectsWhatIsNotRRGGBB() {
        for bad in ["", "#", "#FFF", "#GGGGGG", "#12345678", "12345", "#-12345", "#+12345"] {
            XCTAssertNil(RGB.parse(bad), bad)
        }
    }

    func testPaletteMapsTheThemeSwatches() {
        let theme = Theme(
            name: "elder",
            swatches: [
                Swatch(colour: .surface, hex: "#FFFFFF"),
                Swatch(colour: .onSurface, hex: "#111111"),
                Swatch(colour: .dangerBg, hex: "not a colour"),
            ],
            lineSpacingPercent: 150,
            textScalePercent: 100
        )
        let palette = Palette(theme: theme)
        XCTAssertEqual(palette.rgb(.surface), RGB(red: 1, green: 1, blue: 1))
        XCTAssertEqual(palette.rgb(.onSurface), RGB.parse("#111111"))
        XCTAssertNil(palette.rgb(.dangerBg))
        XCTAssertNil(palette.rgb(.accent))
    }
}
