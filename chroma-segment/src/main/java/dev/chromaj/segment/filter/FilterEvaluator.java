package dev.chromaj.segment.filter;

import dev.chromaj.annotations.Internal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates filters against one record at a time: used for the uncompacted log tail and to verify full-text
 * candidates. A bitmap evaluator over the metadata segment must give the same answers.
 *
 * <p>Semantics follow Chroma's metadata index, where array values are indexed per element ("exploded"):
 * <ul>
 *   <li>{@code $eq}, {@code $gt}, {@code $gte}, {@code $lt}, {@code $lte}, {@code $in} and {@code $contains} match
 *       a record whose value for the key, or any element of its array value, satisfies the comparison. A record
 *       without the key never matches them.</li>
 *   <li>{@code $ne}, {@code $nin} and {@code $not_contains} are the exact complements of {@code $eq}, {@code $in}
 *       and {@code $contains}: they match records that lack the key, records whose value has another type, and
 *       arrays with no matching element.</li>
 *   <li>Integers and floats compare numerically with each other (5 equals 5.0), exactly even for longs beyond
 *       2<sup>53</sup>. Strings equal only strings, booleans only booleans; a string never equals a number.</li>
 *   <li>Ordering operators only match numbers; a string or boolean value never satisfies them.</li>
 *   <li>Document filters see a missing document as the empty string: {@code $contains} (whose text is never
 *       empty) does not match it, {@code $not_contains} and {@code $not_regex} of a non-empty pattern do, and a
 *       regular expression that matches the empty string matches every record, as in Chroma.</li>
 * </ul>
 *
 * <p>Thread-safe: stateless, and {@link MetadataMatcher}s are immutable.
 */
@Internal
public final class FilterEvaluator {

    private static final double TWO_POW_63 = 0x1p63;

    private FilterEvaluator() {}

    /** A compiled {@link MetadataFilter}: sets are hashed once, so evaluating many records is cheap. */
    @FunctionalInterface
    public interface MetadataMatcher {
        /**
         * Tests one record.
         *
         * @param id the record's user id
         * @param metadata the record's metadata; {@code null} means no metadata
         * @return whether the record matches
         */
        boolean matches(String id, Map<String, Object> metadata);
    }

    /**
     * Tests one record against a metadata filter. For many records, {@link #compile(MetadataFilter)} once.
     *
     * @param filter the filter
     * @param id the record's user id
     * @param metadata the record's metadata, or {@code null}
     * @return whether the record matches
     */
    public static boolean matches(MetadataFilter filter, String id, Map<String, Object> metadata) {
        return compile(filter).matches(id, metadata);
    }

    /**
     * Tests a document against a document filter.
     *
     * @param filter the filter
     * @param document the record's document, or {@code null} when it has none
     * @return whether the document matches
     */
    public static boolean matches(DocumentFilter filter, String document) {
        String text = document == null ? "" : document;
        return matchesDocument(filter, text);
    }

