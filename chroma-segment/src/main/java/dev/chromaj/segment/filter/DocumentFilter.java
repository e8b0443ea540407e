package dev.chromaj.segment.filter;

import com.google.re2j.Pattern;
import dev.chromaj.annotations.Internal;
import java.util.List;

/**
 * A {@code where_document} filter, as Chroma defines it: case-sensitive substring and regular-expression tests on
 * the record's document. A record without a document matches only the negated forms.
 */
@Internal
public sealed interface DocumentFilter {

    /** Every child matches. */
    record And(List<DocumentFilter> children) implements DocumentFilter {
        public And {
            children = List.copyOf(children);
        }
    }

    /** Some child matches. */
    record Or(List<DocumentFilter> children) implements DocumentFilter {
        public Or {
            children = List.copyOf(children);
        }
    }

    /** {@code $contains} / {@code $not_contains}: case-sensitive substring. */
    record Contains(String text, boolean negated) implements DocumentFilter {}

    /** {@code $regex} / {@code $not_regex}: RE2 syntax, {@link com.google.re2j.Matcher#find()} semantics (linear time). */
    record Regex(Pattern pattern, boolean negated) implements DocumentFilter {}
}
