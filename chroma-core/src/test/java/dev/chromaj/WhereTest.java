package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.segment.filter.MetadataFilter;
import dev.chromaj.segment.filter.MetadataFilter.Op;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WhereTest {

    private static String rejected(String json) {
        return assertThrows(InvalidArgumentException.class, () -> Where.parse(json))
                .getMessage();
    }

    @Test
    void factoriesBuildTheAst() {
        assertEquals(
                new MetadataFilter.Comparison("k", Op.EQ, "v"),
                Where.eq("k", "v").filter());
        assertEquals(
                new MetadataFilter.Comparison("k", Op.NE, true),
                Where.ne("k", true).filter());
        assertEquals(
                new MetadataFilter.Comparison("k", Op.GT, 1L), Where.gt("k", 1).filter());
        assertEquals(
                new MetadataFilter.Comparison("k", Op.GTE, 2.5),
                Where.gte("k", 2.5f).filter());
        assertEquals(
                new MetadataFilter.Comparison("k", Op.LT, 3L), Where.lt("k", 3L).filter());
        assertEquals(
                new MetadataFilter.Comparison("k", Op.LTE, 4.0),
                Where.lte("k", 4.0).filter());
        assertEquals(
                new MetadataFilter.Membership("k", false, List.of("a", "b")),
                Where.in("k", List.of("a", "b")).filter());
        assertEquals(
                new MetadataFilter.Membership("k", true, List.of(1L, 2L)),
                Where.nin("k", List.of(1, 2)).filter());
        assertEquals(
                new MetadataFilter.ArrayContains("k", false, "x"),
                Where.contains("k", "x").filter());
        assertEquals(
                new MetadataFilter.ArrayContains("k", true, 7L),
                Where.notContains("k", 7).filter());
        assertEquals(
                new MetadataFilter.IdIn(List.of("a", "b")),
                Where.idIn(List.of("a", "b")).filter());
    }

    @Test
    void integersBecomeLongsAndFloatsBecomeDoubles() {
        assertEquals(Where.eq("k", 5L), Where.eq("k", 5));
        assertEquals(Where.eq("k", 5.5), Where.eq("k", 5.5f));
        assertEquals(Where.in("k", List.of(1L, 2L)), Where.in("k", List.of((short) 1, (byte) 2)));
    }

    @Test
    void andOrNestAndASingleChildIsReturnedAsIs() {
        Where w = Where.and(
                Where.eq("category", "news"),
                Where.gte("year", 2020),
                Where.or(Where.in("lang", List.of("en", "de")), Where.contains("tags", "urgent")));
        MetadataFilter.And and = (MetadataFilter.And) w.filter();
        assertEquals(3, and.children().size());
        assertTrue(and.children().get(2) instanceof MetadataFilter.Or);
        Where single = Where.eq("a", 1);
        assertSame(single, Where.and(single));
        assertSame(single, Where.or(List.of(single)));
    }

    @Test
    void factoriesRejectInvalidInput() {
        assertThrows(InvalidArgumentException.class, () -> Where.and());
        assertThrows(InvalidArgumentException.class, () -> Where.or(Where.eq("a", 1), null));
        assertThrows(InvalidArgumentException.class, () -> Where.eq("", 1));
        assertTrue(assertThrows(InvalidArgumentException.class, () -> Where.eq("$k", 1))
                .getMessage()
                .contains("metadata field name or a logical operator"));
        assertThrows(InvalidArgumentException.class, () -> Where.eq("#id", "a"));
        assertThrows(InvalidArgumentException.class, () -> Where.eq("k", null));
        assertThrows(InvalidArgumentException.class, () -> Where.eq("k", List.of(1)));
        assertThrows(InvalidArgumentException.class, () -> Where.gt("k", Double.NaN));
        assertThrows(InvalidArgumentException.class, () -> Where.in("k", List.of()));
        assertThrows(InvalidArgumentException.class, () -> Where.in("k", List.of("a", 1)));
        assertThrows(InvalidArgumentException.class, () -> Where.in("k", List.of(1, 1.5)));
        assertThrows(InvalidArgumentException.class, () -> Where.in("k", Arrays.asList("a", null)));
        assertThrows(InvalidArgumentException.class, () -> Where.contains("k", List.of("a")));
        assertThrows(InvalidArgumentException.class, () -> Where.idIn(List.of()));
        assertThrows(InvalidArgumentException.class, () -> Where.idIn("a", ""));
    }

    @Test
    void parseImplicitEqualityOfEveryScalarType() {
        assertEquals(Where.eq("k", "v"), Where.parse("{\"k\": \"v\"}"));
        assertEquals(Where.eq("k", 5L), Where.parse("{\"k\": 5}"));
        assertEquals(Where.eq("k", 5.0), Where.parse("{\"k\": 5.0}"));
        assertEquals(Where.eq("k", true), Where.parse("{\"k\": true}"));
    }

    @Test
    void parseEveryOperator() {
        assertEquals(Where.eq("k", "v"), Where.parse("{\"k\": {\"$eq\": \"v\"}}"));
        assertEquals(Where.ne("k", false), Where.parse("{\"k\": {\"$ne\": false}}"));
        assertEquals(Where.gt("k", 1), Where.parse("{\"k\": {\"$gt\": 1}}"));
        assertEquals(Where.gte("k", 1.5), Where.parse("{\"k\": {\"$gte\": 1.5}}"));
        assertEquals(Where.lt("k", -3), Where.parse("{\"k\": {\"$lt\": -3}}"));
        assertEquals(Where.lte("k", 1e20), Where.parse("{\"k\": {\"$lte\": 1e20}}"));
        assertEquals(Where.in("k", List.of("a", "b")), Where.parse("{\"k\": {\"$in\": [\"a\", \"b\"]}}"));
        assertEquals(Where.nin("k", List.of(true)), Where.parse("{\"k\": {\"$nin\": [true]}}"));
        assertEquals(Where.contains("k", "x"), Where.parse("{\"k\": {\"$contains\": \"x\"}}"));
        assertEquals(Where.notContains("k", 3), Where.parse("{\"k\": {\"$not_contains\": 3}}"));
        assertEquals(Where.idIn("a", "b"), Where.parse("{\"#id\": {\"$in\": [\"a\", \"b\"]}}"));
        assertEquals(Where.idIn("a"), Where.parse("{\"#id\": \"a\"}"));
    }

    @Test
    void parseNestedLogicalOperators() {
        Where parsed = Where.parse("{\"$and\": [{\"year\": {\"$gte\": 2020}}, "
                + "{\"$or\": [{\"category\": \"news\"}, {\"tags\": {\"$contains\": \"urgent\"}}]}]}");
        assertEquals(
                Where.and(
                        Where.gte("year", 2020),
                        Where.or(Where.eq("category", "news"), Where.contains("tags", "urgent"))),
                parsed);
    }

    @Test
    void fromMapAcceptsJavaMaps() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("$in", List.of(1, 2));
        assertEquals(Where.in("n", List.of(1L, 2L)), Where.fromMap(Map.of("n", inner)));
        assertEquals(Where.eq("f", 2.5), Where.fromMap(Map.of("f", 2.5f)));
    }

    @Test
    void parseRejectsMultipleTopLevelKeys() {
        assertTrue(rejected("{\"a\": 1, \"b\": 2}").startsWith("Expected where to have exactly one operator, got"));
        assertTrue(rejected("{}").startsWith("Expected where to have exactly one operator"));
    }

    @Test
    void parseRequiresAtLeastTwoChildrenForAndOr() {
        assertTrue(rejected("{\"$or\": [{\"a\": 1}]}")
                .startsWith("Expected where value for $and or $or to be a list with at least two where expressions"));
        assertTrue(rejected("{\"$and\": \"x\"}")
                .startsWith("Expected where value for $and or $or to be a list of where expressions"));
    }

    @Test
    void parseRejectsInvalidOperatorsAndOperands() {
        assertEquals(
                "Expected where operator to be one of $gt, $gte, $lt, $lte, $ne, $eq, $in, $nin, $contains,"
                        + " $not_contains, got $between",
                rejected("{\"k\": {\"$between\": [1, 2]}}"));
        assertTrue(rejected("{\"k\": {\"$gt\": \"3\"}}")
                .startsWith("Expected operand value to be an int or a float for operator $gt, got \"3\""));
        assertTrue(rejected("{\"k\": {\"$lte\": true}}").contains("operator $lte"));
        assertTrue(rejected("{\"k\": {\"$in\": \"a\"}}")
                .startsWith("Expected operand value to be a list for operator $in"));
        assertTrue(rejected("{\"k\": {\"$in\": []}}")
                .startsWith(
                        "Expected where operand value to be a non-empty list, and all values to be of the same type"));
        assertTrue(rejected("{\"k\": {\"$nin\": [\"a\", 1]}}").contains("same type"));
        assertTrue(rejected("{\"k\": {\"$contains\": [\"a\"]}}")
                .startsWith("Expected operand value to be a str, int, float, or bool for operator $contains"));
        assertTrue(rejected("{\"k\": {\"$gt\": 1, \"$lt\": 5}}")
                .startsWith("Expected operator expression to have exactly one operator"));
        assertTrue(rejected("{\"k\": [\"a\"]}")
                .startsWith("Expected where value to be a str, int, float, or operator expression"));
        assertTrue(rejected("{\"k\": null}").startsWith("Expected where value to be a str"));
        assertTrue(rejected("{\"k\": {\"$eq\": null}}").contains("operator $eq"));
        assertTrue(rejected("{\"$contains\": \"x\"}").contains("metadata field name or a logical operator"));
        assertTrue(rejected("{\"#document\": {\"$contains\": \"x\"}}").contains("whereDocument"));
        assertTrue(rejected("{\"#id\": {\"$ne\": \"x\"}}").contains("#id"));
        assertTrue(
                rejected("{\"k\": {\"$eq\": 123456789012345678901234567890}}").contains("out of range"));
        assertTrue(rejected("[1]").startsWith("Expected where to be a dict"));
    }

    @Test
    void parseRejectsMalformedJsonAndDuplicateKeys() {
        assertTrue(rejected("{\"a\": ").startsWith("Invalid JSON for where"));
        assertTrue(rejected("{\"a\": 1, \"a\": 2}").startsWith("Invalid JSON for where"));
        assertTrue(rejected("{\"a\": 1} x").startsWith("Invalid JSON for where"));
        assertThrows(InvalidArgumentException.class, () -> Where.parse(null));
    }

    @Test
    void toJsonIsCanonicalChromaSyntax() {
        assertEquals(
                "{\"$and\":[{\"k\":{\"$eq\":5}},{\"f\":{\"$gte\":5.0}},{\"#id\":{\"$in\":[\"a\"]}}]}",
                Where.and(Where.eq("k", 5), Where.gte("f", 5.0), Where.idIn("a"))
                        .toJson());
        Where w = Where.nin("k", List.of(1.5, 2.0));
        assertEquals(w, Where.parse(w.toJson()));
    }
}
