/// Where a TLS handshake stands after a step.
enum TLSProgress {
    case done
    case wantsRead
    case wantsWrite
    case failed(String)
}
