import Foundation

/// Charts drawn on the server as inline SVG: no script, no library, readable by any browser.
enum SVGChart {
    /// One bar per row: `used` of `total` filled, the figures beside it.
    static func bars(_ rows: [(label: String, used: Int, total: Int)], title: String) -> String {
        let width = 720
        let labelWidth = 230
        let barWidth = 380
        let rowHeight = 30
        let height = max(1, rows.count) * rowHeight + 30
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"\(escape(title))\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\">"
        svg += "<title>\(escape(title))</title>"
        for (index, row) in rows.enumerated() {
            let y = 10 + index * rowHeight
            let share = row.total > 0 ? min(1, Double(row.used) / Double(row.total)) : 0
            let filled = Int((Double(barWidth) * share).rounded())
            let colour = row.used > row.total ? "#b42318" : share >= 0.9 ? "#bf8700" : "#0b3d91"
            svg += "<text x=\"0\" y=\"\(y + 17)\" font-size=\"13\">\(escape(row.label))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(barWidth)\" height=\"22\" fill=\"#e6ebf1\"/>"
            svg += "<rect class=\"used\" x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(filled)\" height=\"22\" fill=\"\(colour)\"/>"
            svg += "<text x=\"\(labelWidth + barWidth + 8)\" y=\"\(y + 17)\" font-size=\"13\">\(row.used) of \(row.total) in use</text>"
        }
        if rows.isEmpty { svg += "<text x=\"0\" y=\"25\" font-size=\"13\">No key packs installed.</text>" }
        return svg + "</svg>"
    }

    /// A line of daily values against a dashed limit, dates under the first and last day.
    static func line(_ values: [Int], limit: Int, days: [Date], title: String) -> String {
        let width = 720
        let height = 220
        let left = 40
        let bottom = 190
        let plotWidth = width - left - 20
        let plotHeight = 160
        let top = max(1, Int((Double(max(limit, values.max() ?? 0)) * 1.15).rounded(.up)))
        func x(_ index: Int) -> Int { left + (values.count > 1 ? index * plotWidth / (values.count - 1) : plotWidth / 2) }
        func y(_ value: Int) -> Int { bottom - value * plotHeight / top }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"\(escape(title))\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\">"
        svg += "<title>\(escape(title))</title>"
        svg += "<line x1=\"\(left)\" y1=\"\(bottom)\" x2=\"\(left + plotWidth)\" y2=\"\(bottom)\" stroke=\"#57606a\"/>"
        svg += "<line x1=\"\(left)\" y1=\"\(bottom - plotHeight)\" x2=\"\(left)\" y2=\"\(bottom)\" stroke=\"#57606a\"/>"
        svg += "<text x=\"\(left - 6)\" y=\"\(bottom)\" font-size=\"11\" text-anchor=\"end\">0</text>"
        svg += "<text x=\"\(left - 6)\" y=\"\(y(top) + 10)\" font-size=\"11\" text-anchor=\"end\">\(top)</text>"
        svg += "<line class=\"purchased\" x1=\"\(left)\" y1=\"\(y(limit))\" x2=\"\(left + plotWidth)\" y2=\"\(y(limit))\" stroke=\"#b42318\" stroke-dasharray=\"6 4\"/>"
        svg += "<text x=\"\(left + plotWidth)\" y=\"\(y(limit) - 4)\" font-size=\"11\" text-anchor=\"end\" fill=\"#b42318\">purchased: \(limit)</text>"
        let points = values.enumerated().map { "\(x($0.offset)),\(y($0.element))" }.joined(separator: " ")
        svg += "<polyline class=\"users\" points=\"\(points)\" fill=\"none\" stroke=\"#0b3d91\" stroke-width=\"2\"/>"
        for (index, value) in values.enumerated() where value > limit {
            svg += "<circle cx=\"\(x(index))\" cy=\"\(y(value))\" r=\"3\" fill=\"#b42318\"/>"
        }
        if let first = days.first, let last = days.last {
            svg += "<text x=\"\(left)\" y=\"\(bottom + 16)\" font-size=\"11\">\(first.iso8601.prefix(10))</text>"
            svg += "<text x=\"\(left + plotWidth)\" y=\"\(bottom + 16)\" font-size=\"11\" text-anchor=\"end\">\(last.iso8601.prefix(10))</text>"
        }
        return svg + "</svg>"
    }

    /// Text made safe inside SVG (and HTML).
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
