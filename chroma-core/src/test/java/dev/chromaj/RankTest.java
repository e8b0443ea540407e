package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RankTest {

    @Test
    void knnFactoriesBuildTheirKindWithDefaultLimit() {
        assertInstanceOf(Rank.DenseKnn.class, Rank.knn(new float[] {1f}));
        Rank.TextKnn text = (Rank.TextKnn) Rank.knn("bm25", "how do vector databases work");
        assertEquals("bm25", text.key());
        assertEquals(16, text.limit());
        SparseVector sv = SparseVector.of(new int[] {1}, new float[] {1f});
        Rank.SparseKnn sparse = (Rank.SparseKnn) Rank.knn("splade", sv);
        assertEquals(sv, sparse.query());
    }

    @Test
    void limitReturnsANewRank() {
        Rank.Knn base = Rank.knn(new float[] {1f, 2f});
        Rank.Knn limited = base.limit(100);
        assertEquals(16, base.limit());
        assertEquals(100, limited.limit());
        assertArrayEquals(new float[] {1f, 2f}, ((Rank.DenseKnn) limited).query());
        assertThrows(InvalidArgumentException.class, () -> base.limit(0));
    }

    @Test
    void denseQueryIsCopied() {
        float[] q = {1f};
        Rank.DenseKnn r = (Rank.DenseKnn) Rank.knn(q);
        q[0] = 2f;
        r.query()[0] = 3f;
        assertArrayEquals(new float[] {1f}, r.query());
        assertEquals(Rank.knn(new float[] {1f}), r);
    }

    @Test
    void rrfHasUnitWeightsByDefault() {
        Rank.Rrf rrf = Rank.rrf(60, Rank.knn(new float[] {1f}).limit(100), Rank.knn("bm25", "q"));
        assertEquals(60, rrf.k());
        assertArrayEquals(new double[] {1.0, 1.0}, rrf.weights());
        assertEquals(2, rrf.ranks().size());
    }

    @Test
    void weightedRrfChecksWeights() {
        Rank.Rrf rrf = Rank.rrf(10, new double[] {0.7, 0.3}, Rank.knn(new float[] {1f}), Rank.knn("bm25", "q"));
        assertArrayEquals(new double[] {0.7, 0.3}, rrf.weights());
        assertTrue(assertThrows(
                        InvalidArgumentException.class,
                        () -> Rank.rrf(10, new double[] {1.0}, Rank.knn(new float[] {1f}), Rank.knn("bm25", "q")))
                .getMessage()
                .contains("one rrf weight per ranking"));
        assertThrows(InvalidArgumentException.class, () -> Rank.rrf(10, new double[] {-1}, Rank.knn("b", "q")));
    }

    @Test
    void invalidRanksAreRejected() {
        assertThrows(InvalidArgumentException.class, () -> Rank.rrf(0, Rank.knn("b", "q")));
        assertThrows(InvalidArgumentException.class, () -> Rank.rrf(60));
        assertThrows(InvalidArgumentException.class, () -> Rank.knn("", "q"));
        assertThrows(InvalidArgumentException.class, () -> Rank.knn("bm25", ""));
        assertThrows(InvalidArgumentException.class, () -> Rank.knn("s", (SparseVector) null));
        assertThrows(InvalidArgumentException.class, () -> Rank.knn(new float[] {Float.NaN}));
    }
}
