package dev.latchkey.tck;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Names the rule group of a class of {@link TckRule}s. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@interface TckGroup {
    String value();
}
