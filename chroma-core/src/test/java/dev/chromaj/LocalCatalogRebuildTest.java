package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local folder whose catalog file was deleted opens with everything it held: the catalog is rebuilt from the
 * version manifests in the folder's data store, and each collection's local WAL replays the writes after its
 * compacted position.
 */
class LocalCatalogRebuildTest {
    @TempDir
    Path dir;

    @Test
    void deletedCatalogIsRebuiltWithEveryCollectionRecordOptionAndMetadata() throws IOException {
        Map<String, String> before;
        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            ChromaCollection mixed = client.createCollection(
                    "mixed",
                    CollectionOptions.builder()
                            .metadata(Map.of("owner", "search", "level", 3))
                            .space(Space.COSINE)
                            .hnsw(HnswParams.builder()
                                    .m(12)
                                    .efConstruction(64)
                                    .efSearch(40)
                                    .build())
                            .sparseIndex("bm25", SparseIndex.bm25())
                            .embeddingFunction(EmbeddingFunction.none())
                            .build());
            mixed.add(records("m", 0, 30));
            mixed.compact();
            mixed.add(records("m", 30, 45)); // only in the WAL
            mixed.update(List.of(ChromaRecord.builder("m3")
                    .document("changed after compaction")
                    .build()));
            mixed.delete(List.of("m4", "m31"));

            ChromaCollection compacted = client.createCollection("compacted");
            compacted.add(records("c", 0, 20));
            compacted.compact();
            compacted.modify("renamed", Map.of("renamed", true)); // after its compaction

            ChromaCollection walOnly = client.createCollection(
                    "wal-only", CollectionOptions.builder().space(Space.IP).build());
            walOnly.add(records("w", 0, 12)); // never compacted: its dimension is only in the WAL

            client.createCollection(
                    "empty",
                    CollectionOptions.builder().metadata(Map.of("k", "v")).build());

            client.createTenant("acme");
            client.createDatabase("acme", "prod");
            client.createDatabase("acme", "old");
            client.database("acme", "prod").createCollection("other").add(records("o", 0, 5));
            client.database("acme", "old").createCollection("dropped-with-db").add(records("d", 0, 5));
            client.deleteDatabase("acme", "old");
            ChromaCollection gone = client.createCollection("gone");
            gone.add(records("g", 0, 3));
            gone.compact();
            client.deleteCollection("gone");

            before = describe(client);
        }
        for (String file : List.of("chromaj.sqlite3", "chromaj.sqlite3-wal", "chromaj.sqlite3-shm")) {
            Files.deleteIfExists(dir.resolve(file));
        }
        assertFalse(Files.exists(dir.resolve("chromaj.sqlite3")));

        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            assertEquals(before, describe(client));
            assertThrows(NotFoundException.class, () -> client.getCollection("gone"));
            assertThrows(NotFoundException.class, () -> client.database("acme", "old"));
            assertEquals(List.of("prod"), client.listDatabases("acme"));
            ChromaCollection walOnly = client.getCollection("wal-only");
            assertEquals(2, walOnly.dimension().orElseThrow());
            QueryResult q = walOnly.query(QueryRequest.builder()
                    .queryEmbedding(new float[] {1, 7})
                    .nResults(1)
                    .build());
            assertEquals(1, q.ids().get(0).size());
            // writing goes on where the log left off, and survives another reopen
            client.getCollection("mixed").add(records("m", 100, 101));
        }
        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            assertEquals(44, client.getCollection("mixed").count());
        }
    }

    /** Every collection of every database with its options, metadata and records (content included), as text. */
    private static Map<String, String> describe(ChromaClient client) {
        Map<String, String> out = new TreeMap<>();
        for (String tenant : List.of(ChromaClient.DEFAULT_TENANT, "acme")) {
            for (String database : client.listDatabases(tenant)) {
                Database db = client.database(tenant, database);
                for (ChromaCollection c : db.listCollections()) {
                    GetResult all = ChromaSemanticsTest.all(c);
                    Map<String, String> records = new TreeMap<>();
                    for (int i = 0; i < all.ids().size(); i++) {
                        records.put(
                                all.ids().get(i),
                                all.documents().get(i) + " "
                                        + new TreeMap<>(
                                                all.metadatas().get(i) == null
                                                        ? Map.of()
                                                        : all.metadatas().get(i))
                                        + " "
                                        + Arrays.toString(all.embeddings().get(i)));
                    }
                    Map<String, Object> described = new LinkedHashMap<>();
                    described.put("id", c.id());
                    described.put("metadata", c.metadata() == null ? null : new TreeMap<>(c.metadata()));
                    described.put("options", c.options());
                    described.put("dimension", c.dimension());
                    described.put("count", c.count());
                    described.put("records", records);
                    out.put(tenant + "/" + database + "/" + c.name(), described.toString());
                }
            }
        }
        assertTrue(out.size() >= 5, out.keySet().toString());
        return out;
    }

    private static List<ChromaRecord> records(String prefix, int from, int to) {
        List<ChromaRecord> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(ChromaRecord.builder(prefix + i)
                    .embedding(new float[] {i % 7, i})
                    .document("document " + prefix + i + " about vectors")
                    .metadata(Map.of("i", i, "even", i % 2 == 0))
                    .build());
        }
        return out;
    }
}
