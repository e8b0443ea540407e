package dev.chromaj.index.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.testing.TestRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PostingBlockTest {

    @Test
    void weightBlockRoundTripsEdgeValues() {
        int[] offsets = {0, 1, 1000, PostingBlock.MAX_OFFSET - 1, PostingBlock.MAX_OFFSET};
        float[] values = {-0.0f, Float.MIN_VALUE, -Float.MAX_VALUE, Float.MAX_VALUE, 0.0f};
        PostingBlock block = PostingBlock.ofWeights(offsets, values);
        PostingBlock decoded = PostingBlock.decode(block.encode());
        assertEquals(block, decoded);
        for (int i = 0; i < offsets.length; i++) {
            assertEquals(offsets[i], decoded.offset(i));
            assertEquals(Float.floatToRawIntBits(values[i]), Float.floatToRawIntBits(decoded.value(i)));
        }
        assertEquals(Float.MAX_VALUE, decoded.maxValue());
        assertEquals(-Float.MAX_VALUE, decoded.minValue());
    }

    @Test
    void termFrequencyBlockRoundTripsAndKeepsMinimumLength() {
        PostingBlock block = PostingBlock.ofTermFrequencies(
                new int[] {3, 9, 70000}, new int[] {1, 1 << 24, 7}, new int[] {5, Integer.MAX_VALUE, 7});
        PostingBlock decoded = PostingBlock.decode(block.encode());
        assertEquals(block, decoded);
        assertEquals(ValueKind.TERM_FREQUENCY, decoded.kind());
        assertEquals(1 << 24, decoded.maxValue());
        assertEquals(5, decoded.minDocLength());
        assertEquals(Integer.MAX_VALUE, decoded.docLength(1));
    }

    @Test
    void randomBlocksRoundTrip() {
        Random random = TestRandom.random();
        for (int round = 0; round < 500; round++) {
            int size = 1 + random.nextInt(PostingBlock.BLOCK_SIZE);
            int[] offsets = new int[size];
            int offset = random.nextInt(1000);
            for (int i = 0; i < size; i++) {
                offsets[i] = offset;
                offset += 1 + random.nextInt(random.nextBoolean() ? 3 : 100000);
            }
            PostingBlock block;
            if (random.nextBoolean()) {
                float[] values = new float[size];
                for (int i = 0; i < size; i++) {
                    values[i] = (float) random.nextGaussian() * 10;
                }
                block = PostingBlock.ofWeights(offsets, values);
            } else {
                int[] tfs = new int[size];
                int[] lengths = new int[size];
                for (int i = 0; i < size; i++) {
                    tfs[i] = 1 + random.nextInt(20);
                    lengths[i] = tfs[i] + random.nextInt(500);
                }
                block = PostingBlock.ofTermFrequencies(offsets, tfs, lengths);
            }
            assertEquals(block, PostingBlock.decode(block.encode()), "round " + round);
            assertEquals(block.summary(), PostingBlock.decode(block.encode()).summary());
        }
    }

    @Test
    void encodingIsCompact() {
        int[] offsets = new int[PostingBlock.BLOCK_SIZE];
        int[] tfs = new int[offsets.length];
        int[] lengths = new int[offsets.length];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = 1_000_000 + i * 3;
            tfs[i] = 1;
            lengths[i] = 100;
        }
        // Version, kind and a 2-byte count; 3 bytes for the first offset; then 1 byte per gap, tf and length.
        assertEquals(
                4 + 3 + 127 + 128 + 128,
                PostingBlock.ofTermFrequencies(offsets, tfs, lengths).encode().length);
    }

    @Test
    void decodeRejectsCorruptBytesNamingTheProblem() {
        byte[] good =
                PostingBlock.ofWeights(new int[] {1, 5}, new float[] {1f, 2f}).encode();
        IllegalArgumentException truncated = assertThrows(
                IllegalArgumentException.class, () -> PostingBlock.decode(Arrays.copyOf(good, good.length - 1)));
        assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());

        byte[] badVersion = good.clone();
        badVersion[0] = 9;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PostingBlock.decode(badVersion))
                .getMessage()
                .contains("format version 9"));

        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PostingBlock.decode(trailing))
                .getMessage()
                .contains("trailing"));

        byte[] badKind = good.clone();
        badKind[1] = 7;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PostingBlock.decode(badKind))
                .getMessage()
                .contains("value kind"));

        byte[] zeroGap = good.clone();
        zeroGap[4] = 0;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PostingBlock.decode(zeroGap))
                .getMessage()
                .contains("gap"));
    }

    @Test
    void invalidBlocksAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> PostingBlock.ofWeights(new int[0], new float[0]));
        assertThrows(
                IllegalArgumentException.class, () -> PostingBlock.ofWeights(new int[] {2, 2}, new float[] {1, 1}));
        assertThrows(IllegalArgumentException.class, () -> PostingBlock.ofWeights(new int[] {-1}, new float[] {1}));
        assertThrows(
                IllegalArgumentException.class, () -> PostingBlock.ofWeights(new int[] {1}, new float[] {Float.NaN}));
        assertThrows(
                IllegalArgumentException.class,
                () -> PostingBlock.ofWeights(new int[] {Integer.MAX_VALUE}, new float[] {1}));
        assertThrows(
                IllegalArgumentException.class,
                () -> PostingBlock.ofTermFrequencies(new int[] {1}, new int[] {0}, new int[] {3}));
        assertThrows(
                IllegalArgumentException.class,
                () -> PostingBlock.ofTermFrequencies(new int[] {1}, new int[] {4}, new int[] {3}));
        assertThrows(IllegalArgumentException.class, () -> PostingBlock.ofWeights(new int[129], new float[129]));
    }

    @Test
    void builderSplitsIntoFullBlocksAndRejectsOutOfOrderOffsets() {
        PostingListBuilder builder = PostingListBuilder.weights();
        for (int i = 0; i < 300; i++) {
            builder.add(i * 2, i);
        }
        assertThrows(IllegalArgumentException.class, () -> builder.add(598, 1f));
        assertThrows(IllegalArgumentException.class, () -> builder.add(1000, 1, 2));
        List<PostingBlock> blocks = builder.blocks();
        assertEquals(
                List.of(128, 128, 44), blocks.stream().map(PostingBlock::size).toList());
        assertEquals(256, blocks.get(2).firstOffset() / 2);
        PostingList list = PostingList.inMemory(blocks);
        assertEquals(300, list.postingCount());
        assertEquals(ValueKind.WEIGHT, list.kind());
    }

    @Test
    void skipsRoundTripAndDescribeBlocks() {
        PostingListBuilder builder = PostingListBuilder.termFrequencies();
        Random random = new Random(7);
        int offset = 0;
        for (int i = 0; i < 1000; i++) {
            offset += 1 + random.nextInt(50);
            int tf = 1 + random.nextInt(5);
            builder.add(offset, tf, tf + random.nextInt(300));
        }
        PostingList list = builder.build();
        PostingSkips skips = list.skips();
        assertEquals(skips, PostingSkips.decode(skips.encode()));
        assertEquals(8, skips.blockCount());
        for (int i = 0; i < skips.blockCount(); i++) {
            assertEquals(list.block(i).summary(), skips.block(i));
        }
        byte[] bytes = skips.encode();
        assertThrows(IllegalArgumentException.class, () -> PostingSkips.decode(Arrays.copyOf(bytes, 10)));
    }

    @Test
    void cursorAdvancesAndMovesTheBlockViewWithoutLoading() {
        PostingListBuilder builder = PostingListBuilder.weights();
        for (int i = 0; i < 1000; i++) {
            builder.add(i * 10, 1 + i % 7);
        }
        List<PostingBlock> blocks = builder.blocks();
        int[] loads = new int[blocks.size()];
        PostingList list = PostingList.of(PostingSkips.of(blocks), n -> {
            loads[n]++;
            return blocks.get(n);
        });
        PostingCursor cursor = list.cursor(TermWeight.dotProduct(2f));
        assertEquals(-1, cursor.docId());
        assertEquals(0, cursor.nextDoc());
        assertEquals(2.0, cursor.score());
        assertTrue(cursor.advanceShallow(5000));
        assertEquals(0, cursor.docId());
        assertEquals(blocks.get(3).lastOffset(), cursor.blockLastDoc());
        assertEquals(blocks.get(3).maxValue(), cursor.blockMax());
        assertArrayEquals(new int[] {1, 0, 0, 0, 0, 0, 0, 0}, loads);
        assertEquals(5000, cursor.advance(4995));
        assertEquals(5010, cursor.nextDoc());
        assertArrayEquals(new int[] {1, 0, 0, 1, 0, 0, 0, 0}, loads);
        assertEquals(2.0 * 7, cursor.upperBound());
        assertEquals(PostingCursor.NO_MORE_DOCS, cursor.advance(9991));
        assertEquals(PostingCursor.NO_MORE_DOCS, cursor.nextDoc());
        assertEquals(0.0, cursor.blockUpperBound());
    }

    @Test
    void bm25WeightNeedsTermFrequencyPostings() {
        PostingList weights = PostingListBuilder.weights().add(1, 1f).build();
        assertThrows(
                IllegalArgumentException.class, () -> weights.cursor(TermWeight.bm25(Bm25Scorer.CHROMA, 1f, 10f, 1f)));
    }
}