    private static boolean matchesDocument(DocumentFilter filter, String text) {
        if (filter instanceof DocumentFilter.Contains c) {
            return text.contains(c.text()) != c.negated();
        }
        if (filter instanceof DocumentFilter.Regex r) {
            return r.pattern().matcher(text).find() != r.negated();
        }
        if (filter instanceof DocumentFilter.And and) {
            for (DocumentFilter child : and.children()) {
                if (!matchesDocument(child, text)) {
                    return false;
                }
            }
            return true;
        }
        DocumentFilter.Or or = (DocumentFilter.Or) filter;
        for (DocumentFilter child : or.children()) {
            if (matchesDocument(child, text)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Compiles a metadata filter into a reusable matcher.
     *
     * @param filter the filter
     * @return an immutable matcher
     */
    public static MetadataMatcher compile(MetadataFilter filter) {
        if (filter instanceof MetadataFilter.And and) {
            List<MetadataMatcher> children = compileAll(and.children());
            return (id, md) -> {
                for (MetadataMatcher child : children) {
                    if (!child.matches(id, md)) {
                        return false;
                    }
                }
                return true;
            };
        }
        if (filter instanceof MetadataFilter.Or or) {
            List<MetadataMatcher> children = compileAll(or.children());
            return (id, md) -> {
                for (MetadataMatcher child : children) {
                    if (child.matches(id, md)) {
                        return true;
                    }
                }
                return false;
            };
        }
        if (filter instanceof MetadataFilter.IdIn idIn) {
            Set<String> ids = new HashSet<>(idIn.ids());
            return (id, md) -> ids.contains(id);
        }
        if (filter instanceof MetadataFilter.Membership m) {
            Set<Object> keys = new HashSet<>();
            for (Object value : m.values()) {
                keys.add(hashKey(value));
            }
            String key = m.key();
            boolean negated = m.negated();
            return (id, md) -> anyValue(md, key, v -> keys.contains(hashKey(v))) != negated;
        }
        if (filter instanceof MetadataFilter.ArrayContains c) {
            String key = c.key();
            Object operand = c.value();
            boolean negated = c.negated();
            return (id, md) -> anyValue(md, key, v -> valuesEqual(v, operand)) != negated;
        }
        MetadataFilter.Comparison cmp = (MetadataFilter.Comparison) filter;
        String key = cmp.key();
        Object operand = cmp.value();
        if (cmp.op() != MetadataFilter.Op.EQ && cmp.op() != MetadataFilter.Op.NE && !isNumber(operand)) {
            throw new IllegalArgumentException(
                    "Operator " + cmp.op() + " on key '" + key + "' takes a number, got " + operand);
        }
        return switch (cmp.op()) {
            case EQ -> (id, md) -> anyValue(md, key, v -> valuesEqual(v, operand));
            case NE -> (id, md) -> !anyValue(md, key, v -> valuesEqual(v, operand));
            case GT -> (id, md) -> anyValue(md, key, v -> isNumber(v) && compareToOperand(v, operand) > 0);
            case GTE -> (id, md) -> anyValue(md, key, v -> isNumber(v) && compareToOperand(v, operand) >= 0);
            case LT -> (id, md) -> anyValue(md, key, v -> isNumber(v) && compareToOperand(v, operand) < 0);
            case LTE -> (id, md) -> anyValue(md, key, v -> isNumber(v) && compareToOperand(v, operand) <= 0);
        };
    }

    private static List<MetadataMatcher> compileAll(List<? extends MetadataFilter> filters) {
        List<MetadataMatcher> out = new ArrayList<>(filters.size());
        for (MetadataFilter f : filters) {
            out.add(compile(f));
        }
        return List.copyOf(out);
    }

    private interface ValueTest {
        boolean test(Object value);
    }

    /** Applies the test to the scalar value of {@code key}, or to each element of an array value. */
    private static boolean anyValue(Map<String, Object> metadata, String key, ValueTest test) {
        if (metadata == null) {
            return false;
        }
        Object value = metadata.get(key);
        if (value == null) {
            return false;
        }
        if (value instanceof List<?> list) {
            for (Object element : list) {
                if (element != null && test.test(element)) {
                    return true;
                }
            }
            return false;
        }
        return test.test(value);
    }

    private static int compareToOperand(Object value, Object operand) {
        return compareNumbers((Number) value, (Number) operand);
    }

    /**
     * Chroma equality of two normalized metadata scalars: numbers compare numerically (5 equals 5.0), strings and
     * booleans compare with their own type only.
     *
     * @param a a scalar ({@code String}, integral or floating {@code Number}, {@code Boolean})
     * @param b another scalar
     * @return whether they are equal under Chroma semantics
     */
    public static boolean valuesEqual(Object a, Object b) {
        if (isNumber(a) && isNumber(b)) {
            return compareNumbers((Number) a, (Number) b) == 0;
        }
        if (a instanceof String || a instanceof Boolean) {
            return a.equals(b);
        }
        return false;
    }

    /**
     * Compares two numbers exactly: integers as 64-bit longs, floats as doubles, a long against a double without
     * rounding the long (so {@code 2^53 + 1} is greater than {@code 2^53} as a double). NaN is not expected (metadata
     * validation rejects it) and sorts above everything.
     *
     * @param a an integral ({@code Long}, {@code Integer}, {@code Short}, {@code Byte}) or floating number
     * @param b another number
     * @return negative, zero or positive as {@code a} is less than, equal to or greater than {@code b}
     */
    public static int compareNumbers(Number a, Number b) {
        boolean aIntegral = isIntegral(a);
        boolean bIntegral = isIntegral(b);
        if (aIntegral && bIntegral) {
            return Long.compare(a.longValue(), b.longValue());
        }
        if (!aIntegral && !bIntegral) {
            return Double.compare(a.doubleValue() + 0.0, b.doubleValue() + 0.0);
        }
        if (aIntegral) {
            return compareLongToDouble(a.longValue(), b.doubleValue());
        }
        return -compareLongToDouble(b.longValue(), a.doubleValue());
    }

    private static int compareLongToDouble(long l, double d) {
        if (Double.isNaN(d)) {
            return -1;
        }
        if (d >= TWO_POW_63) {
            return -1;
        }
        if (d < -TWO_POW_63) {
            return 1;
        }
        // |d| < 2^63 here, so truncation is exact and the fractional part decides ties.
        long truncated = (long) d;
        if (l != truncated) {
            return Long.compare(l, truncated);
        }
        double fraction = d - (double) truncated;
        return fraction > 0 ? -1 : fraction < 0 ? 1 : 0;
    }

    /**
     * A key with which equal values (under {@link #valuesEqual}) are {@code equals}: integral doubles become longs.
     */
    private static Object hashKey(Object value) {
        if (isIntegral(value)) {
            return ((Number) value).longValue();
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (d >= -TWO_POW_63 && d < TWO_POW_63 && d == Math.rint(d)) {
                return (long) d;
            }
            return d;
        }
        return value;
    }

    private static boolean isNumber(Object value) {
        return isIntegral(value) || value instanceof Double || value instanceof Float;
    }

    private static boolean isIntegral(Object value) {
        return value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte;
    }
}
