package dev.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

/** Runs lockctl in-process, as a user would from a shell, capturing stdout and stderr; and the tests' time scale. */
final class Cli {
    private static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final double SCALE = scale();

    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }

        /** stdout as exactly one JSON document (nothing before or after it), or a test failure. */
        JsonNode json() {
            try {
                JsonNode doc = STRICT.readTree(out);
                assertTrue(doc != null && doc.isObject(), () -> "stdout is not one JSON object:\n" + this);
                return doc;
            } catch (JsonProcessingException e) {
                return fail("stdout is not exactly one JSON document (" + e.getOriginalMessage() + "):\n" + this);
            }
        }
    }

    private Cli() {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = Lockctl.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private static double scale() {
        String v = System.getProperty("latchkey.timeScale");
        if (v == null || v.isBlank()) {
            v = System.getenv("LATCHKEY_TIME_SCALE");
        }
        return v == null || v.isBlank() ? 1 : Double.parseDouble(v.strip());
    }

    /** A limit stretched by latchkey.timeScale (or LATCHKEY_TIME_SCALE) for a loaded machine. */
    static Duration scaled(Duration limit) {
        return Duration.ofMillis((long) (limit.toMillis() * SCALE));
    }
}
