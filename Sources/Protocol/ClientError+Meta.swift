extension ClientError {
    /// A meta flag letter memcached does not know.
    public static let invalidFlag = ClientError.message("CLIENT_ERROR invalid flag")
    /// A meta flag given twice, or one starting with a byte above 126.
    public static let duplicateFlag = ClientError.message("CLIENT_ERROR duplicate flag")
    /// `md`/`ma` report every flag error with this one text.
    public static let invalidOrDuplicateFlag = ClientError.message("CLIENT_ERROR invalid or duplicate flag")
    /// `N`, `T`, `R` or `C` without a number.
    public static let badToken = ClientError.message("CLIENT_ERROR bad token in command line format")
    /// A `b` key that is not base64 by memcached's decoder.
    public static let keyDecoding = ClientError.message("CLIENT_ERROR error decoding key")
    /// `M` with other than exactly one mode letter.
    public static let modeTokenLength = ClientError.message("CLIENT_ERROR incorrect length for M token")
    public static let invalidInitial = ClientError.message("CLIENT_ERROR invalid numeric initial value")
    public static let invalidDeltaValue = ClientError.message("CLIENT_ERROR invalid numeric delta value")
    /// `mg` with 19 or more flags (memcached words it differently for the other commands).
    public static let getFlagsTooLong = ClientError.message("CLIENT_ERROR options flags are too long")
    public static let flagsTooLong = ClientError.message("CLIENT_ERROR options flags too long")
    public static let invalidSetMode = ClientError.message("CLIENT_ERROR invalid mode for ms M token")
    public static let invalidArithmeticMode = ClientError.message("CLIENT_ERROR invalid mode for ma M token")
    /// An `O` token over 32 bytes.
    public static let opaqueTooLong = ClientError.message("CLIENT_ERROR opaque token too long")
}
