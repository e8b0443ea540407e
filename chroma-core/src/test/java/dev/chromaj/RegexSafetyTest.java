package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code $regex} and {@code $not_regex} run in time linear in the document: patterns that make a backtracking engine
 * run for minutes (nested quantifiers, overlapping alternations) are answered quickly and correctly, on compacted
 * data (trigram plan plus verification) and on the log tail (record-by-record evaluation). Constructs a linear-time
 * engine cannot run are rejected when the filter is built, naming the pattern and the construct.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegexSafetyTest {
    private static final int LENGTH = 100_000;
    /**
     * Far below what backtracking needs (java.util.regex took minutes for the first pattern) and far above what a
     * linear-time matcher needs even on a loaded 2-core machine ((a?){30}a{30}z over 100,000 characters took 5.6 s
     * under load 13 with a 2 s bound; about 0.3 s idle).
     */
    private static final Duration BOUND = Duration.ofSeconds(20);

    private ChromaClient client;
    private ChromaCollection compacted;
    private ChromaCollection tail;

    @BeforeAll
    void open(@TempDir Path dir) {
        client = CollectionStates.quietClient(dir);
        compacted = client.createCollection(
                "compacted",
                CollectionOptions.builder()
                        .embeddingFunction(EmbeddingFunction.none())
                        .build());
        tail = client.createCollection(
                "tail",
                CollectionOptions.builder()
                        .embeddingFunction(EmbeddingFunction.none())
                        .build());
        for (ChromaCollection c : List.of(compacted, tail)) {
            c.add(List.of(
                    ChromaRecord.builder("as").document("a".repeat(LENGTH)).build(),
                    ChromaRecord.builder("as-then-b")
                            .document("a".repeat(LENGTH) + "b")
                            .build(),
                    ChromaRecord.builder("as-then-x")
                            .document("a".repeat(LENGTH - 1) + "x")
                            .build(),
                    ChromaRecord.builder("short").document("hello world").build()));
        }
        compacted.compact();
    }

    @AfterAll
    void close() {
        client.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = ';',
            value = {
                "(a+)+$;              as",
                "(a+)+x$;             as-then-x",
                "(a|a)*b;             as-then-b",
                "(a|aa)+c;            ''",
                "(.*a){20};           as,as-then-b,as-then-x",
                "(.*a){20}b;          as-then-b",
                "(a*)*b;              as-then-b",
                "((a+)+)+y;           ''",
                "(a?){30}a{30}z;      ''",
                "^(a+)+$;             as",
                "(\\w+\\s?)+$;        as,as-then-b,as-then-x,short"
            })
    void pathologicalPatternsAreFastAndCorrect(String pattern, String expected) {
        List<String> ids = expected.isEmpty() ? List.of() : List.of(expected.split(","));
        for (ChromaCollection c : List.of(compacted, tail)) {
            List<String> found = timed(() -> matching(c, WhereDocument.regex(pattern)));
            assertEquals(ids, found, c.name() + ": $regex " + pattern);
            List<String> notFound = timed(() -> matching(c, WhereDocument.notRegex(pattern)));
            assertEquals(4 - ids.size(), notFound.size(), c.name() + ": $not_regex " + pattern);
            assertTrue(notFound.stream().noneMatch(ids::contains), c.name() + ": $not_regex " + pattern);
        }
        assertEquals(4, tail.stats().walRecords());
        assertEquals(0, compacted.stats().walRecords());
    }

    @Test
    void trigramPlannedPatternsStayCorrectOnCompactedData() {
        for (ChromaCollection c : List.of(compacted, tail)) {
            assertEquals(List.of("short"), matching(c, WhereDocument.regex("hel+o\\s+wor")));
            assertEquals(List.of("short"), matching(c, WhereDocument.regex("lo w{1}orld$")));
            assertEquals(List.of("as-then-x"), matching(c, WhereDocument.regex("aaa{2}x")));
            assertEquals(List.of(), matching(c, WhereDocument.regex("hello{2}")));
            // A brace that is no repetition is a literal: "{x" must be in the text.
            assertEquals(List.of(), matching(c, WhereDocument.regex("hello{x")));
        }
    }

    @Test
    void chromaSyntaxIsAccepted() {
        for (ChromaCollection c : List.of(compacted, tail)) {
            assertEquals(List.of("short"), matching(c, WhereDocument.regex("(?i)HELLO")));
            assertEquals(List.of("short"), matching(c, WhereDocument.regex("(?P<greeting>hel+o) (?<who>\\w+)")));
            assertEquals(List.of("short"), matching(c, WhereDocument.regex("\\u{68}ello")));
            assertEquals(List.of("short"), matching(c, WhereDocument.regex("\\u0068ello")));
            assertEquals(List.of("short"), matching(c, WhereDocument.regex("\\x{68}ello \\pL+")));
            assertEquals(List.of("short"), matching(c, WhereDocument.regex("[[:alpha:]]+ [[:alpha:]]{5}$")));
            assertEquals(List.of("short"), matching(c, WhereDocument.regex("(?s)o.w")));
            assertEquals(List.of("short"), matching(c, WhereDocument.regex("\\Ahello\\b.*?d\\z")));
            assertEquals(List.of("as-then-b"), matching(c, WhereDocument.regex("a{2,5}?b")));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = ';',
            value = {
                "(a)\\1;                 backreference \\1",
                "(?<n>a)\\k<n>;          backreference \\k",
                "foo(?=bar);             look-around (?=...)",
                "foo(?!bar);             look-around (?!...)",
                "(?<=foo)bar;            look-around (?<=...)",
                "(?<!foo)bar;            look-around (?<!...)",
                "(?>a+)b;                atomic group",
                "a++b;                   possessive quantifier (++)",
                "a*+b;                   possessive quantifier (*+)",
                "a{2}+b;                 possessive quantifier (}+)",
                "(?x) a b;               inline flag 'x' (verbose mode)",
                "[a[^b]];                nested character class",
                "[a-z&&b];               character class set operation &&",
                "[a-z--b];               character class set operation --",
                "\\b{start}a;            word boundary assertion of the form \\b{...}",
                "\\<a;                   word boundary assertion \\<",
                "(?R);                   recursion or subroutine call",
                "\\u{110000};            invalid Unicode escape"
            })
    void unsupportedConstructsAreRejectedNamingPatternAndConstruct(String pattern, String construct) {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> WhereDocument.regex(pattern));
        assertTrue(e.getMessage().startsWith("Invalid regular expression for operator $regex: "), e.getMessage());
        assertTrue(e.getMessage().contains(construct), e.getMessage());
        assertTrue(e.getMessage().endsWith(" in " + pattern.replace("\\", "\\\\")), e.getMessage());
        InvalidArgumentException parsed = assertThrows(
                InvalidArgumentException.class,
                () -> WhereDocument.parse("{\"$not_regex\": " + Json.write(pattern) + "}"));
        assertTrue(
                parsed.getMessage().contains("$not_regex")
                        && parsed.getMessage().contains(construct),
                parsed.getMessage());
    }

    @Test
    void engineErrorsAndOversizedPatternsAreRejected() {
        String message = assertThrows(InvalidArgumentException.class, () -> WhereDocument.regex("\\G"))
                .getMessage();
        assertTrue(message.contains("invalid escape sequence") && message.endsWith(" in \\\\G"), message);
        message = assertThrows(InvalidArgumentException.class, () -> WhereDocument.regex("((a{1000}){1000}){1000}"))
                .getMessage();
        assertTrue(message.contains("too large") && message.contains(String.valueOf(DocumentRegex.MAX_SIZE)), message);
        message = assertThrows(
                        InvalidArgumentException.class,
                        () -> WhereDocument.regex("(".repeat(50_000) + "a" + ")".repeat(50_000)))
                .getMessage();
        assertTrue(message.contains("nested deeper than " + DocumentRegex.MAX_NESTING), message);
        // Large but bounded patterns are fine.
        assertEquals(List.of("as-then-x"), matching(compacted, WhereDocument.regex("a{1000}x")));
        assertEquals(
                List.of("short"), matching(tail, WhereDocument.regex("(?:".repeat(200) + "world" + ")".repeat(200))));
    }

    private static List<String> matching(ChromaCollection c, WhereDocument filter) {
        return c.get(GetRequest.builder().whereDocument(filter).include().build())
                .ids();
    }

    private static <T> T timed(org.junit.jupiter.api.function.ThrowingSupplier<T> query) {
        return assertTimeoutPreemptively(BOUND, query);
    }
}
