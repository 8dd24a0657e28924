import Protocol
import Storage

extension StoreMode {
    var storeOperation: StoreOperation {
        switch self {
        case .set: .set
        case .add: .add
        case .replace: .replace
        case .append: .append
        case .prepend: .prepend
        case .cas: .cas
        }
    }
}
