package dev.chromaj.langchain4j;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.InvalidArgumentException;
import dev.chromaj.Where;
import dev.langchain4j.store.embedding.filter.Filter;
import dev.langchain4j.store.embedding.filter.comparison.IsEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThan;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsIn;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThan;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotIn;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Each LangChain4j filter type, its exact Chroma equivalent, and each rejection with its message. */
class FilterMapperTest {

    private static final UUID ID = UUID.fromString("6f1c8a2e-2d3b-4c5d-8e9f-0a1b2c3d4e5f");

    @Test
    void noFilterIsNoWhere() {
        assertNull(FilterMapper.toWhere(null));
    }

    @Test
    void isEqualToMapsToEqWithNormalizedValues() {
        assertEquals(Where.eq("k", "a"), FilterMapper.toWhere(metadataKey("k").isEqualTo("a")));
        assertEquals(
                Where.eq("k", ID.toString()),
                FilterMapper.toWhere(metadataKey("k").isEqualTo(ID)));
        assertEquals(Where.eq("k", 7L), FilterMapper.toWhere(metadataKey("k").isEqualTo(7)));
        assertEquals(Where.eq("k", 7L), FilterMapper.toWhere(metadataKey("k").isEqualTo(7L)));
        assertEquals(Where.eq("k", 1.5d), FilterMapper.toWhere(metadataKey("k").isEqualTo(1.5d)));
    }

    @Test
    void floatComparesAsItsDecimalStringLikeLangChain4j() {
        // LangChain4j compares BigDecimal("1.1") for 1.1f, so 1.1f equals 1.1d; the widened float would not
        assertEquals(Where.eq("k", 1.1d), FilterMapper.toWhere(metadataKey("k").isEqualTo(1.1f)));
        assertEquals(Where.gt("k", 1.1d), FilterMapper.toWhere(metadataKey("k").isGreaterThan(1.1f)));
        assertEquals(1.1d, MetadataConversion.floatValue(1.1f));
        assertEquals(Float.MAX_VALUE, (float) MetadataConversion.floatValue(Float.MAX_VALUE));
        assertEquals(Float.MIN_VALUE, (float) MetadataConversion.floatValue(Float.MIN_VALUE));
    }

    @Test
    void isNotEqualToMapsToNe() {
        assertEquals(Where.ne("k", "a"), FilterMapper.toWhere(metadataKey("k").isNotEqualTo("a")));
        assertEquals(
                Where.ne("k", ID.toString()),
                FilterMapper.toWhere(metadataKey("k").isNotEqualTo(ID)));
        assertEquals(Where.ne("k", 3L), FilterMapper.toWhere(metadataKey("k").isNotEqualTo(3)));
    }

    @Test
    void orderingComparisonsMapToNumericOperators() {
        assertEquals(Where.gt("k", 1L), FilterMapper.toWhere(metadataKey("k").isGreaterThan(1)));
        assertEquals(Where.gte("k", 1L), FilterMapper.toWhere(metadataKey("k").isGreaterThanOrEqualTo(1L)));
        assertEquals(Where.lt("k", 2.5d), FilterMapper.toWhere(metadataKey("k").isLessThan(2.5d)));
        assertEquals(Where.lte("k", 2.5d), FilterMapper.toWhere(metadataKey("k").isLessThanOrEqualTo(2.5f)));
    }

    @Test
    void isInAndIsNotInMapToInAndNin() {
        assertEquals(Where.in("k", List.of("a")), FilterMapper.toWhere(new IsIn("k", List.of("a"))));
        assertEquals(
                Where.in("k", List.of(ID.toString())),
                FilterMapper.toWhere(metadataKey("k").isIn(ID)));
        assertEquals(
                Where.in("k", List.of(42L)),
                FilterMapper.toWhere(metadataKey("k").isIn(42)));
        assertEquals(
                Where.nin("k", List.of(42.0d)),
                FilterMapper.toWhere(metadataKey("k").isNotIn(42.0f)));
        assertEquals(
                Where.nin("k", List.of("x")),
                FilterMapper.toWhere(metadataKey("k").isNotIn("x")));
    }

    @Test
    void isInMixingIntegersAndFloatsSplitsByType() {
        Where in = FilterMapper.toWhere(new IsIn("k", List.of(2, 0.1d)));
        assertEquals(Where.or(Where.in("k", List.of(2L)), Where.in("k", List.of(0.1d))), in);
        Where nin = FilterMapper.toWhere(new IsNotIn("k", List.of(2L, 0.5f)));
        assertEquals(Where.and(Where.nin("k", List.of(2L)), Where.nin("k", List.of(0.5d))), nin);
    }

    @Test
    void isInMixingStringsAndNumbersIsRejected() {
        InvalidArgumentException e = assertThrows(
                InvalidArgumentException.class, () -> FilterMapper.toWhere(new IsIn("k", List.of("a", 1))));
        assertTrue(e.getMessage().contains("same type"), e.getMessage());
    }

