package dev.chromaj.index.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.junit.jupiter.api.Test;

class Bm25AnalyzerTest {

    private final Bm25Analyzer analyzer = Bm25Analyzer.chroma();

    @Test
    void lowercasesRemovesStopWordsAndStems() {
        assertEquals(
                List.of("run", "dog", "quick", "jump", "fenc"),
                analyzer.tokens("The Running dogs are QUICKLY jumping over the fences"));
    }

    @Test
    void splitsOnNonWordCharactersKeepingDigitsAndUnderscore() {
        assertEquals(
                List.of("usain", "bolt", "top", "speed", "reach", "27", "8", "mph", "44", "72", "km", "h"),
                analyzer.tokens("Usain Bolt's top speed reached ~27.8 mph (44.72 km/h)"));
        assertEquals(List.of("snake_cas", "word"), analyzer.tokens("snake_case-words"));
    }

    @Test
    void splitsApostrophesSoContractionsBecomeStopWords() {
        assertEquals(List.of(), analyzer.tokens("Don't you're it's"));
    }

    @Test
    void dropsTokensLongerThanFortyCodePoints() {
        String forty = "a".repeat(39) + "b";
        String fortyOne = "a".repeat(40) + "b";
        assertEquals(1, analyzer.tokens(forty).size());
        assertEquals(List.of("word"), analyzer.tokens(fortyOne + " word"));
    }

    @Test
    void keepsNonLatinLettersAsWordCharacters() {
        assertEquals(List.of("größe", "日本語"), analyzer.tokens("Größe, 日本語!"));
    }

    @Test
    void termIndicesMatchChromaReferenceVectors() {
        // Expected indices from Chroma's BM25 embedding function tests (rust/chroma/src/embed/bm25.rs).
        TermFrequencies usain = analyzer.analyze("Usain Bolt's top speed reached ~27.8 mph (44.72 km/h)");
        assertArrayEquals(
                new int[] {
                    230246813,
                    395514983,
                    458027949,
                    488165615,
                    729632045,
                    734978415,
                    997512866,
                    1114505193,
                    1381820790,
                    1501587190,
                    1649421877,
                    1837285388
                },
                usain.termIndices());
        assertEquals(12, usain.length());

        TermFrequencies warps = analyzer.analyze("The   space-time   continuum   WARPS   near   massive   objects...");
        assertArrayEquals(
                new int[] {90097469, 519064992, 737893654, 1110755108, 1950894484, 2031641008, 2058513491},
                warps.termIndices());
        assertEquals(7, warps.length());
    }

    @Test
    void hashingIsStableAndIndependentOfInstance() {
        assertEquals(analyzer.termIndex("run"), new Bm25Analyzer().termIndex("run"));
        assertTrue(analyzer.termIndex("run") >= 0);
    }

    @Test
    void analyzeCountsTermFrequenciesAndLengthAfterStopWords() {
        TermFrequencies tf = analyzer.analyze("the cat and the cats ran; a dog ran");
        // cat, cat, ran, dog, ran: the/and/a are stop words.
        assertEquals(5, tf.length());
        assertEquals(3, tf.size());
        assertEquals(2, tf.frequency(analyzer.termIndex("cat")));
        assertEquals(2, tf.frequency(analyzer.termIndex("ran")));
        assertEquals(1, tf.frequency(analyzer.termIndex("dog")));
        assertEquals(0, tf.frequency(analyzer.termIndex("the")));
        int[] sorted = tf.termIndices().clone();
        Arrays.sort(sorted);
        assertArrayEquals(sorted, tf.termIndices());
    }

    @Test
    void emptyAndStopWordOnlyDocumentsHaveNoTerms() {
        assertEquals(new TermFrequencies(new int[0], new int[0], 0), analyzer.analyze(""));
        assertEquals(0, analyzer.analyze("the of and ... !!").length());
    }

    @Test
    void luceneAnalyzerProducesTheSameTokens() throws Exception {
        String text = "Running FASTER than the 3 quick-brown foxes_jumped, didn't they?";
        try (Analyzer lucene = Bm25Analyzer.newLuceneAnalyzer();
                TokenStream stream = lucene.tokenStream("contents", text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            List<String> tokens = new ArrayList<>();
            while (stream.incrementToken()) {
                tokens.add(term.toString());
            }
            stream.end();
            assertEquals(analyzer.tokens(text), tokens);
        }
    }

    @Test
    void concurrentCallsGiveTheSameResults() throws Exception {
        String text = "Microstructural development of human newborn cerebral white matter assessed in vivo";
        TermFrequencies expected = analyzer.analyze(text);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<TermFrequencies>> futures = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                futures.add(pool.submit(() -> analyzer.analyze(text)));
            }
            for (Future<TermFrequencies> future : futures) {
                assertEquals(expected, future.get());
            }
        } finally {
            pool.shutdown();
        }
    }
}
