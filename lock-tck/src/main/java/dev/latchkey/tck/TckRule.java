package dev.latchkey.tck;

import dev.latchkey.Capability;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a rule: a method {@code static void XX_nn_statesTheRule(Ctx c)} of a {@link TckGroup} class. The
 * method name gives the id ({@code XX-nn}) and states the rule.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface TckRule {
    Level level();

    /** The capability the rule checks; none means the core contract every backend must keep. */
    Capability[] checks() default {};

    /** Faults the rule needs. */
    FaultKind[] needs() default {};
}