    @Test
    void andOrMapToAndOr() {
        Filter a = metadataKey("a").isEqualTo("x");
        Filter b = metadataKey("b").isGreaterThan(1);
        assertEquals(Where.and(Where.eq("a", "x"), Where.gt("b", 1L)), FilterMapper.toWhere(Filter.and(a, b)));
        assertEquals(Where.or(Where.eq("a", "x"), Where.gt("b", 1L)), FilterMapper.toWhere(Filter.or(a, b)));
    }

    @Test
    void notIsPushedDownExactly() {
        assertEquals(
                Where.ne("k", "a"),
                FilterMapper.toWhere(Filter.not(metadataKey("k").isEqualTo("a"))));
        assertEquals(
                Where.eq("k", 1L),
                FilterMapper.toWhere(Filter.not(metadataKey("k").isNotEqualTo(1))));
        assertEquals(
                Where.nin("k", List.of("a")),
                FilterMapper.toWhere(Filter.not(metadataKey("k").isIn("a"))));
        assertEquals(
                Where.in("k", List.of("a")),
                FilterMapper.toWhere(Filter.not(metadataKey("k").isNotIn("a"))));
        assertEquals(
                Where.gt("k", 1L),
                FilterMapper.toWhere(Filter.not(Filter.not(metadataKey("k").isGreaterThan(1)))));
        Filter a = metadataKey("a").isEqualTo("x");
        Filter b = metadataKey("b").isIn(1);
        assertEquals(
                Where.or(Where.ne("a", "x"), Where.nin("b", List.of(1L))),
                FilterMapper.toWhere(Filter.not(Filter.and(a, b))));
        assertEquals(
                Where.and(Where.ne("a", "x"), Where.nin("b", List.of(1L))),
                FilterMapper.toWhere(Filter.not(Filter.or(a, b))));
    }

    @Test
    void orderingOnStringsIsRejected() {
        List<Filter> rejected = List.of(
                new IsGreaterThan("key", "b"),
                new IsGreaterThanOrEqualTo("key", "b"),
                new IsLessThan("key", "b"),
                new IsLessThanOrEqualTo("key", "b"),
                new IsGreaterThan("key", ID));
        for (Filter filter : rejected) {
            InvalidArgumentException e =
                    assertThrows(InvalidArgumentException.class, () -> FilterMapper.toWhere(filter), filter::toString);
            assertTrue(e.getMessage().contains("key=key"), e.getMessage());
            assertTrue(e.getMessage().contains("orders numbers only"), e.getMessage());
        }
    }

    @Test
    void notOfAnOrderingIsRejectedBecauseItSelectsMissingKeys() {
        List<Filter> rejected = List.of(
                Filter.not(metadataKey("n").isGreaterThan(1)),
                Filter.not(metadataKey("n").isGreaterThanOrEqualTo(1)),
                Filter.not(metadataKey("n").isLessThan(1)),
                Filter.not(metadataKey("n").isLessThanOrEqualTo(1)),
                Filter.not(Filter.and(
                        metadataKey("a").isEqualTo("x"), metadataKey("n").isGreaterThan(1))));
        for (Filter filter : rejected) {
            InvalidArgumentException e =
                    assertThrows(InvalidArgumentException.class, () -> FilterMapper.toWhere(filter), filter::toString);
            assertTrue(e.getMessage().contains("without the key"), e.getMessage());
        }
    }

    @Test
    void containsStringIsUnsupportedAloneNegatedAndNested() {
        Filter contains = metadataKey("k").containsString("x");
        for (Filter filter : List.of(
                contains, Filter.not(contains), Filter.and(metadataKey("a").isEqualTo("b"), contains))) {
            UnsupportedOperationException e = assertThrows(
                    UnsupportedOperationException.class, () -> FilterMapper.toWhere(filter), filter::toString);
            assertTrue(e.getMessage().contains("ContainsString(key=k"), e.getMessage());
        }
    }

    @Test
    void valuesOutsideLangChain4jMetadataTypesAreRejected() {
        for (Object value : List.of(true, new BigDecimal("1.5"), List.of("a"))) {
            InvalidArgumentException e =
                    assertThrows(InvalidArgumentException.class, () -> FilterMapper.toWhere(new IsEqualTo("k", value)));
            assertTrue(e.getMessage().contains(value.getClass().getName()), e.getMessage());
        }
        assertThrows(InvalidArgumentException.class, () -> FilterMapper.toWhere(new IsNotEqualTo("k", true)));
        assertThrows(
                InvalidArgumentException.class, () -> FilterMapper.toWhere(new IsGreaterThan("k", new BigDecimal(1))));
    }

    @Test
    void nonFiniteNumbersAreRejected() {
        for (Object value : List.of(Double.NaN, Double.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY)) {
            InvalidArgumentException e =
                    assertThrows(InvalidArgumentException.class, () -> FilterMapper.toWhere(new IsEqualTo("k", value)));
            assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
        }
    }

    @Test
    void filterClassesOtherThanLangChain4jsAreRejected() {
        Filter custom = object -> true;
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> FilterMapper.toWhere(custom));
        assertTrue(e.getMessage().contains("not one of LangChain4j's filter types"), e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> FilterMapper.toWhere(Filter.not(custom)));
    }
}
