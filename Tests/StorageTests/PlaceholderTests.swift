import Storage
import Testing
@Test func placeholder() { _ = Placeholder() }
