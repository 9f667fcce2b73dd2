/// Renders a `Report` as JUnit XML for CI test-result viewers: one `<testsuite>` per check
/// suite, one `<testcase>` per check (`classname` = suite, `name` = check name).
///
/// Status mapping: `failed` → `<failure>` (message = detail; body = expected, got,
/// deviation); `skipped` → `<skipped message=reason>`; `expected-deviation` → a passing test
/// case whose `<system-out>` starts with `expected deviation:` and gives the reason and values
/// (it is not a failure of the run, and JUnit's "skipped" would wrongly say it did not run);
/// `passed` → an empty test case. Provenance is written as `<properties>` of each suite.
public struct JUnitReportRenderer: Sendable {
    public init() {}

    public func render(_ report: Report) -> String {
        let groups = report.checksBySuite
        let failures = report.checks.filter { $0.status == .failed }.count
        let skipped = report.checks.filter { $0.status == .skipped }.count
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"freqbench verify\" tests=\"\(report.checks.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\">\n"
        var properties: [(String, String)] = [
            ("tool_version", report.provenance.toolVersion),
            ("git_commit", report.provenance.gitCommit ?? ""),
            ("git_dirty", report.provenance.gitDirty ? "true" : "false"),
        ]
        if let upstream = report.upstream {
            properties += [("upstream_lock_sha256", upstream.lockSHA256), ("upstream_repository", upstream.repository),
                           ("upstream_commit", upstream.commit)]
        }
        properties.append(("verdict", report.verdict.rawValue))
        for (suite, checks) in groups {
            let suiteFailures = checks.filter { $0.status == .failed }.count
            let suiteSkipped = checks.filter { $0.status == .skipped }.count
            xml += "  <testsuite name=\"\(escape(suite))\" tests=\"\(checks.count)\" failures=\"\(suiteFailures)\" errors=\"0\" skipped=\"\(suiteSkipped)\">\n"
            xml += "    <properties>\n"
            for (name, value) in properties {
                xml += "      <property name=\"\(name)\" value=\"\(escape(value))\"/>\n"
            }
            xml += "    </properties>\n"
            for check in checks {
                let opening = "    <testcase classname=\"\(escape(suite))\" name=\"\(escape(check.name))\""
                switch check.status {
                case .passed:
                    xml += opening + "/>\n"
                case .failed:
                    xml += opening + ">\n      <failure message=\"\(escape(check.detail.isEmpty ? "failed" : check.detail))\" type=\"failed\">\(escape(values(check)))</failure>\n    </testcase>\n"
                case .skipped:
                    xml += opening + ">\n      <skipped message=\"\(escape(check.detail))\"/>\n    </testcase>\n"
                case .expectedDeviation:
                    xml += opening + ">\n      <system-out>\(escape("expected deviation: \(check.detail)\n\(values(check))"))</system-out>\n    </testcase>\n"
                }
            }
            xml += "  </testsuite>\n"
        }
        xml += "</testsuites>\n"
        return xml
    }

    private func values(_ check: Check) -> String {
        var lines = ["expected: \(check.expected)", "got: \(check.got)"]
        if let deviation = check.deviation { lines.append("deviation: \(JSONNumber.format(deviation))") }
        return lines.joined(separator: "\n")
    }

    private func escape(_ text: String) -> String { MarkupEscaping.escape(text) }
}
