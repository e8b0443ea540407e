package dev.chromaj.index.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.chromaj.testing.TestRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrigramQueryTest {

    @Test
    void containsRequiresEveryTrigramOfTheLiteral() {
        assertEquals(Set.of("hel", "ell", "llo"), TrigramQuery.contains("hello").requiredTrigrams());
        assertTrue(TrigramQuery.contains("he").requiresScan());
    }

    @Test
    void regexUsesLiteralRunsOutsideGroupsAndClasses() {
        assertEquals(
                Set.of("hel", "ell", "llo", "wor", "orl", "rld"),
                TrigramQuery.regex("hello.*world").requiredTrigrams());
        assertEquals(Set.of("baz"), TrigramQuery.regex("(foo|bar)baz").requiredTrigrams());
        assertEquals(Set.of("col", "olo"), TrigramQuery.regex("colou?r").requiredTrigrams());
        assertEquals(Set.of("a.b", ".bc"), TrigramQuery.regex("a\\.bc").requiredTrigrams());
        assertEquals(Set.of("a.b"), TrigramQuery.regex("\\Qa.b\\E").requiredTrigrams());
        assertEquals(Set.of("abc"), TrigramQuery.regex("^abc\\d+[xyz]$").requiredTrigrams());
        assertEquals(Set.of("xab"), TrigramQuery.regex("xab{2,}").requiredTrigrams());
        assertEquals(Set.of("xyz"), TrigramQuery.regex("fooxyz|barxyz").requiredTrigrams());
    }

    @Test
    void regexFallsBackToScanWhenNoLiteralIsSafe() {
        assertTrue(TrigramQuery.regex("foo|bar").requiresScan());
        assertTrue(TrigramQuery.regex("(?i)hello").requiresScan());
        assertTrue(TrigramQuery.regex(Pattern.compile("hello", Pattern.CASE_INSENSITIVE))
                .requiresScan());
        assertTrue(TrigramQuery.regex("a\\w+b").requiresScan());
        assertTrue(TrigramQuery.regex("(abc)\\101").requiresScan());
        assertTrue(TrigramQuery.regex("ab+c").requiresScan());
    }

    @Test
    void braceThatIsNotARepetitionIsALiteralAsInRe2() {
        assertEquals(
                Set.of("ab{", "b{3", "{3c", "3cd", "cde"),
                TrigramQuery.regex("ab{3cde").requiredTrigrams());
        assertEquals(
                Set.of("ab{", "b{,", "{,3", ",3}", "3}c"),
                TrigramQuery.regex("ab{,3}c").requiredTrigrams());
        assertEquals(Set.of("{ab", "ab}"), TrigramQuery.regex("{ab}").requiredTrigrams());
        assertEquals(Set.of("axy", "xyz"), TrigramQuery.regex("a{2,3}xyz").requiredTrigrams());
        assertTrue(Pattern.compile("ab{3cde").matcher("--ab{3cde--").find());
    }

    @Test
    void invalidRegexIsRejectedWithThePattern() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrigramQuery.regex("a(b"));
        assertTrue(e.getMessage().contains("a(b"), e.getMessage());
    }

    @Test
    void everyDocumentContainingTheLiteralHasThePlannedTrigrams() {
        Random random = TestRandom.random();
        for (int round = 0; round < 3000; round++) {
            String literal = randomText(random, "ab😀", random.nextInt(7));
            String document = randomText(random, "ab😀 ", random.nextInt(25));
            if (random.nextBoolean()) {
                document = document.substring(
                                0, document.offsetByCodePoints(0, document.codePointCount(0, document.length()) / 2))
                        + literal
                        + document;
            }
            TrigramQuery plan = TrigramQuery.contains(literal);
            if (document.contains(literal)) {
                assertTrue(plan.mayMatch(Trigrams.of(document)), "\"" + literal + "\" in \"" + document + "\"");
            }
        }
    }

    @Test
    void everyDocumentMatchingTheRegexHasThePlannedTrigrams() {
        Random random = TestRandom.random();
        int planned = 0;
        int matches = 0;
        for (int round = 0; round < 1500; round++) {
            String regex = randomRegex(random, 0, new int[] {3});
            Pattern pattern;
            try {
                pattern = Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                continue;
            }
            TrigramQuery plan = TrigramQuery.regex(pattern);
            if (!plan.requiresScan()) {
                planned++;
            }
            List<String> documents = new ArrayList<>();
            for (int d = 0; d < 40; d++) {
                documents.add(randomText(random, "abc.x", random.nextInt(16)));
            }
            // Documents built from the pattern's own literal characters match far more often.
            for (int d = 0; d < 20; d++) {
                documents.add(randomText(
                        random, regex.replaceAll("[\\\\()\\[\\]{}*+?|^$]", "") + "ab", 3 + random.nextInt(13)));
            }
            for (String document : documents) {
                if (pattern.matcher(document).find()) {
                    matches++;
                    assertTrue(
                            plan.mayMatch(Trigrams.of(document)),
                            "/" + regex + "/ matches \"" + document + "\" but plan is " + plan);
                }
            }
        }
        // The property must be exercised: many plans narrow the search and many documents match.
        assertTrue(planned > 100, "only " + planned + " patterns had trigrams");
        assertTrue(matches > 1000, "only " + matches + " matching documents");
    }

    private static String randomText(Random random, String alphabet, int length) {
        int[] codePoints = alphabet.codePoints().toArray();
        if (codePoints.length == 0) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
        }
        return sb.toString();
    }

    private static final String[] ATOMS = {
        "a",
        "b",
        "c",
        "x",
        ".",
        "\\.",
        "[ab]",
        "[^a]",
        "[]a]",
        "\\d",
        "\\w",
        "\\s",
        "\\b",
        "^",
        "$",
        "\\Qa.b\\E",
        "\\Qab\\E",
        "\\x61",
        "\\x{62}",
        "\\t",
        "\\p{L}",
        "\\Q\\E",
        "{",
        "a{x",
        "{,2}",
        "}",
        "\\101",
        "\\z",
        "\\A",
        "[[:alpha:]]"
    };

    private static final String[] BOUNDED_QUANTIFIERS = {
        "", "", "", "", "?", "{2}", "{0,1}", "{1,3}", "{0}", "{1}", "{2}{2}", "??"
    };

    private static final String[] UNBOUNDED_QUANTIFIERS = {"*", "+", "{2,}", "*?", "+?"};

    /**
     * A random pattern over a small grammar: literals, classes, escapes, anchors, groups, alternations. Unbounded
     * quantifiers are limited by {@code unboundedLeft} (shared across the pattern) and never applied to groups.
     */
    private static String randomRegex(Random random, int depth, int[] unboundedLeft) {
        StringBuilder sb = new StringBuilder();
        int parts = 1 + random.nextInt(6);
        for (int i = 0; i < parts; i++) {
            int kind = random.nextInt(10);
            boolean group = false;
            if (kind < 6 || depth > 2) {
                String atom = kind < 4
                        ? randomText(random, "abcx", 1 + random.nextInt(4))
                        : ATOMS[random.nextInt(ATOMS.length)];
                sb.append(atom);
            } else if (kind < 8) {
                group = true;
                String[] openers = {"(", "(?:", "(?P<n>", "(?s:", "(?i:"};
                sb.append(openers[random.nextInt(openers.length)])
                        .append(randomRegex(random, depth + 1, unboundedLeft));
                if (random.nextBoolean()) {
                    sb.append('|').append(randomRegex(random, depth + 1, unboundedLeft));
                }
                sb.append(')');
            } else if (kind == 8 && random.nextInt(3) == 0) {
                sb.append('|');
            } else {
                sb.append(random.nextBoolean() ? "(?i)" : "(?m)");
            }
            if (!group && unboundedLeft[0] > 0 && random.nextInt(4) == 0) {
                unboundedLeft[0]--;
                sb.append(UNBOUNDED_QUANTIFIERS[random.nextInt(UNBOUNDED_QUANTIFIERS.length)]);
            } else {
                sb.append(BOUNDED_QUANTIFIERS[random.nextInt(BOUNDED_QUANTIFIERS.length)]);
            }
        }
        return sb.toString();
    }
}
