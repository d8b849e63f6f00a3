import OnegoCore
import SwiftUI

/// The core's QR matrix drawn module by module, dark on white with the standard four-module quiet zone (a QR
/// code keeps full contrast in every theme, or scanners fail).
struct QrCodeView: View {
    let matrix: QrMatrix

    var body: some View {
        Canvas { context, size in
            let side = min(size.width, size.height)
            let origin = CGPoint(x: (size.width - side) / 2, y: (size.height - side) / 2)
            context.fill(Path(CGRect(origin: origin, size: CGSize(width: side, height: side))), with: .color(.white))
            let cells = QrGeometry.darkCells(matrix)
            guard !cells.isEmpty else { return }
            let module = side / CGFloat(Int(matrix.size) + 2 * QrGeometry.quietZone)
            var path = Path()
            for cell in cells {
                path.addRect(CGRect(
                    x: origin.x + CGFloat(cell.column + QrGeometry.quietZone) * module,
                    y: origin.y + CGFloat(cell.row + QrGeometry.quietZone) * module,
                    width: module,
                    height: module
                ))
            }
            context.fill(path, with: .color(.black))
        }
        .aspectRatio(1, contentMode: .fit)
    }
}

/// Where the dark modules are, free of SwiftUI.
public enum QrGeometry {
    public static let quietZone = 4

    public struct Cell: Equatable, Sendable {
        public let row: Int
        public let column: Int

        public init(row: Int, column: Int) {
            self.row = row
            self.column = column
        }
    }

    /// The dark modules, row by row; none for a matrix whose module count does not match its size.
    public static func darkCells(_ matrix: QrMatrix) -> [Cell] {
        let n = Int(matrix.size)
        guard n > 0, matrix.modules.count == n * n else { return [] }
        var cells: [Cell] = []
        for (index, dark) in matrix.modules.enumerated() where dark {
            cells.append(Cell(row: index / n, column: index % n))
        }
        return cells
    }
}
