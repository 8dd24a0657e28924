/// What the commands of one read batch need to know about the replies queued before them.
struct ReplyBatch {
    /// Where the last completed retrieval reply ends in the output buffer.
    var retrievalReplyEnd = 0
}
