extension TextParser {
    /// `flush_all [delay] [noreply]`; memcached reads a delay from any second token but `noreply`.
    func flushAll(_ line: RequestLine) -> ParseOutcome {
        let tokens = line.tokens()
        guard tokens.count <= 3 else { return line.reject(.unknownCommand) }
        let noreply = tokens.lastIsNoreply
        var delay: Int64? = 0
        if tokens.count != (noreply ? 2 : 1) {
            delay = line.base.parseInt32(tokens[1]).map(Int64.init)
        }
        return line.accept(.flushAll(delay: delay, noreply: noreply))
    }

    /// `verbosity <level> [noreply]`; a third token that is not `noreply` is ignored.
    func verbosity(_ line: RequestLine) -> ParseOutcome {
        let tokens = line.tokens()
        guard tokens.count == 2 || tokens.count == 3 else { return line.reject(.unknownCommand) }
        let noreply = tokens.lastIsNoreply
        guard let level = line.base.parseUInt32(tokens[1]) else {
            return line.reject(.badCommandLineFormat, noreply: noreply)
        }
        return line.accept(.verbosity(level: Int(level), noreply: noreply))
    }

    /// `shutdown [graceful]`, refused outright unless enabled.
    func shutdown(_ line: RequestLine) -> ParseOutcome {
        guard shutdownEnabled else { return line.reject(.shutdownNotEnabled) }
        let tokens = line.tokens()
        if tokens.count == 1 { return line.accept(.shutdown(graceful: false)) }
        if tokens.count == 2 && line.base.matches(tokens[1], "graceful") {
            return line.accept(.shutdown(graceful: true))
        }
        return line.reject(.invalidShutdownMode)
    }

    /// `stats [group]`; memcached ignores tokens after the group.
    func stats(_ line: RequestLine) -> ParseOutcome {
        let tokens = line.tokens()
        guard tokens.count > 1 else { return line.accept(.stats(.general)) }
        let base = line.base
        let group = tokens[1]
        let parsed: StatsGroup =
            if base.matches(group, "settings") {
                .settings
            } else if base.matches(group, "items") {
                .items
            } else if base.matches(group, "slabs") {
                .slabs
            } else if base.matches(group, "conns") {
                .conns
            } else if base.matches(group, "reset") {
                .reset
            } else if base.matches(group, "replication") {
                .replication
            } else if base.matches(group, "sizes") {
                .sizes
            } else if base.matches(group, "detail") {
                .detail
            } else {
                .unknown
            }
        if parsed == .detail {
            // Per-prefix detail is not kept; only memcached's usage error is reproduced exactly.
            let known = tokens.count > 2 && ["on", "off", "dump"].contains { base.matches(tokens[2], $0) }
            if !known { return line.reject(.statsDetailUsage) }
        }
        return line.accept(.stats(parsed))
    }

    /// `lru_crawler metadump <all|hash|classes>`; the crawler's other subcommands are not served.
    func lruCrawler(_ line: RequestLine) -> ParseOutcome {
        let tokens = line.tokens()
        guard tokens.count == 3 && line.base.matches(tokens[1], "metadump") else {
            return line.reject(.unknownCommand)
        }
        return line.accept(.lruCrawlerMetadump(selection: tokens[2]))
    }
}
