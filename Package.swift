// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "FreqBench",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "FreqBench", targets: ["FreqBench"]),
        .executable(name: "freqbench", targets: ["freqbench"]),
        // libtorch code, loaded by CTorchBridge with dlopen on first use (never linked into
        // the executable, so commands that do not use torch start without loading libtorch).
        .library(name: "FreqBenchTorch", type: .dynamic, targets: ["FreqBenchTorch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        // System libraries (Debian packages installed by ci/setup).
        .systemLibrary(name: "CCBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CGit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"])]),
        .systemLibrary(name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(name: "CRoaring", providers: [.apt(["libroaring-dev"])]),
        // OpenSSL's libcrypto: SHA-256 with the CPU's SHA instructions (corpus, plan and index digests).
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // xxHash: XXH3-128, the fast checksum of a plan's byte ranges.
        .systemLibrary(name: "CXXHash", pkgConfig: "libxxhash", providers: [.apt(["libxxhash-dev"])]),
        // glibc's <malloc.h> (mallopt), for AllocatorTuning; part of libc, nothing to install.
        .systemLibrary(name: "CMalloc"),
        // A small C API over libtorch; Swift never sees C++. It forwards to FreqBenchTorch,
        // loaded on first use (see Sources/CTorchBridge/CTorchBridge.c).
        .target(name: "CTorchBridge", linkerSettings: [.linkedLibrary("dl")]),
        // A small C API over Apache Arrow's Parquet reader (native/parquet, built by
        // ci/setup-arrow against the pinned pyarrow wheel), loaded with dlopen on first use.
        .target(name: "CParquetBridge", linkerSettings: [.linkedLibrary("dl")]),
        // CRC32C with the CPU's crc32 instruction: checksums of text index lists and sections.
        .target(name: "CChecksum"),
        // The libtorch implementation, built as libFreqBenchTorch.so.
        .target(
            name: "FreqBenchTorch",
            cxxSettings: [
                .define("_GLIBCXX_USE_CXX11_ABI", to: "1"),
                // torch-api is a committed symlink to /usr/include/torch/csrc/api/include.
                .headerSearchPath("torch-api"),
            ],
            linkerSettings: [
                .linkedLibrary("torch"),
                .linkedLibrary("torch_cpu"),
                .linkedLibrary("c10"),
            ]
        ),
        .target(
            name: "FreqBench",
            dependencies: [
                "CCBLAS", "CHDF5", "CGit2", "CArchive", "CRoaring", "CMalloc", "CTorchBridge", "CCrypto", "CXXHash", "CParquetBridge", "CChecksum",
                .product(name: "Collections", package: "swift-collections"),
            ],
            // Data the code reads at run time (Bundle.module): the beyond-tail estimator's dataset rules.
            resources: [.copy("Resources/beyond-tail-rules.json")]
        ),
        .executableTarget(
            name: "freqbench",
            dependencies: [
                "FreqBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "FreqBenchTests",
            // CGit2: GoldenTests create the repository that `golden fetch` reads with libgit2.
            dependencies: ["FreqBench", "CGit2"]
        ),
    ],
    cxxLanguageStandard: .cxx17
)
