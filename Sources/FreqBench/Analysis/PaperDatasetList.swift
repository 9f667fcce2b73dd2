/// The ordered lists of downstream datasets the paper's figures concatenate (upstream README §2).
/// Order matters: pairs are gathered dataset by dataset in this order.
public enum PaperDatasetList {
    /// ZS18, the integrated and image (RAM++) zero-shot figures: the 19 classification sets
    /// without imagenet-r, in notebook order.
    public static let zeroShot18 = [
        "imagenet", "cifar10", "cifar100", "caltech101", "caltech256", "sun397", "birdsnap", "country211",
        "cub", "dtd", "eurosat", "fgvcaircraft", "flowers102", "food101", "imagenet-sketch", "oxfordpets",
        "stanfordcars", "ucf101",
    ]
    /// ZS17, the text (lemmatized, lowercased) zero-shot figures: ZS18 without imagenet-sketch,
    /// because cc3m and cc12m have no imagenet-sketch text counts (used for every PT).
    public static let zeroShot17 = zeroShot18.filter { $0 != "imagenet-sketch" }
    /// The retrieval figures: coco, then flickr.
    public static let retrieval = ["coco", "flickr"]
    /// The t2i figures read the single concept set `t2i`.
    public static let textToImage = ["t2i"]
}
