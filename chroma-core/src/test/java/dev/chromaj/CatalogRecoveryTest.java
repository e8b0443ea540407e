package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.catalog.VersionEntry;
import dev.chromaj.storage.BucketLayout;
import dev.chromaj.storage.LocalStorage;
import dev.chromaj.storage.ObjectInfo;
import dev.chromaj.storage.StorageStats;
import dev.chromaj.storage.testing.RecordingStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rebuilding the catalog costs requests per collection and version, not per object: it lists the collection folders
 * and each one's version folder, never the blocks, and brings back the same versions (numbers, manifests, log
 * positions) the catalog held.
 */
class CatalogRecoveryTest {
    @TempDir
    Path dir;

    @Test
    void scanListsOnlyTheCollectionFoldersAndTheirVersionFolders() {
        Set<UUID> live = new TreeSet<>();
        UUID deleted;
        try (ChromaClient client = client()) {
            for (String name : List.of("aaa", "bbb", "ccc")) {
                ChromaCollection c = client.createCollection(name);
                for (int round = 0; round < 3; round++) {
                    c.add(records(name + round, 40));
                    c.compact();
                }
                live.add(c.id());
            }
            ChromaCollection gone = client.createCollection("gone");
            gone.add(records("g", 10));
            gone.compact();
            deleted = gone.id();
            client.deleteCollection("gone");
        }
        try (LocalStorage local = new LocalStorage(dir.resolve("data"))) {
            Map<UUID, Set<Long>> expected = new TreeMap<>();
            int objects = 0;
            for (String key : StorageLayout.keys(local, BucketLayout.COLLECTIONS)) {
                objects++;
                BucketLayout.VersionKey v = BucketLayout.parseVersionKey(key);
                if (v != null) {
                    expected.computeIfAbsent(v.collectionId(), k -> new TreeSet<>())
                            .add(v.version());
                }
            }
            RecordingStorage recording = new RecordingStorage(local);
            Map<UUID, NavigableMap<Long, ObjectInfo>> scanned = CatalogRecovery.scan(recording);

            Map<UUID, Set<Long>> found = new TreeMap<>();
            scanned.forEach((id, versions) -> found.put(id, new TreeSet<>(versions.keySet())));
            assertEquals(expected, found, "every manifest of every collection, the deleted one's included");
            assertTrue(
                    found.containsKey(deleted) && found.keySet().containsAll(live),
                    found.keySet().toString());

            List<String> expectedRequests = new ArrayList<>();
            expectedRequests.add("FOLDERS collection/");
            for (UUID id : found.keySet()) {
                expectedRequests.add("LIST " + BucketLayout.versionPrefix(id));
            }
            assertEquals(
                    new TreeSet<>(expectedRequests),
                    new TreeSet<>(recording.requests),
                    "one listing of the folders, one of each version folder, no read: " + objects + " objects");
            assertEquals(expectedRequests.size(), recording.requests.size(), recording.requests.toString());
            assertTrue(objects > 4 * expectedRequests.size(), "the blocks outnumber the listings: " + objects);
        }
    }

    @Test
    void rebuiltCatalogHasTheSameVersionsAndLogPositionsAndTheDeletedCollectionStaysDeleted() throws IOException {
        Map<String, List<String>> before;
        try (ChromaClient client = client()) {
            for (String name : List.of("aaa", "bbb")) {
                ChromaCollection c = client.createCollection(name);
                for (int round = 0; round < 3; round++) {
                    c.add(records(name + round, 20 + round));
                    c.compact();
                }
            }
            ChromaCollection gone = client.createCollection("gone");
            gone.add(records("g", 10));
            gone.compact();
            client.deleteCollection("gone");
            before = versions(client);
        }
        for (String file : List.of("chromaj.sqlite3", "chromaj.sqlite3-wal", "chromaj.sqlite3-shm")) {
            Files.deleteIfExists(dir.resolve(file));
        }
        try (ChromaClient client = client()) {
            StorageStats stats = client.engine().storage.stats();
            assertEquals(before, versions(client));
            assertEquals(Set.of("aaa", "bbb"), new TreeSet<>(before.keySet()));
            assertEquals(1 + 3, stats.lists(), "the collection folders, then the version folders of aaa, bbb and gone");
            assertFalse(
                    client.listCollections().stream().anyMatch(c -> c.name().equals("gone")),
                    "a deleted collection stays deleted");
            assertEquals(63, client.getCollection("bbb").count());
        }
    }

    /** Each collection's versions as number, manifest key and log position. */
    private static Map<String, List<String>> versions(ChromaClient client) {
        Map<String, List<String>> out = new TreeMap<>();
        for (ChromaCollection c : client.listCollections()) {
            List<String> versions = new ArrayList<>();
            for (VersionEntry v : client.engine().catalog.listVersions(c.id())) {
                versions.add(v.version() + " " + v.manifestKey() + " @" + v.logPosition());
            }
            out.put(c.name(), versions);
        }
        return out;
    }

    private ChromaClient client() {
        return ChromaClient.builder()
                .path(dir)
                .compactionInterval(Duration.ofHours(1))
                .compactionThreshold(1_000_000)
                .maxBlockBytes(4096)
                .blockCacheBytes(16L << 20)
                .build();
    }

    private static List<ChromaRecord> records(String prefix, int n) {
        List<ChromaRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(S3TestClients.record(prefix + "-" + i, i, 8));
        }
        return out;
    }
}
