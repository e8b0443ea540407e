package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.chromaj.testing.TestRandom;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ChromaCollection#forEachRecord} hands over every record of a snapshot in collection order, with every field
 * (types of metadata values kept), whether the record is compacted, in the log tail or both.
 */
class ForEachRecordTest {
    @TempDir
    Path dir;

    @Test
    void everyRecordWithEveryFieldInCollectionOrder() {
        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            ChromaCollection c = client.createCollection(
                    "all",
                    CollectionOptions.builder()
                            // none(): the document-only update below keeps the stored vector (nothing re-embeds)
                            .embeddingFunction(EmbeddingFunction.none())
                            .sparseIndex("splade", SparseIndex.provided())
                            .sparseIndex("bm25", SparseIndex.bm25())
                            .build());
            Random random = TestRandom.random();
            c.add(records(random, 0, 600)); // more than two scan batches
            c.compact();
            c.add(records(random, 600, 700)); // new records in the tail
            c.update(List.of(ChromaRecord.builder("r5")
                    .document("updated in the tail")
                    .metadata(Map.of("f", 0.5))
                    .build()));
            c.delete(List.of("r7", "r650"));
            c.upsert(List.of(
                    ChromaRecord.builder("r3").embedding(new float[] {9, 9, 9}).build()));

            GetResult expected = c.get(GetRequest.builder()
                    .include(Include.DOCUMENTS, Include.METADATAS, Include.EMBEDDINGS, Include.URIS)
                    .build());
            List<ChromaRecord> seen = new ArrayList<>();
            List<long[]> progress = new ArrayList<>();
            long n = c.forEachRecord(seen::add, (done, total) -> progress.add(new long[] {done, total}));

            assertEquals(698, n);
            assertEquals(expected.ids(), seen.stream().map(ChromaRecord::id).toList());
            for (int i = 0; i < seen.size(); i++) {
                ChromaRecord r = seen.get(i);
                assertArrayEquals(expected.embeddings().get(i), r.embedding(), r.id());
                assertEquals(expected.documents().get(i), r.document(), r.id());
                assertEquals(
                        expected.metadatas().get(i),
                        r.metadata() == null || r.metadata().isEmpty() ? null : r.metadata(),
                        r.id());
                assertEquals(expected.uris().get(i), r.uri(), r.id());
                assertFalse(r.sparse().containsKey("bm25"), "BM25 vectors come from the document");
            }
            ChromaRecord r1 = seen.get(1);
            assertEquals("r1", r1.id());
            assertEquals(Long.class, r1.metadata().get("i").getClass(), "integers stay integers");
            assertEquals(Double.class, r1.metadata().get("f").getClass(), "floats stay floats");
            assertEquals(Boolean.class, r1.metadata().get("b").getClass());
            assertEquals(List.of(1L, 2L), r1.metadata().get("list"));
            assertEquals(
                    SparseVector.of(new int[] {1, 4}, new float[] {0.5f, 1.5f}),
                    r1.sparse().get("splade"));
            ChromaRecord tail =
                    seen.stream().filter(r -> r.id().equals("r601")).findFirst().orElseThrow();
            assertEquals(
                    SparseVector.of(new int[] {601, 604}, new float[] {0.5f, 1.5f}),
                    tail.sparse().get("splade"));
            ChromaRecord updated = seen.get(5);
            assertEquals("updated in the tail", updated.document());
            assertEquals(0.5, updated.metadata().get("f"));
            assertEquals(5L, updated.metadata().get("i"), "an update merges metadata");
            assertArrayEquals(new float[] {9, 9, 9}, seen.get(3).embedding());
            assertNull(seen.get(2).uri(), "even records have no URI");

            long[] last = progress.get(progress.size() - 1);
            assertEquals(698, last[0]);
            assertEquals(698, last[1]);
        }
    }

    @Test
    void whatTheActionThrowsReachesTheCallerAndTheSnapshotIsReleased() {
        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            ChromaCollection c = client.createCollection(
                    "coll",
                    CollectionOptions.builder()
                            .sparseIndex("splade", SparseIndex.provided())
                            .build());
            c.add(records(TestRandom.random(), 0, 10));
            c.compact();
            IllegalArgumentException stop = new IllegalArgumentException("stop");
            IllegalArgumentException thrown = assertThrows(
                    IllegalArgumentException.class,
                    () -> c.forEachRecord(r -> {
                        throw stop;
                    }));
            assertSame(stop, thrown);
            assertFalse(client.engine().collection(c.id()).isPinned(1), "the pin was released");
            assertThrows(InvalidArgumentException.class, () -> c.forEachRecord(null));
            assertEquals(10, c.forEachRecord(r -> {}));
            assertEquals(0, client.createCollection("empty").forEachRecord(r -> {}));
        }
    }

    private static List<ChromaRecord> records(Random random, int from, int to) {
        List<ChromaRecord> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            ChromaRecord.Builder b = ChromaRecord.builder("r" + i)
                    .embedding(new float[] {random.nextFloat(), random.nextFloat(), i})
                    .document("document " + i + " " + random.nextInt(1000))
                    .metadata(Map.of("i", i, "f", i + 0.25, "b", i % 3 == 0, "list", List.of(1L, 2L)))
                    .sparse("splade", SparseVector.of(new int[] {i, i + 3}, new float[] {0.5f, 1.5f}));
            if (i % 2 == 1) {
                b.uri("s3://bucket/" + i);
            }
            out.add(b.build());
        }
        return out;
    }
}
