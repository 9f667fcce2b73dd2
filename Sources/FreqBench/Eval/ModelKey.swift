/// Upstream's model key, `backbone<B>_pretrained<P>` (e.g. `backboneViT-B-32_pretrainedlaion400m`).
public struct ModelKey: Sendable, Equatable, CustomStringConvertible {
    public let backbone: String
    public let pretrained: String

    public init(backbone: String, pretrained: String) {
        self.backbone = backbone
        self.pretrained = pretrained
    }

    /// Parses a key; any other text is kept whole as the backbone with an empty pretraining name.
    public init(parsing key: String) {
        if key.hasPrefix("backbone"), let marker = key.range(of: "_pretrained") {
            backbone = String(key[key.index(key.startIndex, offsetBy: 8)..<marker.lowerBound])
            pretrained = String(key[marker.upperBound...])
        } else {
            backbone = key
            pretrained = ""
        }
    }

    public var description: String {
        pretrained.isEmpty && !backbone.hasPrefix("backbone") ? backbone : "backbone\(backbone)_pretrained\(pretrained)"
    }
}
