package dev.chromaj.segment.filter;

import dev.chromaj.annotations.Internal;
import java.util.List;

/**
 * A {@code where} filter over record metadata (and ids), as Chroma defines it. Scalar values are normalized:
 * {@code String}, {@code Long} (all integers), {@code Double} (all floats), {@code Boolean}. Integers and floats
 * compare numerically with each other (5 equals 5.0).
 *
 * <p>Negations ({@code $ne}, {@code $nin}, {@code $not_contains}) match records that lack the key.
 */
@Internal
public sealed interface MetadataFilter {

    /** Comparison operators of {@link Comparison}. */
    enum Op {
        EQ,
        NE,
        GT,
        GTE,
        LT,
        LTE
    }

    /** Every child matches. At least one child. */
    record And(List<MetadataFilter> children) implements MetadataFilter {
        public And {
            children = List.copyOf(children);
        }
    }

    /** Some child matches. At least one child. */
    record Or(List<MetadataFilter> children) implements MetadataFilter {
        public Or {
            children = List.copyOf(children);
        }
    }

    /** {@code {key: {$op: value}}}; value is a normalized scalar (ordering ops only take numbers). */
    record Comparison(String key, Op op, Object value) implements MetadataFilter {}

    /** {@code $in} ({@code negated == false}) or {@code $nin} over a non-empty list of normalized scalars. */
    record Membership(String key, boolean negated, List<Object> values) implements MetadataFilter {
        public Membership {
            values = List.copyOf(values);
        }
    }

    /** {@code $contains} / {@code $not_contains} on a metadata key: membership of a scalar in an array value. */
    record ArrayContains(String key, boolean negated, Object value) implements MetadataFilter {}

    /** The record's id is one of {@code ids}. */
    record IdIn(List<String> ids) implements MetadataFilter {
        public IdIn {
            ids = List.copyOf(ids);
        }
    }
}
