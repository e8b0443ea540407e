package dev.chromaj.springai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.InvalidArgumentException;
import dev.chromaj.Where;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.ai.vectorstore.filter.Filter;
import org.springframework.ai.vectorstore.filter.FilterExpressionBuilder;
import org.springframework.ai.vectorstore.filter.FilterExpressionTextParser;

/** The exact {@link Where} each Spring AI operator becomes, and the clear rejection of what has none. */
class ChromaFilterExpressionConverterTest {
    private static final FilterExpressionBuilder B = new FilterExpressionBuilder();
    private final ChromaFilterExpressionConverter converter = new ChromaFilterExpressionConverter();
    private final FilterExpressionTextParser parser = new FilterExpressionTextParser();

    @Test
    void everyComparisonMapsToItsChromaOperator() {
        assertEquals(Where.eq("a", "x"), converter.toWhere(B.eq("a", "x").build()));
        assertEquals(Where.ne("a", 1), converter.toWhere(B.ne("a", 1).build()));
        assertEquals(Where.gt("a", 1), converter.toWhere(B.gt("a", 1).build()));
        assertEquals(Where.gte("a", 1.5), converter.toWhere(B.gte("a", 1.5).build()));
        assertEquals(Where.lt("a", 2), converter.toWhere(B.lt("a", 2).build()));
        assertEquals(Where.lte("a", 2), converter.toWhere(B.lte("a", 2).build()));
        assertEquals(
                Where.in("a", List.of("x", "y")),
                converter.toWhere(B.in("a", "x", "y").build()));
        assertEquals(
                Where.nin("a", List.of(1, 2)),
                converter.toWhere(B.nin("a", 1, 2).build()));
        assertEquals(Where.eq("flag", true), converter.toWhere(parser.parse("flag == true")));
    }

    @Test
    void andOrChainsBecomeOneFlatList() {
        assertEquals(
                Where.and(Where.eq("a", 1), Where.eq("b", 2), Where.eq("c", 3)),
                converter.toWhere(parser.parse("a == 1 && b == 2 && c == 3")));
        assertEquals(
                Where.or(Where.eq("a", 1), Where.and(Where.eq("b", 2), Where.eq("c", 3))),
                converter.toWhere(parser.parse("a == 1 || (b == 2 && c == 3)")));
    }

    @Test
    void notIsPushedToTheLeaves() {
        assertEquals(Where.ne("a", "x"), converter.toWhere(parser.parse("NOT (a == 'x')")));
        assertEquals(Where.lt("a", 5), converter.toWhere(B.not(B.gte("a", 5)).build()));
        assertEquals(Where.gte("a", 5), converter.toWhere(B.not(B.lt("a", 5)).build()));
        assertEquals(
                Where.nin("a", List.of(1)),
                converter.toWhere(B.not(B.in("a", 1)).build()));
        assertEquals(
                Where.or(Where.lte("a", 1), Where.ne("b", "x")),
                converter.toWhere(parser.parse("NOT (a > 1 && b == 'x')")));
        assertEquals(
                Where.and(Where.ne("a", 1), Where.in("b", List.of("x"))),
                converter.toWhere(B.not(B.or(B.eq("a", 1), B.nin("b", "x"))).build()));
        assertEquals(
                Where.eq("a", 1), converter.toWhere(B.not(B.not(B.eq("a", 1))).build()));
    }

    @Test
    void quotedKeysLoseTheirQuotes() {
        assertEquals(Where.eq("country 1", "BG"), converter.toWhere(parser.parse("'country 1' == 'BG'")));
    }

    @Test
    void asASpringAiConverterItReturnsChromaJson() {
        String json = converter.convertExpression(parser.parse("year >= 2020 && country IN ['BG', 'NL']"));
        assertEquals(Where.and(Where.gte("year", 2020), Where.in("country", List.of("BG", "NL"))), Where.parse(json));
    }

    @Test
    void nullTestsAreRejected() {
        InvalidArgumentException e = assertThrows(
                InvalidArgumentException.class,
                () -> converter.toWhere(B.isNull("genre").build()));
        assertTrue(e.getMessage().contains("ISNULL") && e.getMessage().contains("genre"), e.getMessage());
        e = assertThrows(InvalidArgumentException.class, () -> converter.toWhere(parser.parse("genre IS NOT NULL")));
        assertTrue(e.getMessage().contains("ISNOTNULL"), e.getMessage());
        assertThrows(
                InvalidArgumentException.class,
                () -> converter.toWhere(B.not(B.isNull("genre")).build()));
    }

    @Test
    void orderingOnNonNumbersIsRejected() {
        InvalidArgumentException e = assertThrows(
                InvalidArgumentException.class,
                () -> converter.toWhere(B.gt("country", "BG").build()));
        assertTrue(e.getMessage().contains("GT") && e.getMessage().contains("country"), e.getMessage());
        assertThrows(
                InvalidArgumentException.class,
                () -> converter.toWhere(B.lte("flag", true).build()));
        // negation keeps the check: NOT(country < 'x') would be country >= 'x'
        assertThrows(
                InvalidArgumentException.class,
                () -> converter.toWhere(B.not(B.lt("country", "x")).build()));
    }

    @Test
    @SuppressWarnings("JavaUtilDate") // Spring AI filters can carry a java.util.Date: the test proves it is rejected
    void datesListsAndEmptyListsAreRejected() {
        InvalidArgumentException e = assertThrows(
                InvalidArgumentException.class,
                () -> converter.toWhere(B.eq("when", new Date(0)).build()));
        assertTrue(e.getMessage().contains("when") && e.getMessage().contains("Date"), e.getMessage());
        assertThrows(
                InvalidArgumentException.class,
                () -> converter.toWhere(new Filter.Expression(
                        Filter.ExpressionType.EQ, new Filter.Key("a"), new Filter.Value(List.of(1, 2)))));
        assertThrows(
                InvalidArgumentException.class,
                () -> converter.toWhere(
                        new Filter.Expression(Filter.ExpressionType.IN, new Filter.Key("a"), new Filter.Value("x"))));
        e = assertThrows(
                InvalidArgumentException.class,
                () -> converter.toWhere(new Filter.Expression(
                        Filter.ExpressionType.IN, new Filter.Key("a"), new Filter.Value(List.of()))));
        assertTrue(e.getMessage().contains("IN"), e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> converter.toWhere(null));
    }
}
