/// The per-worker request counters `stats` reports, under memcached's names.
enum Counter: Int, CaseIterable {
    case cmdGet, cmdSet, cmdFlush, cmdTouch, cmdMeta
    case getHits, getMisses
    case deleteMisses, deleteHits
    case incrMisses, incrHits, decrMisses, decrHits
    case casMisses, casHits, casBadval
    case touchHits, touchMisses
    case storeTooLarge, storeNoMemory
    case authCmds, authErrors
    case idleKicks
    case bytesRead, bytesWritten
    case connYields

    var statName: StaticString {
        switch self {
        case .cmdGet: "cmd_get"
        case .cmdSet: "cmd_set"
        case .cmdFlush: "cmd_flush"
        case .cmdTouch: "cmd_touch"
        case .cmdMeta: "cmd_meta"
        case .getHits: "get_hits"
        case .getMisses: "get_misses"
        case .deleteMisses: "delete_misses"
        case .deleteHits: "delete_hits"
        case .incrMisses: "incr_misses"
        case .incrHits: "incr_hits"
        case .decrMisses: "decr_misses"
        case .decrHits: "decr_hits"
        case .casMisses: "cas_misses"
        case .casHits: "cas_hits"
        case .casBadval: "cas_badval"
        case .touchHits: "touch_hits"
        case .touchMisses: "touch_misses"
        case .storeTooLarge: "store_too_large"
        case .storeNoMemory: "store_no_memory"
        case .authCmds: "auth_cmds"
        case .authErrors: "auth_errors"
        case .idleKicks: "idle_kicks"
        case .bytesRead: "bytes_read"
        case .bytesWritten: "bytes_written"
        case .connYields: "conn_yields"
        }
    }
}
