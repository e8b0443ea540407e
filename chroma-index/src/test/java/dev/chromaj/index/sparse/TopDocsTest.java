package dev.chromaj.index.sparse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.chromaj.testing.TestRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TopDocsTest {

    private static final float[] SPECIAL_SCORES = {
        0f,
        -0f,
        1f,
        -1f,
        Float.MIN_VALUE,
        -Float.MIN_VALUE,
        Float.MAX_VALUE,
        -Float.MAX_VALUE,
        Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY,
        2.5f
    };

    @Test
    void keepsTheBestKInResultOrderWithTiesToTheLowerOffset() {
        Random random = TestRandom.random();
        for (int round = 0; round < 200; round++) {
            int k = 1 + random.nextInt(40);
            int count = random.nextInt(300);
            TopDocs top = new TopDocs(k);
            List<ScoredDoc> offered = new ArrayList<>();
            int offset = random.nextInt(10);
            for (int i = 0; i < count; i++) {
                float score = random.nextInt(3) == 0
                        ? SPECIAL_SCORES[random.nextInt(SPECIAL_SCORES.length)]
                        : random.nextInt(8) - 3 + (random.nextBoolean() ? 0 : random.nextFloat());
                offered.add(new ScoredDoc(offset, score));
                top.offer(offset, score);
                offset += 1 + random.nextInt(random.nextBoolean() ? 3 : 100_000);
            }
            Collections.sort(offered);
            List<ScoredDoc> expected = offered.subList(0, Math.min(k, offered.size()));
            String context = "round " + round;
            assertEquals(expected, top.results(), context);
            float threshold = offered.size() < k
                    ? Float.NEGATIVE_INFINITY
                    : expected.get(k - 1).score();
            assertEquals(threshold, top.threshold(), context);
        }
    }

    @Test
    void documentsOfferedOutOfOffsetOrderStillRankByLowerOffsetOnTies() {
        TopDocs top = new TopDocs(2);
        top.offer(9, 1f);
        top.offer(Integer.MAX_VALUE - 1, 1f);
        top.offer(3, 1f);
        top.offer(0, 1f);
        assertEquals(List.of(new ScoredDoc(0, 1f), new ScoredDoc(3, 1f)), top.results());
    }

    @Test
    void keysRoundTripOffsetAndScore() {
        for (float score : SPECIAL_SCORES) {
            for (int offset : new int[] {0, 1, 77, Integer.MAX_VALUE - 1}) {
                long key = TopDocs.key(offset, score);
                assertEquals(offset, TopDocs.offset(key));
                assertEquals(Float.floatToIntBits(score), Float.floatToIntBits(TopDocs.score(key)));
            }
        }
    }
}
