package dev.chromaj.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a type (or a whole package) that is {@code public} only so that another chromaj module can use it: it is
 * internal to chromaj, used by {@code chroma-core}, and not a stable API. It may change or disappear in any release,
 * without notice or deprecation. Applications use the API of package {@code dev.chromaj} (module
 * {@code chroma-core}) and of the integration modules' own packages instead.
 *
 * <p>Nothing enforces this at run time (chromaj ships no module descriptors), so the marker states it for readers
 * and tools. It is retained in class files, so that API checkers can exclude the marked types.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.PACKAGE})
public @interface Internal {}
