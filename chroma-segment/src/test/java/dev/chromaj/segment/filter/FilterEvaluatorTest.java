package dev.chromaj.segment.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.re2j.Pattern;
import dev.chromaj.segment.filter.MetadataFilter.ArrayContains;
import dev.chromaj.segment.filter.MetadataFilter.Comparison;
import dev.chromaj.segment.filter.MetadataFilter.Membership;
import dev.chromaj.segment.filter.MetadataFilter.Op;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FilterEvaluatorTest {

    private static final Map<String, Object> EMPTY = Map.of();

    private static boolean eval(MetadataFilter f, Map<String, Object> md) {
        return FilterEvaluator.matches(f, "id", md);
    }

    @Test
    void negationsMatchRecordsLackingTheKey() {
        assertTrue(eval(new Comparison("k", Op.NE, "x"), EMPTY));
        assertTrue(eval(new Membership("k", true, List.of("x")), EMPTY));
        assertTrue(eval(new ArrayContains("k", true, "x"), EMPTY));
        assertTrue(eval(new Comparison("k", Op.NE, "x"), null));
    }

    @Test
    void positiveOperatorsNeverMatchMissingKeys() {
        for (Op op : List.of(Op.EQ, Op.GT, Op.GTE, Op.LT, Op.LTE)) {
            assertFalse(eval(new Comparison("k", op, 1L), EMPTY), op.name());
        }
        assertFalse(eval(new Membership("k", false, List.of(1L)), EMPTY));
        assertFalse(eval(new ArrayContains("k", false, 1L), null));
    }

    @Test
    void integersEqualFloatsNumerically() {
        assertTrue(eval(new Comparison("k", Op.EQ, 5.0), Map.of("k", 5L)));
        assertTrue(eval(new Comparison("k", Op.EQ, 5L), Map.of("k", 5.0)));
        assertFalse(eval(new Comparison("k", Op.NE, 5L), Map.of("k", 5.0)));
        assertTrue(eval(new Membership("k", false, List.of(4.0, 5.0)), Map.of("k", 5L)));
        assertFalse(eval(new Membership("k", true, List.of(5L)), Map.of("k", 5.0)));
        assertTrue(eval(new Comparison("k", Op.GTE, 5.0), Map.of("k", 5L)));
        assertTrue(eval(new Comparison("k", Op.GT, 4.5), Map.of("k", 5L)));
        assertTrue(eval(new Comparison("k", Op.EQ, 0L), Map.of("k", -0.0)));
    }

    @Test
    void integerTypesFromCallersAreComparedAsLongs() {
        assertTrue(eval(new Comparison("k", Op.EQ, 5L), Map.of("k", 5)));
        assertTrue(eval(new Comparison("k", Op.LT, 6L), Map.of("k", (short) 5)));
        assertTrue(eval(new Comparison("k", Op.EQ, 1.5), Map.of("k", 1.5f)));
    }

    @Test
    void largeLongsCompareExactlyWithDoubles() {
        long twoPow53 = 1L << 53;
        assertFalse(eval(new Comparison("k", Op.EQ, (double) twoPow53), Map.of("k", twoPow53 + 1)));
        assertTrue(eval(new Comparison("k", Op.GT, (double) twoPow53), Map.of("k", twoPow53 + 1)));
        assertTrue(eval(new Comparison("k", Op.EQ, (double) twoPow53), Map.of("k", twoPow53)));
        assertFalse(eval(new Membership("k", false, List.of((double) twoPow53)), Map.of("k", twoPow53 + 1)));
        assertTrue(eval(new Comparison("k", Op.LT, 0x1p63), Map.of("k", Long.MAX_VALUE)));
        assertTrue(eval(new Comparison("k", Op.GTE, -0x1p63), Map.of("k", Long.MIN_VALUE)));
        assertTrue(eval(new Comparison("k", Op.EQ, -0x1p63), Map.of("k", Long.MIN_VALUE)));
        assertTrue(eval(new Comparison("k", Op.GT, 1e300), Map.of("k", 1e301)));
        assertTrue(eval(new Comparison("k", Op.LT, 2.5), Map.of("k", 2L)));
        assertTrue(eval(new Comparison("k", Op.GT, -2.5), Map.of("k", -2L)));
        assertTrue(eval(new Comparison("k", Op.LT, -1.5), Map.of("k", -2L)));
    }

    @Test
    void compareNumbersIsAntisymmetric() {
        assertEquals(0, FilterEvaluator.compareNumbers(3L, 3.0));
        assertTrue(FilterEvaluator.compareNumbers(3.5, 3L) > 0);
        assertTrue(FilterEvaluator.compareNumbers(3L, 3.5) < 0);
        assertTrue(FilterEvaluator.compareNumbers(Long.MAX_VALUE, 0x1p63) < 0);
        assertTrue(FilterEvaluator.compareNumbers(0x1p63, Long.MAX_VALUE) > 0);
    }

    @Test
    void typeMismatchMatchesOnlyNegations() {
        Map<String, Object> md = Map.of("k", "5");
        assertFalse(eval(new Comparison("k", Op.EQ, 5L), md));
        assertTrue(eval(new Comparison("k", Op.NE, 5L), md));
        assertFalse(eval(new Comparison("k", Op.GT, 1L), md));
        assertFalse(eval(new Comparison("k", Op.LTE, 100L), md));
        assertFalse(eval(new Membership("k", false, List.of(5L)), md));
        assertTrue(eval(new Membership("k", true, List.of(5L)), md));
        assertFalse(eval(new Comparison("b", Op.EQ, 1L), Map.of("b", true)));
        assertTrue(eval(new Comparison("b", Op.NE, 1L), Map.of("b", true)));
        assertFalse(eval(new Comparison("b", Op.GTE, 0L), Map.of("b", false)));
    }

    @Test
    void containsTestsArrayMembership() {
        Map<String, Object> md = Map.of("tags", List.of("a", "b"), "nums", List.of(1L, 2L));
        assertTrue(eval(new ArrayContains("tags", false, "a"), md));
        assertFalse(eval(new ArrayContains("tags", false, "c"), md));
        assertTrue(eval(new ArrayContains("tags", true, "c"), md));
        assertFalse(eval(new ArrayContains("tags", true, "b"), md));
        assertTrue(eval(new ArrayContains("nums", false, 2.0), md));
    }

    @Test
    void containsOnAScalarValueIsEquality() {
        assertTrue(eval(new ArrayContains("k", false, "a"), Map.of("k", "a")));
        assertFalse(eval(new ArrayContains("k", false, "a"), Map.of("k", "abc")));
    }

    @Test
    void comparisonsOnArraysMatchWhenAnyElementMatches() {
        Map<String, Object> md = Map.of("nums", List.of(1L, 10L), "tags", List.of("x", "y"));
        assertTrue(eval(new Comparison("tags", Op.EQ, "y"), md));
        assertFalse(eval(new Comparison("tags", Op.NE, "y"), md));
        assertTrue(eval(new Comparison("tags", Op.NE, "z"), md));
        assertTrue(eval(new Comparison("nums", Op.GT, 5L), md));
        assertFalse(eval(new Comparison("nums", Op.GT, 10L), md));
        assertTrue(eval(new Membership("tags", false, List.of("q", "x")), md));
        assertFalse(eval(new Membership("tags", true, List.of("q", "x")), md));
    }

    @Test
    void andOrCombineChildren() {
        Map<String, Object> md = Map.of("a", 1L, "b", "x");
        MetadataFilter a = new Comparison("a", Op.EQ, 1L);
        MetadataFilter notB = new Comparison("b", Op.EQ, "y");
        assertFalse(eval(new MetadataFilter.And(List.of(a, notB)), md));
        assertTrue(eval(new MetadataFilter.Or(List.of(a, notB)), md));
    }

    @Test
    void idInTestsTheRecordId() {
        MetadataFilter f = new MetadataFilter.IdIn(List.of("a", "b"));
        assertTrue(FilterEvaluator.matches(f, "a", null));
        assertFalse(FilterEvaluator.matches(f, "c", Map.of("id", "a")));
    }

    @Test
    void nullMetadataValuesCountAsMissing() {
        Map<String, Object> md = new HashMap<>();
        md.put("k", null);
        assertFalse(eval(new Comparison("k", Op.EQ, "x"), md));
        assertTrue(eval(new Comparison("k", Op.NE, "x"), md));
    }

    @Test
    void orderingOperatorWithNonNumericOperandIsRejectedAtCompile() {
        assertThrows(IllegalArgumentException.class, () -> FilterEvaluator.compile(new Comparison("k", Op.GT, "a")));
    }

    @Test
    void documentContainsIsCaseSensitiveSubstring() {
        DocumentFilter f = new DocumentFilter.Contains("Vector", false);
        assertTrue(FilterEvaluator.matches(f, "a Vector db"));
        assertFalse(FilterEvaluator.matches(f, "a vector db"));
        assertTrue(FilterEvaluator.matches(new DocumentFilter.Contains("Vector", true), "a vector db"));
    }

    @Test
    void nullDocumentMatchesOnlyNegatedForms() {
        assertFalse(FilterEvaluator.matches(new DocumentFilter.Contains("x", false), null));
        assertTrue(FilterEvaluator.matches(new DocumentFilter.Contains("x", true), null));
        assertFalse(FilterEvaluator.matches(new DocumentFilter.Regex(Pattern.compile("x+"), false), null));
        assertTrue(FilterEvaluator.matches(new DocumentFilter.Regex(Pattern.compile("x+"), true), null));
    }

    @Test
    void regexUsesFindAndAnEmptyMatchingPatternMatchesEverything() {
        assertTrue(FilterEvaluator.matches(new DocumentFilter.Regex(Pattern.compile("b+c"), false), "abbcd"));
        assertFalse(FilterEvaluator.matches(new DocumentFilter.Regex(Pattern.compile("^b"), false), "abc"));
        assertTrue(FilterEvaluator.matches(new DocumentFilter.Regex(Pattern.compile("(?i)DRAFT"), false), "a draft"));
        assertTrue(FilterEvaluator.matches(new DocumentFilter.Regex(Pattern.compile("z*"), false), null));
        assertFalse(FilterEvaluator.matches(new DocumentFilter.Regex(Pattern.compile("z*"), true), "abc"));
    }

    @Test
    void documentAndOrCombineChildren() {
        DocumentFilter a = new DocumentFilter.Contains("a", false);
        DocumentFilter z = new DocumentFilter.Contains("z", false);
        assertFalse(FilterEvaluator.matches(new DocumentFilter.And(List.of(a, z)), "abc"));
        assertTrue(FilterEvaluator.matches(new DocumentFilter.Or(List.of(a, z)), "abc"));
    }
}
