/// How keys are drawn from memtier-1 ... memtier-K.
enum KeyPattern: String {
    case random
    case sequential
    case gaussian
}
