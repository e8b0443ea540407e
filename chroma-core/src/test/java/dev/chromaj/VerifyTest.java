package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.storage.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ChromaClient#verify} reads every object of every kept version and names what is damaged or missing, while
 * the client stays usable.
 */
class VerifyTest {
    @TempDir
    Path dir;

    /** Two collections, one with two compacted versions and a BM25 index, one never compacted. */
    private static void populate(ChromaClient client) {
        ChromaCollection docs = client.createCollection(
                "docs",
                CollectionOptions.builder()
                        .sparseIndex("bm25", SparseIndex.bm25())
                        .build());
        docs.add(records("d", 0, 300));
        docs.compact();
        docs.add(records("d", 300, 400));
        docs.compact();
        client.createCollection("tail-only").add(records("t", 0, 5));
        client.createTenant("acme");
        client.createDatabase("acme", "prod");
        ChromaCollection other = client.database("acme", "prod").createCollection("other");
        other.add(records("o", 0, 50));
        other.compact();
    }

    @Test
    void anIntactFolderVerifiesCleanAndEveryReferencedObjectIsRead() {
        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            populate(client);
            Storage storage = client.engine().storage;
            Set<String> expected = new TreeSet<>();
            long expectedBytes = 0;
            for (ChromaCollection c : List.of(
                    client.getCollection("docs"),
                    client.getCollection("tail-only"),
                    client.database("acme", "prod").getCollection("other"))) {
                expected.addAll(StorageLayout.referencedByManifests(storage, c.id()));
            }
            for (String key : expected) {
                expectedBytes += storage.head(key).orElseThrow().size();
            }
            List<long[]> progress = new ArrayList<>();
            VerifyReport report = client.verify((done, total) -> progress.add(new long[] {done, total}));

            assertTrue(report.ok(), report.problems().toString());
            assertEquals(3, report.collections());
            assertEquals(3 + 1 + 2, report.versions(), "versions 0..2, 0, and 0..1");
            assertEquals(expected.size(), report.objects());
            assertEquals(expectedBytes, report.bytes());
            long[] last = progress.get(progress.size() - 1);
            assertEquals(report.objects(), last[0]);
            assertEquals(report.objects(), last[1]);
            for (int i = 1; i < progress.size(); i++) {
                assertTrue(progress.get(i)[0] >= progress.get(i - 1)[0], "progress never goes back");
                assertTrue(progress.get(i)[0] <= progress.get(i)[1]);
            }
            assertEquals(400, client.getCollection("docs").count());
        }
    }

    @Test
    void aFlippedByteAndMissingObjectsAreNamed() throws IOException {
        String block;
        String root;
        String manifest;
        UUID other;
        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            populate(client);
            UUID docs = client.getCollection("docs").id();
            other = client.database("acme", "prod").getCollection("other").id();
            Storage storage = client.engine().storage;
            // Objects a client does not read when it opens (those it does read are checked by the open itself):
            // a record block of the current version, a root only the previous version lists, a manifest.
            UUID records = VersionManifest.read(storage, VersionManifest.key(other, 1))
                    .segments()
                    .roots()
                    .get("record.offset_to_record");
            Set<String> recordObjects =
                    new TreeSet<>(client.engine().blockfiles.objectKeys("collection/" + other, records));
            recordObjects.remove("collection/" + other + "/root/" + records);
            block = recordObjects.iterator().next();
            UUID previous = VersionManifest.read(storage, VersionManifest.key(docs, 1))
                    .segments()
                    .roots()
                    .get("record.offset_to_record");
            assertFalse(VersionManifest.read(storage, VersionManifest.key(docs, 2))
                    .segments()
                    .roots()
                    .containsValue(previous));
            root = "collection/" + docs + "/root/" + previous;
            manifest = VersionManifest.key(docs, 0);
        }
        Path blockFile = dir.resolve("data").resolve(block);
        byte[] bytes = Files.readAllBytes(blockFile);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(blockFile, bytes);
        Files.delete(dir.resolve("data").resolve(root));
        Files.delete(dir.resolve("data").resolve(manifest));

        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            VerifyReport report = client.verify();
            assertFalse(report.ok());
            assertEquals(3, report.problems().size(), report.problems().toString());
            assertEquals(1, report.damaged().size());
            VerifyReport.Problem damaged = report.damaged().get(0);
            assertEquals(block, damaged.key());
            assertEquals("acme/prod/other", damaged.collection());
            assertEquals(other, damaged.collectionId());
            assertTrue(damaged.detail().contains("checksum"), damaged.detail());
            Set<String> missing = new TreeSet<>();
            report.missing().forEach(p -> missing.add(p.key()));
            assertEquals(Set.of(root, manifest), missing);
            // Still usable: the collection with the intact blocks answers, and a second pass finds the same.
            assertEquals(5, client.getCollection("tail-only").count());
            assertEquals(report.problems(), client.verify().problems());
        }
    }

    @Test
    void aDamagedManifestIsNamed() throws IOException {
        UUID other;
        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            populate(client);
            other = client.database("acme", "prod").getCollection("other").id();
        }
        Path manifest = dir.resolve("data").resolve(VersionManifest.key(other, 0));
        String text = Files.readString(manifest).replace("\"other\"", "\"0ther\"");
        Files.writeString(manifest, text);
        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            VerifyReport report = client.verify();
            assertEquals(1, report.problems().size(), report.problems().toString());
            VerifyReport.Problem p = report.problems().get(0);
            assertEquals(VerifyReport.Problem.Kind.DAMAGED, p.kind());
            assertEquals(VersionManifest.key(other, 0), p.key());
            assertEquals("acme/prod/other", p.collection());
            assertTrue(p.detail().contains("checksum"), p.detail());
        }
    }

    @Test
    void whatTheListenerThrowsReachesTheCaller() {
        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            populate(client);
            IllegalArgumentException stop = new IllegalArgumentException("stop");
            IllegalArgumentException thrown = assertThrows(
                    IllegalArgumentException.class,
                    () -> client.verify((d, t) -> {
                        throw stop;
                    }));
            assertSame(stop, thrown);
            assertThrows(InvalidArgumentException.class, () -> client.verify(null));
            assertTrue(client.verify().ok(), "nothing left behind");
        }
    }

    private static List<ChromaRecord> records(String prefix, int from, int to) {
        List<ChromaRecord> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(ChromaRecord.builder(prefix + i)
                    .embedding(new float[] {i % 7, i, 1})
                    .document("document " + prefix + i + " about vectors and blocks")
                    .metadata(Map.of("i", i, "even", i % 2 == 0))
                    .build());
        }
        return out;
    }
}
