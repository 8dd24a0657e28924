import Storage

/// Collects the states a cache reports to a `changed` closure.
final class StateLog {
    private(set) var states: [RecordedState] = []

    func record(_ state: ItemState) {
        states.append(RecordedState(state))
    }
}
