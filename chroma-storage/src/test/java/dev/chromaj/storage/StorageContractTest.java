package dev.chromaj.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.testing.TestRandom;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Storage} shares; subclasses supply a fresh, empty storage per test.
 */
abstract class StorageContractTest {
    private static final String EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e";

    protected Storage storage;

    /** A fresh, empty storage; closed after the test. */
    protected abstract Storage openStorage();

    /** Whether listing 1,000+ keys takes several requests (S3 pages of 1,000). */
    protected abstract boolean listsInPages();

    /** Asserts, where the backend has such a thing, that the large object just put went up in parts. */
    protected abstract void assertWrittenInParts(String key, int size);

    @BeforeEach
    void open() {
        storage = openStorage();
    }

    @AfterEach
    void closeStorage() {
        storage.close();
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        TestRandom.random().nextBytes(b);
        return b;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> keys(Iterator<ObjectInfo> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(i -> out.add(i.key()));
        return out;
    }

    // ---------------------------------------------------------------------------------------------- round trips

    @Test
    void putThenGetReturnsTheBytesAndTheEtagOfHead() {
        for (int size : new int[] {1, 17, 4096, 100_000}) {
            byte[] data = randomBytes(size);
            String key = "round/trip-" + size;
            String etag = storage.put(key, data);
            assertArrayEquals(data, storage.get(key));
            assertEquals(etag, storage.head(key).orElseThrow().etag());
            assertEquals(ETags.md5Hex(data), etag, "single-part ETag is the hex MD5 of the content");
        }
    }

    @Test
    void emptyObjectRoundTrips() {
        String etag = storage.put("empty", new byte[0]);
        assertEquals(EMPTY_MD5, etag);
        assertArrayEquals(new byte[0], storage.get("empty"));
        ObjectInfo info = storage.head("empty").orElseThrow();
        assertEquals(0, info.size());
        assertEquals(EMPTY_MD5, info.etag());
        assertArrayEquals(new byte[0], storage.getRange("empty", 0, 10));
        assertEquals(List.of("empty"), keys(storage.list("")));
    }

    @Test
    void putReplacesTheObjectAndItsEtag() {
        String first = storage.put("k", utf8("first"));
        String second = storage.put("k", utf8("second version"));
        assertNotEquals(first, second);
        assertArrayEquals(utf8("second version"), storage.get("k"));
        assertEquals(second, storage.head("k").orElseThrow().etag());
        assertEquals(14, storage.head("k").orElseThrow().size());
    }

    @Test
    void rangedReadsReturnTheSliceAndStopAtTheEnd() {
        byte[] data = randomBytes(1000);
        storage.put("ranged", data);
        assertArrayEquals(Arrays.copyOfRange(data, 0, 10), storage.getRange("ranged", 0, 10));
        assertArrayEquals(Arrays.copyOfRange(data, 500, 764), storage.getRange("ranged", 500, 264));
        assertArrayEquals(Arrays.copyOfRange(data, 990, 1000), storage.getRange("ranged", 990, 10));
        assertArrayEquals(Arrays.copyOfRange(data, 995, 1000), storage.getRange("ranged", 995, 10));
        assertArrayEquals(data, storage.getRange("ranged", 0, 5000));
        assertArrayEquals(new byte[0], storage.getRange("ranged", 1000, 10));
        assertArrayEquals(new byte[0], storage.getRange("ranged", 5000, 10));
        assertArrayEquals(new byte[0], storage.getRange("ranged", 10, 0));
        assertThrows(IllegalArgumentException.class, () -> storage.getRange("ranged", -1, 10));
        assertThrows(IllegalArgumentException.class, () -> storage.getRange("ranged", 0, -1));
    }

    @Test
    void missingKeyIsObjectNotFoundNamingOperationAndKey() {
        ObjectNotFoundException get = assertThrows(ObjectNotFoundException.class, () -> storage.get("no/such"));
        assertEquals("GET", get.operation());
        assertEquals("no/such", get.key());
        assertTrue(get.getMessage().contains("no/such"), get.getMessage());
        ObjectNotFoundException range =
                assertThrows(ObjectNotFoundException.class, () -> storage.getRange("no/such", 0, 10));
        assertEquals("no/such", range.key());
        assertThrows(ObjectNotFoundException.class, () -> storage.getRange("no/such", 0, 0));
        ExecutionException async = assertThrows(
                ExecutionException.class, () -> storage.getAsync("no/such").get(30, TimeUnit.SECONDS));
        assertTrue(
                async.getCause() instanceof ObjectNotFoundException,
                async.getCause().toString());
        assertEquals(Optional.empty(), storage.head("no/such"));
    }

    // --------------------------------------------------------------------------------------- conditional puts

    @Test
    void createOnlyPutRacedByEightThreadsHasExactlyOneWinner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 5; round++) {
                String key = "race/create-" + round;
                CountDownLatch start = new CountDownLatch(1);
                List<Future<String>> results = new ArrayList<>();
                for (int w = 0; w < 8; w++) {
                    byte[] data = utf8("writer-" + w + "-of-round-" + round);
                    results.add(pool.submit(() -> {
                        start.await();
                        return storage.putIfAbsent(key, data);
                    }));
                }
                start.countDown();
                int winner = -1;
                String winnerEtag = null;
                for (int w = 0; w < 8; w++) {
                    try {
                        winnerEtag = results.get(w).get(60, TimeUnit.SECONDS);
                        assertEquals(-1, winner, "two writers won round " + round + ": " + winner + " and " + w);
                        winner = w;
                    } catch (ExecutionException e) {
                        assertTrue(
                                e.getCause() instanceof PreconditionFailedException,
                                e.getCause().toString());
                    }
                }
                assertTrue(winner >= 0, "nobody won round " + round);
                assertArrayEquals(utf8("writer-" + winner + "-of-round-" + round), storage.get(key));
                assertEquals(winnerEtag, storage.head(key).orElseThrow().etag());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void createOnlyPutOfAnExistingKeyFailsAndKeepsTheObject() {
        storage.put("exists", utf8("old"));
        PreconditionFailedException e =
                assertThrows(PreconditionFailedException.class, () -> storage.putIfAbsent("exists", utf8("new")));
        assertEquals("exists", e.key());
        assertArrayEquals(utf8("old"), storage.get("exists"));
    }

    @Test
    void compareAndSwapReplacesOnlyWhenTheEtagMatches() {
        String v1 = storage.put("cas", utf8("v1"));
        String v2 = storage.putIfMatch("cas", utf8("v2"), v1);
        assertArrayEquals(utf8("v2"), storage.get("cas"));
        assertEquals(v2, storage.head("cas").orElseThrow().etag());

        PreconditionFailedException stale =
                assertThrows(PreconditionFailedException.class, () -> storage.putIfMatch("cas", utf8("v3"), v1));
        assertEquals("cas", stale.key());
        assertArrayEquals(utf8("v2"), storage.get("cas"));

        String v4 = storage.putIfMatch("cas", utf8("v4"), "\"" + v2 + "\"");
        assertEquals(ETags.md5Hex(utf8("v4")), v4, "a quoted ETag is accepted");
        assertArrayEquals(utf8("v4"), storage.get("cas"));
    }

    @Test
    void compareAndSwapOfAMissingKeyFails() {
        assertThrows(
                PreconditionFailedException.class,
                () -> storage.putIfMatch("cas/missing", utf8("x"), ETags.md5Hex(utf8("x"))));
        assertEquals(Optional.empty(), storage.head("cas/missing"));
    }

    @Test
    void compareAndSwapRacedByEightThreadsHasExactlyOneWinner() throws Exception {
        String base = storage.put("race/cas", utf8("base"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                byte[] data = utf8("cas-writer-" + w);
                results.add(pool.submit(() -> {
                    start.await();
                    return storage.putIfMatch("race/cas", data, base);
                }));
            }
            start.countDown();
            List<Integer> winners = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                try {
                    results.get(w).get(60, TimeUnit.SECONDS);
                    winners.add(w);
                } catch (ExecutionException e) {
                    assertTrue(
                            e.getCause() instanceof PreconditionFailedException,
                            e.getCause().toString());
                }
            }
            assertEquals(1, winners.size(), "winners: " + winners);
            assertArrayEquals(utf8("cas-writer-" + winners.get(0)), storage.get("race/cas"));
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------------------------------------ listing

    @Test
    void listReturnsMoreThanOneThousandKeysInOrderAcrossPages() throws Exception {
        int n = 1_100;
        List<String> expected = IntStream.range(0, n)
                .mapToObj(i -> String.format(Locale.ROOT, "many/k-%05d", i))
                .toList();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> puts = new ArrayList<>();
            for (String key : expected) {
                puts.add(pool.submit(() -> storage.put(key, utf8(key))));
            }
            for (Future<String> f : puts) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        storage.put("many-other", utf8("x"));
        storage.put("manyx/k", utf8("x"));

        long listsBefore = storage.stats().lists();
        List<ObjectInfo> listed = new ArrayList<>();
        storage.list("many/").forEachRemaining(listed::add);
        assertEquals(expected, listed.stream().map(ObjectInfo::key).toList());
        for (ObjectInfo info : listed) {
            assertEquals(info.key().length(), info.size());
            assertEquals(ETags.md5Hex(utf8(info.key())), info.etag());
        }
        long listRequests = storage.stats().lists() - listsBefore;
        if (listsInPages()) {
            assertTrue(listRequests >= 2, "expected several list pages, got " + listRequests);
        }

        storage.deleteAll(expected);
        assertEquals(List.of(), keys(storage.list("many/")));
        assertEquals(List.of("many-other", "manyx/k"), keys(storage.list("many")));
    }

    @Test
    void listFiltersByPrefixInUtf8Order() {
        List<String> all = List.of("a/b/1", "a/b/2", "a/bc", "a/c", "ab", "a-b", "a/b/\u00e9", "a/b/\uD83D\uDE00");
        for (String key : all) {
            storage.put(key, utf8(key));
        }
        List<String> sorted = all.stream().sorted(ObjectKeys.UTF8_ORDER).toList();
        assertEquals(sorted, keys(storage.list("")));
        assertEquals(List.of("a/b/1", "a/b/2", "a/b/\u00e9", "a/b/\uD83D\uDE00", "a/bc"), keys(storage.list("a/b")));
        assertEquals(List.of("a/b/1", "a/b/2", "a/b/\u00e9", "a/b/\uD83D\uDE00"), keys(storage.list("a/b/")));
        assertEquals(List.of("a-b", "a/b/1"), keys(storage.list("a")).subList(0, 2));
        assertEquals(List.of("ab"), keys(storage.list("ab")));
        assertEquals(List.of(), keys(storage.list("zzz")));
        assertEquals(List.of(), keys(storage.list("a/b/1/")));
        Iterator<ObjectInfo> it = storage.list("a/c");
        assertTrue(it.hasNext());
        assertTrue(it.hasNext(), "hasNext is idempotent");
        assertEquals("a/c", it.next().key());
        assertFalse(it.hasNext());
    }

    @Test
    void listFoldersReturnsEachFolderOneLevelDownOnceInOrderWithOneRequest() {
        List<String> all = List.of(
                "c/x/block/1",
                "c/x/block/2",
                "c/x/version/1.json",
                "c/y/version/1.json",
                "c/\u00e9/k",
                "c/x-file",
                "c/yz/a/b",
                "cz/w/1",
                "top");
        for (String key : all) {
            storage.put(key, utf8(key));
        }
        long listsBefore = storage.stats().lists();
        assertEquals(List.of("c/x/", "c/y/", "c/yz/", "c/\u00e9/"), folders(storage.listFolders("c/")));
        assertEquals(1, storage.stats().lists() - listsBefore, "one request for a page of folders");
        assertEquals(List.of("c/y/", "c/yz/"), folders(storage.listFolders("c/y")));
        assertEquals(List.of("c/", "cz/"), folders(storage.listFolders("")));
        assertEquals(List.of("c/x/block/", "c/x/version/"), folders(storage.listFolders("c/x/")));
        assertEquals(List.of(), folders(storage.listFolders("c/x/block/")), "objects are not folders");
        assertEquals(List.of(), folders(storage.listFolders("nothing/")));
        assertThrows(IllegalArgumentException.class, () -> storage.listFolders("../"));
    }

    private static List<String> folders(Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    // ---------------------------------------------------------------------------------------------- large objects

    @Test
    void twentyMegabyteObjectRoundTrips() {
        int size = 20 << 20;
        byte[] data = randomBytes(size);
        String etag = storage.put("large/object", data);
        assertWrittenInParts("large/object", size);
        assertArrayEquals(data, storage.get("large/object"));
        ObjectInfo info = storage.head("large/object").orElseThrow();
        assertEquals(size, info.size());
        assertEquals(etag, info.etag());
        int offset = (7 << 20) + 12345;
        assertArrayEquals(
                Arrays.copyOfRange(data, offset, offset + 100_000), storage.getRange("large/object", offset, 100_000));
    }

    // ------------------------------------------------------------------------------------------------- deletes

    @Test
    void deleteIsIdempotent() {
        storage.put("d/k", utf8("x"));
        storage.delete("d/k");
        assertEquals(Optional.empty(), storage.head("d/k"));
        storage.delete("d/k");
        storage.delete("d/never-existed");
        assertThrows(ObjectNotFoundException.class, () -> storage.get("d/k"));
        assertEquals(List.of(), keys(storage.list("d/")));
    }

    @Test
    void deleteAllRemovesTheKeysAndIgnoresMissingOnes() {
        for (int i = 0; i < 10; i++) {
            storage.put("da/" + i, utf8("x" + i));
        }
        storage.deleteAll(List.of("da/0", "da/3", "da/missing", "da/9"));
        assertEquals(List.of("da/1", "da/2", "da/4", "da/5", "da/6", "da/7", "da/8"), keys(storage.list("da/")));
        storage.deleteAll(List.of());
        assertEquals(7, keys(storage.list("da/")).size());
    }

    // ------------------------------------------------------------------------------------------------ keys

    @Test
    void keysWithSpacesAndNonAsciiCharactersRoundTrip() {
        List<String> odd = List.of(
                "dir with space/file name.bin",
                "na\u00efve/\u00fc\u00df/\u65e5\u672c\u8a9e.json",
                "emoji/\uD83D\uDE00 smile",
                "symbols/plus+and&amp=1%2F#hash?q",
                "~tilde/.hidden",
                "x/..dots");
        for (String key : odd) {
            storage.put(key, utf8("content of " + key));
        }
        for (String key : odd) {
            assertArrayEquals(utf8("content of " + key), storage.get(key), key);
            assertTrue(storage.head(key).isPresent(), key);
        }
        assertEquals(odd.stream().sorted(ObjectKeys.UTF8_ORDER).toList(), keys(storage.list("")));
        assertEquals(List.of("na\u00efve/\u00fc\u00df/\u65e5\u672c\u8a9e.json"), keys(storage.list("na\u00efve/")));
        storage.deleteAll(odd);
        assertEquals(List.of(), keys(storage.list("")));
    }

    @Test
    void invalidKeysAreRejectedWithoutTouchingTheStore() {
        for (String bad : List.of("", "/absolute", "a//b", "a/./b", "../up", "a/..", "trailing/", "nul\0char")) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> storage.put(bad, utf8("x")), "key '" + bad + "'");
            assertTrue(e.getMessage().contains("key"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> storage.get(bad));
        }
        assertThrows(IllegalArgumentException.class, () -> storage.list("../"));
        assertEquals(List.of(), keys(storage.list("")));
        assertEquals(0, storage.stats().puts());
    }

    // --------------------------------------------------------------------------------------------- head, stats

    @Test
    void headReportsSizeEtagAndModificationTime() {
        Instant before = Instant.now().minus(Duration.ofMinutes(5));
        String etag = storage.put("h/k", utf8("12345"));
        ObjectInfo info = storage.head("h/k").orElseThrow();
        assertEquals("h/k", info.key());
        assertEquals(5, info.size());
        assertEquals(etag, info.etag());
        assertTrue(
                info.lastModified().isAfter(before)
                        && info.lastModified().isBefore(Instant.now().plus(Duration.ofMinutes(5))),
                info.lastModified().toString());
        ObjectInfo listed = storage.list("h/").next();
        assertEquals(info.size(), listed.size());
        assertEquals(info.etag(), listed.etag());
    }

    @Test
    void statsCountOperationsAndBytes() {
        StorageStats s0 = storage.stats();
        storage.put("s/k", new byte[10]);
        storage.get("s/k");
        storage.getRange("s/k", 2, 4);
        storage.head("s/k");
        storage.list("s/").forEachRemaining(i -> {});
        storage.delete("s/k");
        StorageStats s1 = storage.stats();
        assertEquals(1, s1.puts() - s0.puts());
        assertEquals(1, s1.gets() - s0.gets());
        assertEquals(1, s1.rangeGets() - s0.rangeGets());
        assertEquals(1, s1.heads() - s0.heads());
        assertEquals(1, s1.lists() - s0.lists());
        assertEquals(1, s1.deletes() - s0.deletes());
        assertEquals(0, s1.retries() - s0.retries());
        assertEquals(10, s1.bytesWritten() - s0.bytesWritten());
        assertEquals(14, s1.bytesRead() - s0.bytesRead());
    }

    @Test
    void getAsyncFetchesManyKeysInParallelOnABoundedPool() throws Exception {
        int n = 200;
        for (int i = 0; i < n; i++) {
            storage.put("async/" + i, utf8("value-" + i));
        }
        Set<String> threads = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<byte[]>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(storage.getAsync("async/" + i)
                    .whenComplete((v, e) -> threads.add(Thread.currentThread().getName())));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        for (int i = 0; i < n; i++) {
            assertArrayEquals(utf8("value-" + i), futures.get(i).join());
        }
        // S3's default pool is 128 threads (a cold HNSW load issues its block reads at once)
        assertTrue(threads.size() <= 128, "a bounded pool, not a thread per key: " + threads);
        assertEquals(n, storage.stats().gets());
    }
}
