package dev.latchkey.tck;

import dev.latchkey.Capability;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One conformance rule: its id ({@code MX-02}), its name, which states it
 * ({@code MX_02_noOverlappingCriticalSections}), its level, group, the capability it checks and the
 * faults it needs. {@link #all()} is the one list of rules that every entry point runs.
 *
 * <p>Immutable and thread-safe.
 */
public final class Rule {
    private static final Pattern NAME = Pattern.compile("([A-Z]{2})_(\\d{2})_[a-z][A-Za-z0-9]*");
    private static final List<Class<?>> GROUPS = List.of(
            MutualExclusionRules.class, OwnershipRules.class, ReentrancyRules.class, TimeoutRules.class,
            InterruptionRules.class, ExpiryRules.class, RenewalRules.class, FencingRules.class,
            FairnessRules.class, AsyncRules.class, NoPollingRules.class, ClockSkewRules.class, FaultRules.class,
            LateGrantRules.class, AdminRules.class, LifecycleRules.class, FailoverRules.class);
    private static final List<Rule> ALL = discover();

    private final String id;
    private final String name;
    private final Level level;
    private final String group;
    private final Optional<Capability> capability;
    private final Set<FaultKind> needs;
    final Method body;

    private Rule(Method body, TckRule meta, String group) {
        Matcher m = NAME.matcher(body.getName());
        if (!m.matches() || meta.checks().length > 1) {
            throw new IllegalStateException("malformed rule " + body);
        }
        this.id = m.group(1) + "-" + m.group(2);
        this.name = body.getName();
        this.level = meta.level();
        this.group = group;
        this.capability = meta.checks().length == 0 ? Optional.empty() : Optional.of(meta.checks()[0]);
        this.needs = Set.of(meta.needs());
        this.body = body;
        body.setAccessible(true);
    }

    /** Every rule, by group, then id. */
    public static List<Rule> all() {
        return ALL;
    }

    /**
     * The ids of every rule that needs none of {@code faults}: for a row whose harness cannot inject them by its
     * nature (and whose other rows run those rules), so that its report does not list them as skipped.
     */
    public static List<String> idsWithout(FaultKind... faults) {
        Set<FaultKind> excluded = Set.of(faults);
        return ALL.stream().filter(r -> r.needs.stream().noneMatch(excluded::contains)).map(Rule::id).toList();
    }

    /** {@code MX-02}. */
    public String id() {
        return id;
    }

    /** The method name, which states the rule: {@code MX_02_noOverlappingCriticalSections}. */
    public String name() {
        return name;
    }

    public Level level() {
        return level;
    }

    /** The group, e.g. {@code "mutual exclusion"}. */
    public String group() {
        return group;
    }

    /** The capability checked; empty for the core contract that binds every backend. */
    public Optional<Capability> capability() {
        return capability;
    }

    /** {@link #capability()}'s name, or {@code "core"}. */
    public String capabilityName() {
        return capability.map(Enum::name).orElse("core");
    }

    /** The faults the rule needs. */
    public Set<FaultKind> needs() {
        return needs;
    }

    @Override
    public String toString() {
        return name + " [" + level + ", " + capabilityName() + "]";
    }

    private static List<Rule> discover() {
        List<Rule> out = new ArrayList<>();
        for (Class<?> type : GROUPS) {
            String group = type.getAnnotation(TckGroup.class).value();
            List<Rule> rules = new ArrayList<>();
            for (Method m : type.getDeclaredMethods()) {
                TckRule meta = m.getAnnotation(TckRule.class);
                if (meta != null) {
                    rules.add(new Rule(m, meta, group));
                }
            }
            rules.sort(Comparator.comparing(Rule::id));
            out.addAll(rules);
        }
        return List.copyOf(out);
    }
}
