import OnegoCore
import XCTest

@testable import OnegoShell

final class SizeTokensTests: XCTestCase {
    func testOneDpIsOnePoint() {
        XCTAssertEqual(SizeTokens.points(22), 22)
        XCTAssertEqual(SizeTokens.points(0), 0)
        XCTAssertEqual(SizeTokens.points(-4), 0)
    }

    func testDynamicTypeOnlyGrowsTheCoreSize() {
        XCTAssertEqual(SizeTokens.scaled(20, by: 1), 20)
        XCTAssertEqual(SizeTokens.scaled(20, by: 1.5), 30)
        // The smaller system sizes never shrink text below the audited size.
        XCTAssertEqual(SizeTokens.scaled(20, by: 0.8), 20)
    }

    func testLineSpacingFillsUpToTheViewModelLineHeight() {
        XCTAssertEqual(SizeTokens.lineSpacing(lineHeight: 33, fontLineHeight: 26.5), 6.5, accuracy: 1e-9)
        XCTAssertEqual(SizeTokens.lineSpacing(lineHeight: 20, fontLineHeight: 24), 0)
    }

    func testEveryTextSizeHasAStyleAndAWeight() {
        let expected: [(TextSize, DynamicTextStyle, TextWeight)] = [
            (.caption, .caption, .regular),
            (.body, .body, .regular),
            (.label, .callout, .medium),
            (.title, .title, .semibold),
            (.display, .largeTitle, .bold),
        ]
        for (size, style, weight) in expected {
            XCTAssertEqual(SizeTokens.textStyle(for: size), style, "\(size)")
            XCTAssertEqual(SizeTokens.weight(for: size), weight, "\(size)")
        }
    }

    func testTilesAreGroupedInReadingOrder() {
        let elements = [
            element("greeting", .heading),
            element("tile_a", .tile),
            element("tile_b", .tile),
            element("sync", .button),
            element("tile_c", .tile),
        ]
        let blocks = LayoutBlock.group(elements)
        XCTAssertEqual(blocks.map(\.id), ["greeting", "tiles:tile_a", "sync", "tiles:tile_c"])
        guard case .tiles(let run) = blocks[1] else {
            return XCTFail("expected a tile grid")
        }
        XCTAssertEqual(run.map(\.id), ["tile_a", "tile_b"])
    }

    func testQrDarkCells() {
        let matrix = QrMatrix(version: 1, ecLevel: "M", size: 2, modules: [true, false, false, true])
        XCTAssertEqual(
            QrGeometry.darkCells(matrix),
            [QrGeometry.Cell(row: 0, column: 0), QrGeometry.Cell(row: 1, column: 1)]
        )
        let broken = QrMatrix(version: 1, ecLevel: "M", size: 3, modules: [true])
        XCTAssertEqual(QrGeometry.darkCells(broken), [])
    }

    func testEveryIconHasASymbol() {
        let icons: [Icon] = [
            .check, .clock, .cross, .pause, .question, .info, .offline, .phone, .family, .pension, .medical,
            .card, .licence, .progress, .search, .qr, .scan, .settings, .bell, .star, .document, .back,
        ]
        for icon in icons {
            XCTAssertFalse(IconSymbols.name(for: icon).isEmpty)
        }
    }
}

func element(_ id: String, _ role: Role) -> Element {
    Element(
        id: id, role: role, text: id, speakable: id, size: .body, textDp: 17, lineHeightDp: 26, minTouchDp: 48,
        fg: .onSurface, bg: .surface, icon: nil, cue: nil, intent: nil, primary: false, input: nil, value: nil,
        checked: nil, qr: nil
    )
}
