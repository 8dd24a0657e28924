package replicacache.clients;

/** Sorts a call that should be turned down: "refused", or what it answered instead. */
final class Outcome {
    interface Attempt {
        Object call() throws Exception;
    }

    private Outcome() {}

    /**
     * "refused" for an exception, a null read, a false write or -1 from incr/decr; anything else
     * comes back as "answered VALUE". The detail is printed, as the ways of refusing differ.
     */
    static String of(Attempt attempt) {
        String detail = detail(attempt);
        boolean refused = detail.startsWith("error ") || detail.equals("result null")
                || detail.equals("result false") || detail.equals("result -1");
        System.out.println("     (" + detail + ")");
        return refused ? "refused" : "answered " + detail.substring("result ".length());
    }

    /** "result VALUE" or "error MESSAGE" with the message of the innermost cause. */
    static String detail(Attempt attempt) {
        try {
            return "result " + attempt.call();
        } catch (Exception error) {
            Throwable cause = error;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            return "error " + cause.getMessage();
        }
    }
}
