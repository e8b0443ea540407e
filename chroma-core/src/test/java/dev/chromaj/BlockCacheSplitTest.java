package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The split of the block cache between decoded and compressed blocks, seen from a client: automatic by default
 * (nothing compressed while the records read fit decoded; a compressed part, and a higher hit rate, when they do
 * not), pinned by {@link ChromaClient.Builder#blockCacheCompressedShare}, and reported by {@link ClientStats}.
 */
class BlockCacheSplitTest {
    private static final int RECORDS = 3000;
    private static final long CACHE = 512 << 10;

    @TempDir
    Path dir;

    private static String document(int i) {
        return "record " + i + " " + "lorem ipsum dolor sit amet ".repeat(20);
    }

    /** A client over {@link #RECORDS} compacted records of ~600 bytes in 16 KiB record blocks. */
    private ChromaClient client(String name, Double share) {
        ChromaClient.Builder b = ChromaClient.builder()
                .path(dir.resolve(name))
                .compactionInterval(Duration.ofHours(1))
                .compactionThreshold(1_000_000)
                .recordBlockBytes(16 << 10)
                .blockCacheBytes(CACHE);
        if (share != null) {
            b.blockCacheCompressedShare(share);
        }
        ChromaClient client = b.build();
        ChromaCollection c = client.createCollection("docs");
        List<ChromaRecord> records = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            records.add(ChromaRecord.builder("id-" + i)
                    .embedding(new float[] {i, 1, 0, 0})
                    .document(document(i))
                    .metadata(Map.of("i", i))
                    .build());
        }
        c.add(records);
        c.compact();
        return client;
    }

    /** Gets the records {@code [0, n)} by id in batches of 50, {@code rounds} times; the stats of the last round. */
    private static ClientStats rounds(ChromaClient client, int n, int rounds) {
        ChromaCollection c = client.getCollection("docs");
        ClientStats before = client.stats();
        for (int round = 0; round < rounds; round++) {
            before = client.stats();
            for (int from = 0; from < n; from += 50) {
                List<String> ids = new ArrayList<>();
                for (int i = from; i < Math.min(n, from + 50); i++) {
                    ids.add("id-" + i);
                }
                GetResult g = c.get(GetRequest.builder().ids(ids).build());
                assertEquals(ids.size(), g.ids().size());
                assertEquals(document(from), g.documents().get(g.ids().indexOf("id-" + from)));
            }
        }
        ClientStats after = client.stats();
        return new ClientStats(
                after.cacheHits() - before.cacheHits(),
                after.cacheMisses() - before.cacheMisses(),
                after.cacheBytes(),
                after.storageGets() - before.storageGets(),
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                after.cacheCompressedMaxBytes(),
                after.cacheCompressedBytes());
    }

    @Test
    void recordsThatFitDecodedKeepNothingCompressed() {
        try (ChromaClient client = client("fits", null)) {
            ClientStats last = rounds(client, 200, 4);
            assertEquals(0, last.cacheMisses(), "all hits: " + last);
            assertEquals(0, last.storageGets(), last.toString());
            assertEquals(0, last.cacheCompressedMaxBytes(), "the whole cache holds decoded blocks");
            assertEquals(0, last.cacheCompressedBytes());
        }
    }

    @Test
    void recordsThatDoNotFitDecodedGrowTheCompressedPartAndTheHitRate() {
        ClientStats decodedOnly;
        try (ChromaClient client = client("decoded", 0.0)) {
            decodedOnly = rounds(client, RECORDS, 4);
            assertEquals(0, decodedOnly.cacheCompressedMaxBytes());
            assertEquals(0, decodedOnly.cacheCompressedBytes());
        }
        try (ChromaClient client = client("auto", null)) {
            ClientStats auto = rounds(client, RECORDS, 4);
            assertTrue(auto.cacheCompressedMaxBytes() > CACHE / 4, "grown: " + auto);
            assertTrue(auto.cacheCompressedBytes() > 0, auto.toString());
            assertTrue(auto.cacheCompressedBytes() <= auto.cacheCompressedMaxBytes(), auto.toString());
            assertTrue(
                    auto.hitRate() > decodedOnly.hitRate() + 0.2,
                    "hit rate " + auto.hitRate() + " against " + decodedOnly.hitRate() + " decoded only");
            assertTrue(auto.storageGets() * 4 < decodedOnly.storageGets(), auto + " against " + decodedOnly);
        }
    }

    @Test
    void aPinnedShareIsReportedAndDoesNotMove() {
        try (ChromaClient client = client("pinned", 0.5)) {
            assertEquals(CACHE / 2, client.stats().cacheCompressedMaxBytes());
            ClientStats last = rounds(client, RECORDS, 2);
            assertEquals(CACHE / 2, last.cacheCompressedMaxBytes());
            assertTrue(last.cacheCompressedBytes() > 0 && last.cacheCompressedBytes() <= CACHE / 2, last.toString());
        }
    }

    @Test
    void aShareOutsideZeroToOneIsRejectedNamingTheOption() {
        for (double bad : new double[] {-0.1, 1, 1.5, Double.NaN}) {
            InvalidArgumentException e = assertThrows(
                    InvalidArgumentException.class, () -> ChromaClient.builder().blockCacheCompressedShare(bad));
            assertTrue(e.getMessage().startsWith("blockCacheCompressedShare must be"), e.getMessage());
        }
    }
}
