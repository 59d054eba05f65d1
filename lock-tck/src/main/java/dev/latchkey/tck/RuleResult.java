package dev.latchkey.tck;

/**
 * The result of one rule for one backend, as stored in the JSON report. Immutable and thread-safe.
 *
 * @param id         the rule id, {@code MX-02}
 * @param name       the rule's name, which states it
 * @param level      the rule's level
 * @param group      the rule's group
 * @param capability the capability checked, or {@code "core"}
 * @param outcome    what happened
 * @param durationMs how long the rule ran
 * @param message    the evidence for a FAIL or OBSERVED_UNSAFE, the reason for a SKIPPED, measurements otherwise
 */
public record RuleResult(String id, String name, Level level, String group, String capability, Outcome outcome,
                         long durationMs, String message) {

    /** Whether the outcome is a failure of something the backend claims. */
    public boolean failed() {
        return outcome == Outcome.FAIL;
    }

    @Override
    public String toString() {
        return name + " [" + level + ", " + capability + "]: " + outcome + (message.isEmpty() ? "" : " — " + message);
    }
}
