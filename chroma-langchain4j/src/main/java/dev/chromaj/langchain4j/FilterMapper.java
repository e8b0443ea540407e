package dev.chromaj.langchain4j;

import dev.chromaj.InvalidArgumentException;
import dev.chromaj.Where;
import dev.langchain4j.store.embedding.filter.Filter;
import dev.langchain4j.store.embedding.filter.comparison.ContainsString;
import dev.langchain4j.store.embedding.filter.comparison.IsEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThan;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsIn;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThan;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotIn;
import dev.langchain4j.store.embedding.filter.logical.And;
import dev.langchain4j.store.embedding.filter.logical.Not;
import dev.langchain4j.store.embedding.filter.logical.Or;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Translates a LangChain4j metadata {@link Filter} into a chromaj {@link Where} that selects exactly the records
 * LangChain4j's own evaluation ({@link Filter#test(Object)}, as its in-memory store runs it) selects, or rejects it.
 *
 * <p><b>What maps, and why it is exact.</b>
 * <ul>
 *   <li>{@code IsEqualTo}, {@code IsIn}, {@code IsGreaterThan(OrEqualTo)}, {@code IsLessThan(OrEqualTo)} match only
 *       records that hold the key, as Chroma's {@code $eq $in $gt $gte $lt $lte} do; {@code IsNotEqualTo} and
 *       {@code IsNotIn} also match records without the key, as Chroma's {@code $ne} and {@code $nin} do.
 *   <li>Numbers of any LangChain4j metadata type ({@code Integer}, {@code Long}, {@code Float}, {@code Double})
 *       compare with each other by value, as LangChain4j compares them (as {@code BigDecimal}s of their decimal
 *       strings). A {@code Float} becomes the {@code double} of its decimal string ({@code 1.1f} is {@code 1.1}), the
 *       same conversion {@link ChromaEmbeddingStore} applies when it stores a {@code Float}, so {@code 1.1f} equals
 *       {@code 1.1d} here as it does in LangChain4j. Integers and doubles compare exactly in chromaj. An
 *       {@code IsIn}/{@code IsNotIn} list that mixes integers and floating-point numbers (one type per list in
 *       Chroma) becomes {@code $in} of each part joined by {@code $or} ({@code $nin} joined by {@code $and}).
 *   <li>A {@code UUID} compares as its string, the form in which the store keeps UUID metadata (LangChain4j also
 *       treats a stored string equal to a UUID's string as equal).
 *   <li>{@code And} and {@code Or} map to {@code $and} and {@code $or}. {@code Not} has no Chroma operator and is
 *       pushed down: {@code Not(IsEqualTo)} is {@code $ne}, {@code Not(IsNotEqualTo)} is {@code $eq},
 *       {@code Not(IsIn)} is {@code $nin}, {@code Not(IsNotIn)} is {@code $in}, {@code Not(Not(f))} is {@code f},
 *       and {@code Not} of {@code And}/{@code Or} follows De Morgan's laws (LangChain4j's {@code Not} is plain
 *       negation, so each rewrite selects the same records).
 * </ul>
 *
 * <p><b>What is rejected</b> (nothing is approximated):
 * <ul>
 *   <li>{@code IsGreaterThan}, {@code IsLessThan} and their {@code OrEqualTo} forms on a {@code String} or
 *       {@code UUID}: Chroma orders numbers only ({@link InvalidArgumentException}).
 *   <li>{@code Not} of an ordering comparison: LangChain4j's negation also selects records without the key, and no
 *       Chroma filter selects "key absent" ({@link InvalidArgumentException}; write the opposite comparison, which
 *       does not select records without the key, when that is what is meant).
 *   <li>Comparison values of other types ({@code Boolean}, {@code BigDecimal}, ...) or non-finite numbers, and
 *       filter classes other than LangChain4j's own ({@link InvalidArgumentException}).
 *   <li>{@code ContainsString} (a substring test on a metadata value), alone or under {@code Not}: Chroma has no
 *       substring test on metadata. It throws {@link UnsupportedOperationException}, the exception LangChain4j's
 *       contract prescribes for stores without this filter.
 * </ul>
 *
 * <p><b>Where the results can still differ from LangChain4j's in-memory store.</b> When a stored value has a type
 * the comparison cannot use (a string where the filter holds a number), LangChain4j throws while filtering; Chroma
 * lets the record not match ({@code $eq $in} and orderings) or match ({@code $ne $nin}), which cannot be detected
 * from the filter alone. And an integer compared with a floating-point value of magnitude at least 2<sup>53</sup>
 * compares exactly here, while LangChain4j compares the float's shortest decimal string.
 *
 * <p>Stateless and thread-safe.
 */
