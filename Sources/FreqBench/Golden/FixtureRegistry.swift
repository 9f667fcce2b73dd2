/// The stages of the Fixtures pipeline that `verify`, `golden diff` and `golden update` run,
/// in this order. Add a stage here to give it goldens.
public enum FixtureRegistry {
    public static let stages: [FixtureStage] = [
        .analysis,
        .image,
        .eval,
    ]
}
