package replicacache.clients;

import java.util.Arrays;
import java.util.Objects;

/** One line per check (`ok name` or `FAIL name: ...`) and the closing `N passed, M failed`. */
final class CheckLog {
    /** A check body that may throw; a throw is a failure of that check only. */
    interface Body {
        void run() throws Exception;
    }

    private int passed;
    private int failed;
    private String scope = "";

    void enter(String suiteName) {
        scope = suiteName + ": ";
    }

    boolean expect(String name, Object expected, Object actual) {
        if (equal(expected, actual)) {
            return pass(name);
        }
        return fail(name, "expected " + render(expected) + ", got " + render(actual));
    }

    boolean expectTrue(String name, boolean condition, String detail) {
        return condition ? pass(name) : fail(name, detail);
    }

    /** Runs `body`; an exception fails the check named `name` and nothing else. */
    void run(String name, Body body) {
        try {
            body.run();
        } catch (Exception | AssertionError error) {
            fail(name, "threw " + describe(error));
        }
    }

    boolean pass(String name) {
        passed++;
        System.out.println("ok   " + scope + name);
        return true;
    }

    boolean fail(String name, String detail) {
        failed++;
        System.out.println("FAIL " + scope + name + ": " + detail);
        return false;
    }

    int failures() {
        return failed;
    }

    String summary() {
        return passed + " passed, " + failed + " failed";
    }

    static String describe(Throwable error) {
        StringBuilder text = new StringBuilder(error.toString());
        for (Throwable cause = error.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append(" <- ").append(cause);
        }
        return text.toString();
    }

    private static boolean equal(Object expected, Object actual) {
        if (expected instanceof byte[] left && actual instanceof byte[] right) {
            return Arrays.equals(left, right);
        }
        return Objects.equals(expected, actual);
    }

    private static String render(Object value) {
        if (value instanceof byte[] bytes) {
            return "byte[" + bytes.length + "]";
        }
        String text = String.valueOf(value);
        return text.length() > 120 ? text.substring(0, 120) + "...(" + text.length() + " chars)" : text;
    }
}
