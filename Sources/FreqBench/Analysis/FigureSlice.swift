/// A Python slice `[start:end]` of a figure's bins, the points the paper's plots fit and show.
public struct FigureSlice: Sendable, Equatable, CustomStringConvertible {
    /// Python start index (negative counts from the end); `nil` = from the first bin.
    public var start: Int?
    /// Python end index, exclusive (negative counts from the end); `nil` = through the last bin.
    public var end: Int?

    public init(start: Int?, end: Int?) {
        self.start = start
        self.end = end
    }

    /// `[1:-1]`: zero-shot plots of cc3m, cc12m, yfcc15m and laion200m (drops the minimum-count bin and the last bin).
    public static let interior = FigureSlice(start: 1, end: -1)
    /// `[2:-1]`: zero-shot plots of laion400m.
    public static let laion400m = FigureSlice(start: 2, end: -1)
    /// `[0:-4]`: zero-shot plots of synthci30m (the first 8 of 12 bins).
    public static let synthci30m = FigureSlice(start: 0, end: -4)
    /// `[-4:]`: retrieval (and t2i) plots, the last four bins.
    public static let lastFour = FigureSlice(start: -4, end: nil)

    /// The slice the zero-shot plots (upstream README §4.5, §4.6) use for a pretraining set.
    public static func zeroShotPlot(pretraining: String) -> FigureSlice {
        switch pretraining {
        case "laion400m": return .laion400m
        case "synthci30m": return .synthci30m
        default: return .interior
        }
    }

    /// The index range this slice selects from `count` items, clamped as Python does.
    public func range(count: Int) -> Range<Int> {
        func resolve(_ index: Int?, default value: Int) -> Int {
            guard let index else { return value }
            return index < 0 ? max(0, count + index) : min(index, count)
        }
        let lower = resolve(start, default: 0)
        let upper = resolve(end, default: count)
        return lower..<max(lower, upper)
    }

    /// The selected items.
    public func apply<T>(_ items: [T]) -> [T] { Array(items[range(count: items.count)]) }

    public var description: String {
        "[\(start.map(String.init) ?? ""):\(end.map(String.init) ?? "")]"
    }
}
