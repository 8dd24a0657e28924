/// How a stream resumes: from the backlog, or by walking the whole store first.
public enum StreamMode: UInt8, Sendable {
    case partial = 0
    case full = 1
}
