package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.segment.filter.DocumentFilter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WhereDocumentTest {

    private static String rejected(String json) {
        return assertThrows(InvalidArgumentException.class, () -> WhereDocument.parse(json))
                .getMessage();
    }

    @Test
    void factoriesBuildTheAst() {
        assertEquals(
                new DocumentFilter.Contains("x", false),
                WhereDocument.contains("x").filter());
        assertEquals(
                new DocumentFilter.Contains("x", true),
                WhereDocument.notContains("x").filter());
        DocumentFilter.Regex r =
                (DocumentFilter.Regex) WhereDocument.notRegex("(?i)draft").filter();
        assertTrue(r.negated());
        assertEquals("(?i)draft", r.pattern().pattern());
        DocumentFilter.And and = (DocumentFilter.And)
                WhereDocument.and(WhereDocument.contains("vector"), WhereDocument.notRegex("(?i)draft"))
                        .filter();
        assertEquals(2, and.children().size());
        assertTrue(
                WhereDocument.or(WhereDocument.contains("a"), WhereDocument.regex("b"))
                                .filter()
                        instanceof DocumentFilter.Or);
        WhereDocument single = WhereDocument.contains("a");
        assertSame(single, WhereDocument.or(single));
    }

    @Test
    void invalidRegexIsRejectedAtConstruction() {
        assertTrue(assertThrows(InvalidArgumentException.class, () -> WhereDocument.regex("a("))
                .getMessage()
                .startsWith("Invalid regular expression for operator $regex"));
        assertTrue(rejected("{\"$not_regex\": \"[a\"}").contains("$not_regex"));
    }

    @Test
    void emptyTextIsRejected() {
        assertEquals(
                "Expected where document operand value for operator $contains to be a non-empty str",
                assertThrows(InvalidArgumentException.class, () -> WhereDocument.contains(""))
                        .getMessage());
        assertThrows(InvalidArgumentException.class, () -> WhereDocument.regex(""));
        assertThrows(InvalidArgumentException.class, () -> WhereDocument.and());
    }

    @Test
    void parseEveryOperatorAndNesting() {
        assertEquals(WhereDocument.contains("a"), WhereDocument.parse("{\"$contains\": \"a\"}"));
        assertEquals(WhereDocument.notContains("a"), WhereDocument.parse("{\"$not_contains\": \"a\"}"));
        assertEquals(WhereDocument.regex("a+"), WhereDocument.parse("{\"$regex\": \"a+\"}"));
        assertEquals(WhereDocument.notRegex("a+"), WhereDocument.parse("{\"$not_regex\": \"a+\"}"));
        assertEquals(
                WhereDocument.and(
                        WhereDocument.contains("a"),
                        WhereDocument.or(WhereDocument.notContains("b"), WhereDocument.regex("c"))),
                WhereDocument.parse("{\"$and\": [{\"$contains\": \"a\"}, "
                        + "{\"$or\": [{\"$not_contains\": \"b\"}, {\"$regex\": \"c\"}]}]}"));
        assertEquals(WhereDocument.contains("a"), WhereDocument.fromMap(Map.of("$contains", "a")));
    }

    @Test
    void parseRejectsInvalidInput() {
        assertTrue(rejected("{\"$contains\": \"a\", \"$regex\": \"b\"}")
                .startsWith("Expected where document to have exactly one operator"));
        assertEquals(
                "Expected where document operator to be one of $contains, $not_contains, $regex, $not_regex,"
                        + " $and, $or, got $like",
                rejected("{\"$like\": \"a\"}"));
        assertTrue(rejected("{\"$contains\": 1}")
                .startsWith("Expected where document operand value for operator $contains to be a str, got 1"));
        assertTrue(rejected("{\"$and\": [{\"$contains\": \"a\"}]}").contains("at least two"));
        assertTrue(rejected("{\"$or\": {}}").contains("list of where document expressions"));
        assertTrue(rejected("\"a\"").startsWith("Expected where document to be a dictionary"));
    }

    @Test
    void toJsonRoundTrips() {
        WhereDocument d = WhereDocument.and(WhereDocument.contains("vector"), WhereDocument.notRegex("(?i)\"draft\""));
        assertEquals("{\"$and\":[{\"$contains\":\"vector\"},{\"$not_regex\":\"(?i)\\\"draft\\\"\"}]}", d.toJson());
        assertEquals(d, WhereDocument.parse(d.toJson()));
    }
}
