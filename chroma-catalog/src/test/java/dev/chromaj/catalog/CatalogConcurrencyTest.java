package dev.chromaj.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogConcurrencyTest {
    @TempDir
    Path folder;

    @Test
    void readersSeeConsistentStatesWhileAWriterCommits() throws Exception {
        try (Catalog catalog = Catalog.open(folder)) {
            CollectionEntry e = CatalogTest.collection(Catalog.DEFAULT_TENANT, Catalog.DEFAULT_DATABASE, "c");
            catalog.createCollection(e);
            AtomicBoolean done = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<Integer>> readers = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                readers.add(pool.submit(() -> {
                    long lastSeen = 0;
                    int reads = 0;
                    while (!done.get() || reads == 0) {
                        CollectionEntry now = catalog.getCollection(e.id()).orElseThrow();
                        assertTrue(now.version() >= lastSeen, "versions never go back");
                        assertEquals(now.version() * 10, now.logPosition(), "version and position move together");
                        lastSeen = now.version();
                        List<VersionEntry> versions = catalog.listVersions(e.id());
                        assertTrue(versions.size() >= lastSeen, "a committed version is listed");
                        reads++;
                    }
                    return reads;
                }));
            }
            Future<?> writer = pool.submit(() -> {
                for (long v = 1; v <= 100; v++) {
                    catalog.commitVersion(e.id(), v, "m" + v, v * 10);
                }
                done.set(true);
                return null;
            });
            writer.get(120, TimeUnit.SECONDS);
            for (Future<Integer> r : readers) {
                assertTrue(r.get(120, TimeUnit.SECONDS) > 0);
            }
            pool.shutdown();
            assertEquals(100, catalog.getCollection(e.id()).orElseThrow().version());
        }
    }

    @Test
    void readsDoNotWaitForAnOpenWriteTransaction() throws Exception {
        try (Catalog catalog = Catalog.open(folder)) {
            CollectionEntry e = CatalogTest.collection(Catalog.DEFAULT_TENANT, Catalog.DEFAULT_DATABASE, "c");
            catalog.createCollection(e);
            try (Connection other = DriverManager.getConnection(
                            "jdbc:sqlite:" + catalog.folder().resolve(Catalog.FILE_NAME));
                    Statement s = other.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
                s.execute("UPDATE collections SET version = 42");
                CollectionEntry seen = assertTimeoutPreemptively(
                        Duration.ofSeconds(4),
                        () -> catalog.getCollection(e.id()).orElseThrow());
                assertEquals(0, seen.version(), "readers see the last committed state");
                s.execute("ROLLBACK");
            }
        }
    }
}