public final class FilterMapper {

    private FilterMapper() {}

    /**
     * Translates a filter.
     *
     * @param filter a LangChain4j filter, or null
     * @return the equivalent {@link Where}, or null when {@code filter} is null (no filter)
     * @throws InvalidArgumentException when the filter has no exact equivalent (see the class comment)
     * @throws UnsupportedOperationException when the filter holds a {@link ContainsString}
     */
    public static Where toWhere(Filter filter) {
        return filter == null ? null : map(filter);
    }

    private static Where map(Filter filter) {
        if (filter instanceof IsEqualTo f) {
            return Where.eq(f.key(), scalar(f.key(), f.comparisonValue(), "IsEqualTo"));
        } else if (filter instanceof IsNotEqualTo f) {
            return Where.ne(f.key(), scalar(f.key(), f.comparisonValue(), "IsNotEqualTo"));
        } else if (filter instanceof IsGreaterThan f) {
            return Where.gt(f.key(), orderable(f.key(), f.comparisonValue(), "IsGreaterThan"));
        } else if (filter instanceof IsGreaterThanOrEqualTo f) {
            return Where.gte(f.key(), orderable(f.key(), f.comparisonValue(), "IsGreaterThanOrEqualTo"));
        } else if (filter instanceof IsLessThan f) {
            return Where.lt(f.key(), orderable(f.key(), f.comparisonValue(), "IsLessThan"));
        } else if (filter instanceof IsLessThanOrEqualTo f) {
            return Where.lte(f.key(), orderable(f.key(), f.comparisonValue(), "IsLessThanOrEqualTo"));
        } else if (filter instanceof IsIn f) {
            return in(f.key(), f.comparisonValues(), "IsIn");
        } else if (filter instanceof IsNotIn f) {
            return notIn(f.key(), f.comparisonValues(), "IsNotIn");
        } else if (filter instanceof ContainsString f) {
            throw containsStringUnsupported(f);
        } else if (filter instanceof And f) {
            return Where.and(map(f.left()), map(f.right()));
        } else if (filter instanceof Or f) {
            return Where.or(map(f.left()), map(f.right()));
        } else if (filter instanceof Not f) {
            return negate(f.expression());
        }
        throw new InvalidArgumentException("Filter " + describe(filter) + " is not one of LangChain4j's filter types "
                + "(IsEqualTo, IsNotEqualTo, IsGreaterThan, IsGreaterThanOrEqualTo, IsLessThan, IsLessThanOrEqualTo, "
                + "IsIn, IsNotIn, ContainsString, And, Or, Not); chromaj cannot translate it to a Chroma where filter");
    }

    /** The Where that selects exactly the records {@code Not(filter)} selects. */
    private static Where negate(Filter filter) {
        if (filter instanceof IsEqualTo f) {
            return Where.ne(f.key(), scalar(f.key(), f.comparisonValue(), "Not(IsEqualTo)"));
        } else if (filter instanceof IsNotEqualTo f) {
            return Where.eq(f.key(), scalar(f.key(), f.comparisonValue(), "Not(IsNotEqualTo)"));
        } else if (filter instanceof IsIn f) {
            return notIn(f.key(), f.comparisonValues(), "Not(IsIn)");
        } else if (filter instanceof IsNotIn f) {
            return in(f.key(), f.comparisonValues(), "Not(IsNotIn)");
        } else if (filter instanceof Not f) {
            return map(f.expression());
        } else if (filter instanceof And f) {
            return Where.or(negate(f.left()), negate(f.right()));
        } else if (filter instanceof Or f) {
            return Where.and(negate(f.left()), negate(f.right()));
        } else if (filter instanceof ContainsString f) {
            throw containsStringUnsupported(f);
        } else if (filter instanceof IsGreaterThan
                || filter instanceof IsGreaterThanOrEqualTo
                || filter instanceof IsLessThan
                || filter instanceof IsLessThanOrEqualTo) {
            throw new InvalidArgumentException("Filter Not(" + describe(filter) + ") cannot be expressed exactly as a "
                    + "Chroma where filter: LangChain4j's Not also selects records without the key, and Chroma has no "
                    + "filter for a missing key; use the opposite comparison if records without the key need not "
                    + "match");
        }
        throw new InvalidArgumentException("Filter Not(" + describe(filter) + ") holds a filter that is not one of "
                + "LangChain4j's filter types; chromaj cannot translate it to a Chroma where filter");
    }

