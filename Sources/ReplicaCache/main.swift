import CEventShim
import Protocol
import Storage

print(event_get_version().map { String(cString: $0) } ?? "")
