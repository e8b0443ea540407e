package dev.chromaj.blockstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.testing.TestRandom;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Compressed object frames: the codec byte, old (format-1, uncompressed) objects read as they are, alone and mixed
 * with new ones in one blockfile, and damaged compressed objects failing with the object's key, never wrong data.
 */
class BlockCompressionTest {
    private static final String GOLDEN_DIR = "collection/golden";
    /** The root and block of {@code src/test/resources/golden/}, written by the build before compression. */
    private static final UUID GOLDEN_ROOT = UUID.fromString("efd0ff64-6768-4ded-9263-37ef2538977d");

    private static final UUID GOLDEN_BLOCK = UUID.fromString("b3826d8f-1148-4792-8f0c-a267b5aca900");
    private static final String DIR = "collection/c1";

    private final MemoryStorage storage = new MemoryStorage();
    private final BlockCache cache = BlockCache.builder().maxBytes(16 << 20).build();
    private final BlockfileStore store = new BlockfileStore(storage, cache, new BlockfileOptions(2048, 2));

    @AfterEach
    void close() {
        store.close();
        cache.close();
        storage.close();
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = BlockCompressionTest.class.getResourceAsStream("/golden/" + name)) {
            assertTrue(in != null, "fixture " + name);
            return in.readAllBytes();
        }
    }

    private static DataRecord goldenRecord(int i) {
        return new DataRecord(
                "id-" + i,
                new float[] {i, i + 0.5f, -i, 0.25f},
                "document number " + i,
                Map.of("n", (long) i, "tags", List.of("a", "b")),
                i == 3 ? "s3://x/" + i : null);
    }

    private static void assertRecord(DataRecord expected, DataRecord actual) {
        assertEquals(expected.id(), actual.id());
        assertArrayEquals(expected.embedding(), actual.embedding());
        assertEquals(expected.document(), actual.document());
        assertEquals(expected.metadata(), actual.metadata());
        assertEquals(expected.uri(), actual.uri());
    }

    private void putGolden() throws IOException {
        storage.put(BlockfileStore.rootKey(GOLDEN_DIR, GOLDEN_ROOT), resource("v1-record-root.bin"));
        storage.put(BlockfileStore.blockKey(GOLDEN_DIR, GOLDEN_BLOCK), resource("v1-record-block.bin"));
    }

    @Test
    void theGoldenUncompressedObjectsOfTheOldFormatStillRead() throws IOException {
        byte[] block = resource("v1-record-block.bin");
        assertEquals(1, block[4], "the fixture is a format-1 frame");
        assertEquals(0, block[7], "with the reserved byte 0");
        putGolden();
        BlockfileReader<Integer, DataRecord> r =
                store.open(GOLDEN_DIR, GOLDEN_ROOT, KeyType.U32, ValueType.DATA_RECORD);
        for (int i = 0; i < 4; i++) {
            assertRecord(goldenRecord(i), r.get("", i));
        }
        assertNull(r.get("", 4));
        List<Integer> keys = new ArrayList<>();
        r.scan().forEachRemaining(e -> keys.add(e.key()));
        assertEquals(List.of(0, 1, 2, 3), keys);
    }

    @Test
    void forkingAnOldBlockfileRewritesItCompressedAndKeepsEveryRecord() throws IOException {
        putGolden();
        BlockfileWriter<Integer, DataRecord> w =
                store.fork(GOLDEN_DIR, GOLDEN_ROOT, KeyType.U32, ValueType.DATA_RECORD);
        DataRecord changed = new DataRecord("id-1", new float[] {9, 9, 9, 9}, "changed", null, null);
        w.set("", 1, changed);
        BlockfileRoot root = w.commit();
        byte[] newRoot = storage.objects().get(BlockfileStore.rootKey(GOLDEN_DIR, root.id()));
        assertEquals(ObjectFrame.FORMAT_VERSION, newRoot[4]);
        try (BlockCache cold = BlockCache.builder().maxBytes(1 << 20).build();
                BlockfileStore reader = new BlockfileStore(storage, cold, new BlockfileOptions(2048, 1))) {
            BlockfileReader<Integer, DataRecord> r =
                    reader.open(GOLDEN_DIR, root.id(), KeyType.U32, ValueType.DATA_RECORD);
            assertRecord(goldenRecord(0), r.get("", 0));
            assertRecord(changed, r.get("", 1));
            assertRecord(goldenRecord(3), r.get("", 3));
            // the old root still reads: nothing was rewritten in place
            BlockfileReader<Integer, DataRecord> old =
                    reader.open(GOLDEN_DIR, GOLDEN_ROOT, KeyType.U32, ValueType.DATA_RECORD);
            assertRecord(goldenRecord(1), old.get("", 1));
        }
    }

    /** Rewrites an uncompressed format-2 object as the format-1 frame older builds wrote (same layout, version 1). */
    private static byte[] asFormat1(byte[] object) {
        assertEquals(0, object[7], "only uncompressed objects have a format-1 twin");
        byte[] b = object.clone();
        b[4] = 1;
        b[5] = 0;
        rewriteCrc(b);
        return b;
    }

    private static void rewriteCrc(byte[] b) {
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - ObjectFrame.FOOTER_BYTES);
        int c = (int) crc.getValue();
        int at = b.length - 8;
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (c >>> (8 * i));
        }
    }

    @Test
    void aBlockfileMixingOldUncompressedAndNewCompressedBlocksReadsExactly() {
        int n = 3000;
        BlockfileRoot oldRoot;
        // written through its own cache, so the fork below reads the format-1 objects from storage
        try (BlockCache own = BlockCache.builder().maxBytes(1 << 20).build();
                BlockfileStore uncompressed =
                        new BlockfileStore(storage, own, new BlockfileOptions(2048, 2).withCompression(false))) {
            BlockfileWriter<Integer, String> w = uncompressed.create(DIR, KeyType.U32, ValueType.STRING);
            for (int i = 0; i < n; i++) {
                w.set("", i, "old value " + i + " of the first version");
            }
            oldRoot = w.commit();
        }
        Set<String> oldKeys = new HashSet<>();
        for (UUID id : oldRoot.blockIds()) {
            oldKeys.add(BlockfileStore.blockKey(DIR, id));
        }
        oldKeys.add(BlockfileStore.rootKey(DIR, oldRoot.id()));
        for (String key : oldKeys) {
            storage.put(key, asFormat1(storage.objects().get(key)));
        }
        BlockfileWriter<Integer, String> w = store.fork(DIR, oldRoot.id(), KeyType.U32, ValueType.STRING);
        for (int i = 0; i < n; i += 500) {
            w.set("", i, "new value " + i);
        }
        BlockfileRoot mixed = w.commit();
        int kept = 0;
        int compressed = 0;
        for (UUID id : mixed.blockIds()) {
            byte[] b = storage.objects().get(BlockfileStore.blockKey(DIR, id));
            if (b[4] == 1) {
                kept++;
            } else if (b[7] == BlockCompression.ZSTD.id()) {
                compressed++;
            }
        }
        assertTrue(kept > 0 && compressed > 0, "kept format-1 blocks " + kept + ", new zstd blocks " + compressed);
        try (BlockCache cold = BlockCache.builder().maxBytes(1 << 20).build();
                BlockfileStore reader = new BlockfileStore(storage, cold, new BlockfileOptions(2048, 1))) {
            BlockfileReader<Integer, String> r = reader.open(DIR, mixed.id(), KeyType.U32, ValueType.STRING);
            int[] next = {0};
            r.scan().forEachRemaining(e -> {
                int i = next[0]++;
                assertEquals(i, e.key());
                assertEquals(i % 500 == 0 ? "new value " + i : "old value " + i + " of the first version", e.value());
            });
            assertEquals(n, next[0]);
        }
    }

    private String writeOneCompressedBlock() {
        BlockfileWriter<Integer, String> w = store.create(DIR, KeyType.U32, ValueType.STRING);
        for (int i = 0; i < 100; i++) {
            w.set("", i, "value " + i);
        }
        BlockfileRoot root = w.commit();
        String key = BlockfileStore.blockKey(DIR, root.blockIds().get(0));
        assertEquals(BlockCompression.ZSTD.id(), storage.objects().get(key)[7]);
        return key;
    }

    private CorruptObjectException decodeDamaged(String key, byte[] damaged) {
        storage.put(key, damaged);
        return assertThrows(
                CorruptObjectException.class,
                () -> BlockCodec.decode(key, damaged, KeyType.U32, ValueType.STRING, store.allocator()));
    }

    @Test
    void aFlippedByteInACompressedBlockFailsTheChecksumNamingTheObject() {
        String key = writeOneCompressedBlock();
        byte[] b = storage.objects().get(key).clone();
        b[ObjectFrame.HEADER_BYTES + ObjectFrame.COMPRESSED_PREFIX_BYTES + 5] ^= 0x04;
        CorruptObjectException e = decodeDamaged(key, b);
        assertEquals(key, e.key());
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    }

    @Test
    void aDamagedCompressedBodyWithAValidFrameChecksumFailsInDecompressionNeverWithWrongData() {
        String key = writeOneCompressedBlock();
        byte[] original = storage.objects().get(key);
        int payload = original.length
                - ObjectFrame.HEADER_BYTES
                - ObjectFrame.COMPRESSED_PREFIX_BYTES
                - ObjectFrame.FOOTER_BYTES;
        // every byte of the compressed payload damaged in turn, the frame checksum forged each time: zstd's checks
        // or the checksum of the decompressed bytes must catch it; a byte zstd does not need (e.g. a window-size
        // hint) may decode, but then to exactly the original entries
        Block<Integer, String> intact =
                BlockCodec.decode(key, original, KeyType.U32, ValueType.STRING, store.allocator());
        int failed = 0;
        for (int at = 0; at < payload; at++) {
            byte[] b = original.clone();
            b[ObjectFrame.HEADER_BYTES + ObjectFrame.COMPRESSED_PREFIX_BYTES + at] ^= 0x21;
            rewriteCrc(b);
            try {
                Block<Integer, String> block =
                        BlockCodec.decode(key, b, KeyType.U32, ValueType.STRING, store.allocator());
                assertEquals(intact.size(), block.size(), "payload byte " + at);
                for (int i = 0; i < intact.size(); i++) {
                    assertEquals(intact.key(i), block.key(i), "payload byte " + at);
                    assertEquals(intact.value(i), block.value(i), "payload byte " + at);
                }
            } catch (CorruptObjectException e) {
                assertEquals(key, e.key(), "payload byte " + at);
                failed++;
            }
        }
        assertTrue(failed > payload * 9 / 10, failed + " of " + payload + " damaged bytes detected");
    }

    @Test
    void aWrongDecompressedLengthOrAnUnknownCodecIsReported() {
        String key = writeOneCompressedBlock();
        byte[] original = storage.objects().get(key);
        byte[] longer = original.clone();
        longer[ObjectFrame.HEADER_BYTES] = (byte) (longer[ObjectFrame.HEADER_BYTES] + 1);
        rewriteCrc(longer);
        CorruptObjectException e = decodeDamaged(key, longer);
        assertTrue(e.getMessage().contains(key) && e.getMessage().contains("ZSTD"), e.getMessage());

        byte[] unknown = original.clone();
        unknown[7] = 9;
        rewriteCrc(unknown);
        e = decodeDamaged(key, unknown);
        assertTrue(e.getMessage().contains("unknown codec 9"), e.getMessage());

        byte[] compressedV1 = original.clone();
        compressedV1[4] = 1;
        rewriteCrc(compressedV1);
        e = decodeDamaged(key, compressedV1);
        assertTrue(e.getMessage().contains("format-1"), e.getMessage());
    }

    @Test
    void eachValueTypeIsWrittenWithItsCodecAndIncompressibleBlocksStayUncompressed() {
        BlockfileWriter<Integer, float[]> vectors = store.create(DIR, KeyType.U32, ValueType.F32_LIST);
        long seed = TestRandom.seed();
        Random random = TestRandom.random();
        for (int i = 0; i < 20; i++) {
            float[] v = new float[16];
            for (int d = 0; d < v.length; d++) {
                v[d] = (float) (random.nextDouble() - 0.5) / 4;
            }
            vectors.set("", i, v);
        }
        BlockfileRoot vectorRoot = vectors.commit();
        byte[] vectorBlock = storage.objects()
                .get(BlockfileStore.blockKey(DIR, vectorRoot.blockIds().get(0)));
        assertEquals(BlockCompression.SHUFFLE4_ZSTD.id(), vectorBlock[7], "seed " + seed);

        BlockfileWriter<Integer, byte[]> noise = store.create(DIR, KeyType.U32, ValueType.BYTES);
        byte[] bytes = new byte[64 << 10];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        noise.set("", 0, bytes);
        BlockfileRoot noiseRoot = noise.commit();
        byte[] noiseBlock = storage.objects()
                .get(BlockfileStore.blockKey(DIR, noiseRoot.blockIds().get(0)));
        assertEquals(BlockCompression.NONE.id(), noiseBlock[7], "random bytes do not pay for zstd, seed " + seed);
        try (BlockCache cold = BlockCache.builder().maxBytes(1 << 20).build();
                BlockfileStore reader = new BlockfileStore(storage, cold, new BlockfileOptions(2048, 1))) {
            assertArrayEquals(
                    bytes,
                    reader.open(DIR, noiseRoot.id(), KeyType.U32, ValueType.BYTES)
                            .get("", 0));
            float[] first = reader.open(DIR, vectorRoot.id(), KeyType.U32, ValueType.F32_LIST)
                    .get("", 0);
            assertEquals(16, first.length);
        }
    }

    @Test
    void everyCodecRoundTripsEveryLengthIncludingShuffleTails() {
        long seed = TestRandom.seed();
        Random random = TestRandom.random();
        for (int len = 0; len < 70; len++) {
            byte[] data = new byte[len + 3];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) random.nextInt(8);
            }
            assertArrayEquals(
                    Arrays.copyOfRange(data, 3, 3 + len),
                    BlockCompression.unshuffle4(BlockCompression.shuffle4(data, 3, len)),
                    "length " + len + ", seed " + seed);
            for (BlockCompression codec : BlockCompression.values()) {
                byte[] packed = codec.compress(data, 3, len);
                byte[] back = codec.decompress("k", packed, 0, packed.length, len);
                assertArrayEquals(
                        Arrays.copyOfRange(data, 3, 3 + len), back, codec + " length " + len + " seed " + seed);
            }
        }
        byte[] words = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        assertArrayEquals(new byte[] {1, 5, 2, 6, 3, 7, 4, 8, 9}, BlockCompression.shuffle4(words, 0, 9));
        assertNotEquals(BlockCompression.NONE, BlockCompression.forValueType(ValueType.DATA_RECORD));
    }
}