    private static UnsupportedOperationException containsStringUnsupported(ContainsString f) {
        return new UnsupportedOperationException("Filter " + describe(f) + " is not supported by chromaj: a Chroma "
                + "where filter has no substring test on metadata values ($contains tests membership in a list "
                + "value); keep the text in the segment and filter on exact metadata values instead");
    }

    /** A value for $eq / $ne. */
    private static Object scalar(String key, Object value, String op) {
        if (value instanceof String || value instanceof Number) {
            return value instanceof Number n ? number(key, n, op) : value;
        }
        if (value instanceof UUID uuid) {
            return uuid.toString();
        }
        throw unsupportedValue(key, value, op);
    }

    /** A value for $gt / $gte / $lt / $lte: numbers only, as in Chroma. */
    private static Number orderable(String key, Object value, String op) {
        if (value instanceof Number n) {
            return number(key, n, op);
        }
        if (value instanceof String || value instanceof UUID) {
            throw new InvalidArgumentException("Filter " + op + "(key=" + key + ", comparisonValue=" + value
                    + ") compares a " + value.getClass().getSimpleName() + " by order; a Chroma where filter orders "
                    + "numbers only ($gt, $gte, $lt, $lte), so it cannot be expressed exactly");
        }
        throw unsupportedValue(key, value, op);
    }

    /**
     * {@code $in}. LangChain4j accepts integers and floating-point numbers in one list; a Chroma list holds one type,
     * so a mixed list becomes {@code $in} of the integers or {@code $in} of the others (numeric membership either way).
     */
    private static Where in(String key, Collection<?> values, String op) {
        List<List<Object>> parts = partition(key, values, op);
        return parts.size() == 1
                ? Where.in(key, parts.get(0))
                : Where.or(Where.in(key, parts.get(0)), Where.in(key, parts.get(1)));
    }

    /** {@code $nin}; a mixed integer and floating-point list as in {@link #in}, joined with {@code $and}. */
    private static Where notIn(String key, Collection<?> values, String op) {
        List<List<Object>> parts = partition(key, values, op);
        return parts.size() == 1
                ? Where.nin(key, parts.get(0))
                : Where.and(Where.nin(key, parts.get(0)), Where.nin(key, parts.get(1)));
    }

    /** The converted values: one list, or the integers and the floating-point numbers when the list mixes them. */
    private static List<List<Object>> partition(String key, Collection<?> values, String op) {
        List<Object> integers = new ArrayList<>();
        List<Object> others = new ArrayList<>();
        for (Object value : values) {
            Object converted = scalar(key, value, op);
            (converted instanceof Long ? integers : others).add(converted);
        }
        boolean mixedNumbers =
                !integers.isEmpty() && !others.isEmpty() && others.stream().allMatch(v -> v instanceof Double);
        if (mixedNumbers) {
            return List.of(integers, others);
        }
        // strings, UUIDs, or one kind of number; a list mixing strings and numbers is rejected by Where itself
        List<Object> all = new ArrayList<>(values.size());
        all.addAll(integers);
        all.addAll(others);
        return List.of(all);
    }

    /**
     * The number chromaj compares for a LangChain4j number: integral types as {@code Long}, {@code Double} as is,
     * {@code Float} as the double of its decimal string (see {@link MetadataConversion#toChroma}).
     */
    private static Number number(String key, Number value, String op) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return value.longValue();
        }
        if (value instanceof Float f && Float.isFinite(f)) {
            return MetadataConversion.floatValue(f);
        }
        if (value instanceof Double d && Double.isFinite(d)) {
            return d;
        }
        if (value instanceof Float || value instanceof Double) {
            throw new InvalidArgumentException("Filter " + op + "(key=" + key + ", comparisonValue=" + value
                    + ") compares with a non-finite number; LangChain4j cannot compare it and Chroma rejects it");
        }
        throw unsupportedValue(key, value, op);
    }

    private static InvalidArgumentException unsupportedValue(String key, Object value, String op) {
        return new InvalidArgumentException("Filter " + op + "(key=" + key + ", comparisonValue=" + value
                + ") compares with a " + value.getClass().getName() + "; LangChain4j metadata holds String, UUID, "
                + "Integer, Long, Float and Double values only, so chromaj maps only those");
    }

    private static String describe(Filter filter) {
        return String.valueOf(filter);
    }
}
