import Protocol
import Storage

/// Warm-up read-through: which keys of a retrieval miss locally, so the connection can ask the peer for them
/// before the request runs. Nothing here counts or touches anything; the request itself runs afterwards.
extension CommandExecutor {
    /// The keys of a `get`/`gets`/`gat`/`gats`/`mg` that this node lacks, nil when none (or not a retrieval).
    func readThroughKeys(for command: Command, request bytes: UnsafeRawBufferPointer) -> [[UInt8]]? {
        var missing: [[UInt8]] = []
        switch command {
        case .retrieve(let retrieval):
            for key in KeyList(bytes, keys: retrieval.keys) where key.count <= maxKeyLength {
                let keyBytes = UnsafeRawBufferPointer(rebasing: bytes[key])
                if !cache.hasLiveItem(key: keyBytes) { missing.append(Array(keyBytes)) }
            }
        case .meta(let meta) where meta.kind == .get:
            let flags = meta.flags(in: bytes)
            var key = Array(UnsafeRawBufferPointer(rebasing: bytes[meta.key]))
            if flags.base64 {
                var decoded = [UInt8](repeating: 0, count: meta.key.count)
                let length = decoded.withUnsafeMutableBytes { scratch in
                    Base64.decode(bytes.baseAddress!, meta.key, into: scratch.baseAddress!)
                }
                guard let length else { return nil }
                key = Array(decoded[..<length])
            }
            let present = key.withUnsafeBytes { cache.hasLiveItem(key: $0) }
            if !present, !key.isEmpty, key.count <= maxKeyLength { missing.append(key) }
        default:
            return nil
        }
        return missing.isEmpty ? nil : missing
    }

    /// The key of a binary GET/GETK/GAT/GATK (quiet or not) that this node lacks; nil otherwise, and before
    /// a required SASL login.
    func readThroughKeys(binary request: BinaryRequest, request bytes: UnsafeRawBufferPointer, session: ClientSession)
        -> [[UInt8]]?
    {
        switch request.operation {
        case .get, .getAndTouch: break
        default: return nil
        }
        guard !server.settings.saslEnabled || session.authenticated else { return nil }
        let key = UnsafeRawBufferPointer(rebasing: bytes[request.key])
        guard !key.isEmpty, key.count <= maxKeyLength, !cache.hasLiveItem(key: key) else { return nil }
        return [Array(key)]
    }
}
