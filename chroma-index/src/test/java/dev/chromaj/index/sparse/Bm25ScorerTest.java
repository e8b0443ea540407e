package dev.chromaj.index.sparse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Bm25ScorerTest {

    private final Bm25Scorer scorer = Bm25Scorer.CHROMA;

    @Test
    void idfFollowsChromaFormula() {
        // ln((10 - 2 + 0.5) / (2 + 0.5) + 1) = ln(4.4)
        assertEquals(1.4816045f, scorer.idf(10, 2), 1e-6f);
        // A term in every document still gets a small positive idf: ln(0.5 / 100.5 + 1).
        assertEquals(0.0049628, scorer.idf(100, 100), 1e-6);
        // ln(1000.5 / 0.5 + 1) = ln(2002)
        assertEquals(7.6019, scorer.idf(1000, 0), 1e-4);
    }

    @Test
    void scoreFollowsChromaFormula() {
        // 1.5 * 3 * 2.2 / (3 + 1.2 * (0.25 + 0.75 * 20 / 10)) = 9.9 / 5.1
        assertEquals(1.9411765f, scorer.score(3, 20, 10f, 1.5f), 1e-6f);
        // Chroma's fixed-average embedding value for tf 1 in a 12-token document, average length 256.
        assertEquals(1.6391153f, scorer.score(1, 12, 256f, 1f), 1e-6f);
        assertEquals(0f, scorer.score(0, 20, 10f, 1.5f));
    }

    @Test
    void scoreGrowsWithTermFrequencyAndShrinksWithLength() {
        float previous = 0;
        for (int tf = 1; tf < 50; tf++) {
            float score = scorer.score(tf, 100, 80f, 1f);
            assertTrue(score > previous);
            assertTrue(score < scorer.k1() + 1);
            previous = score;
        }
        assertTrue(scorer.score(2, 10, 80f, 1f) > scorer.score(2, 200, 80f, 1f));
    }

    @Test
    void customParametersApply() {
        Bm25Scorer noLengthNorm = new Bm25Scorer(2f, 0f);
        // tf * 3 / (tf + 2) independent of the length.
        assertEquals(1.8f, noLengthNorm.score(3, 5, 100f, 1f), 1e-6f);
        assertEquals(1.8f, noLengthNorm.score(3, 500, 100f, 1f), 1e-6f);
    }

    @Test
    void invalidArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Bm25Scorer(-1f, 0.75f));
        assertThrows(IllegalArgumentException.class, () -> new Bm25Scorer(1.2f, 1.5f));
        assertThrows(IllegalArgumentException.class, () -> scorer.idf(5, 6));
        assertThrows(IllegalArgumentException.class, () -> scorer.score(1, 10, 0f, 1f));
        assertThrows(IllegalArgumentException.class, () -> TermWeight.bm25(scorer, 1f, Float.NaN, 1f));
    }
}
