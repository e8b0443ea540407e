package dev.chromaj.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.HnswParams;
import dev.chromaj.Space;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The importer on real Chroma folders that a test changed in the ways Chroma changes them: queue rows a segment
 * has not applied yet (every operation and rule), a metadata segment behind the queue, Chroma 1.5 array metadata,
 * a cosine HNSW index with stored norms, a flushed Chroma 0.4 index described by a pickled {@code PersistentData},
 * and a source that changes during the import.
 */
class QueueAndIndexReadingTest {

    private static final String DOCURAG_COLLECTION = "ba96bcec-d604-4fd4-9f57-cc0e6a477401";
    private static final String DOCURAG_TOPIC = "persistent://default/default/" + DOCURAG_COLLECTION;

    @TempDir
    Path tmp;

    private Path copy(String name) throws Exception {
        Path to = tmp.resolve("source-" + name);
        ImportChecks.copyTree(ChromaImportTest.fixture(name), to);
        return to;
    }

    private static Connection open(Path folder) throws Exception {
        return DriverManager.getConnection("jdbc:sqlite:" + folder.resolve("chroma.sqlite3"));
    }

    private static float[] filled(int dim, float value) {
        float[] v = new float[dim];
        Arrays.fill(v, value);
        return v;
    }

    private static byte[] bytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    private static void queue(Connection c, long seq, int op, String id, float[] vector, String metadata)
            throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO embeddings_queue (seq_id, operation, topic, id,"
                + " vector, encoding, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, seq);
            ps.setInt(2, op);
            ps.setString(3, DOCURAG_TOPIC);
            ps.setString(4, id);
            ps.setBytes(5, vector == null ? null : bytes(vector));
            ps.setString(6, vector == null ? null : "FLOAT32");
            ps.setString(7, metadata);
            ps.executeUpdate();
        }
    }

    private Map<String, IndependentChromaRead.Rec> importAll(Path source, String tenant, String database, String name) {
        try (ChromaClient client = ChromaClient.persistent(tmp.resolve("target-" + System.nanoTime()))) {
            ChromaImport.builder().source(source).target(client).build().run();
            return ImportChecks.readBack(client, tenant, database, name);
        }
    }

    @Test
    void queueRowsNotYetAppliedAreReplayedWithChromasRules() throws Exception {
        Path source = copy("docurag-1.0-768");
        Map<String, IndependentChromaRead.Rec> before =
                IndependentChromaRead.read(source).get(0).records();
        try (Connection c = open(source)) {
            queue(
                    c,
                    8,
                    0,
                    "c546fc1b-dff2-490c-b438-166c4ab31611",
                    filled(768, 8f),
                    "{\"chroma:document\": \"ignored: ADD of an existing id\"}");
            queue(c, 9, 1, "ghost", filled(768, 9f), "{\"a\": 1}");
            queue(
                    c,
                    10,
                    1,
                    "70b63fc5-cacb-4e99-8351-c73199d634ce",
                    null,
                    "{\"page\": null, \"newkey\": 1.5, \"chroma:document\": \"updated doc\"}");
            queue(c, 11, 2, "7dd4fe10-2c61-44d8-92c5-fb3deaaa6c81", filled(768, 0.25f), "{\"flag\": true}");
            queue(
                    c,
                    12,
                    2,
                    "fresh",
                    filled(768, 12f),
                    "{\"n\": 3, \"chroma:uri\": \"s3://bucket/fresh.pdf\","
                            + " \"tags\": [\"a\", \"b\"], \"chroma:internal\": \"x\", \"chroma:document\": \"fresh doc\"}");
            queue(c, 13, 3, "bbbb3970-016a-478f-9c83-ea0e6ca52671", null, null);
            queue(c, 14, 0, "novec", null, "{\"chroma:document\": \"no vector\", \"gone\": null}");
            queue(c, 15, 0, "fresh", filled(768, 15f), "{\"n\": 4}");
        }
        Map<String, IndependentChromaRead.Rec> expected = new TreeMap<>(before);
        IndependentChromaRead.Rec updated = before.get("70b63fc5-cacb-4e99-8351-c73199d634ce");
        Map<String, Object> m = new LinkedHashMap<>(updated.metadata());
        m.remove("page");
        m.put("newkey", 1.5);
        expected.put(
                updated.id(), new IndependentChromaRead.Rec(updated.id(), "updated doc", null, m, updated.embedding()));
        IndependentChromaRead.Rec upserted = before.get("7dd4fe10-2c61-44d8-92c5-fb3deaaa6c81");
        m = new LinkedHashMap<>(upserted.metadata());
        m.put("flag", true);
        expected.put(
                upserted.id(),
                new IndependentChromaRead.Rec(upserted.id(), upserted.document(), null, m, filled(768, 0.25f)));
        expected.put(
                "fresh",
                new IndependentChromaRead.Rec(
                        "fresh",
                        "fresh doc",
                        "s3://bucket/fresh.pdf",
                        Map.of("n", 3L, "tags", List.of("a", "b")),
                        filled(768, 12f)));
        expected.remove("bbbb3970-016a-478f-9c83-ea0e6ca52671");
        expected.put("novec", new IndependentChromaRead.Rec("novec", "no vector", null, Map.of(), null));

        try (ChromaClient client = ChromaClient.persistent(tmp.resolve("target"))) {
            ImportResult result =
                    ChromaImport.builder().source(source).target(client).build().run();
            ImportChecks.assertSameRecords(
                    expected, ImportChecks.readBack(client.getCollection("langchain")), 0, "replayed tail");
            assertEquals(8, result.records());
            assertEquals(1, result.collections().get(0).recordsWithoutEmbedding());
        }
    }

    @Test
    void aMetadataSegmentBehindTheQueueIsCaughtUp() throws Exception {
        Path source = copy("docurag-1.0-768");
        Map<String, IndependentChromaRead.Rec> full =
                IndependentChromaRead.read(source).get(0).records();
        try (Connection c = open(source);
                Statement s = c.createStatement()) {
            // As if Chroma had applied only rows 1-5 to the metadata segment when it stopped.
            s.executeUpdate(
                    "UPDATE max_seq_id SET seq_id = 5" + " WHERE segment_id = '42552cfd-8db2-4dc6-a3c0-bfe0d0a8e145'");
            s.executeUpdate("DELETE FROM embedding_metadata WHERE id IN (SELECT id FROM embeddings WHERE embedding_id"
                    + " IN ('5080697e-412c-4112-b4a6-57dbec3cfa20', 'c37a6e0d-3ce9-40c9-807d-e006df95b754'))");
            s.executeUpdate("DELETE FROM embeddings WHERE embedding_id IN ('5080697e-412c-4112-b4a6-57dbec3cfa20',"
                    + " 'c37a6e0d-3ce9-40c9-807d-e006df95b754')");
        }
        assertEquals(5, IndependentChromaRead.read(source).get(0).records().size());
        ImportChecks.assertSameRecords(
                full, importAll(source, "default_tenant", "default_database", "langchain"), 0, "caught up");
    }

    @Test
    void arrayMetadataOfChroma15IsImportedAsTypedLists() throws Exception {
        Path source = copy("repomind-1.5-hnsw-populated");
        String id = "app.py::Askquestion::17";
        try (Connection c = open(source);
                Statement s = c.createStatement()) {
            long row;
            try (var rs = s.executeQuery("SELECT id FROM embeddings WHERE embedding_id = '" + id + "'")) {
                rs.next();
                row = rs.getLong(1);
            }
            String insert = "INSERT INTO embedding_metadata_array (id, key, string_value, int_value, float_value,"
                    + " bool_value) VALUES ";
            s.executeUpdate(insert + "(" + row + ", 'tags', 'x', NULL, NULL, NULL), (" + row
                    + ", 'tags', 'y', NULL, NULL, NULL)");
            s.executeUpdate(insert + "(" + row + ", 'nums', NULL, 3, NULL, NULL), (" + row + ", 'nums', NULL, 1,"
                    + " NULL, NULL), (" + row + ", 'nums', NULL, 2, NULL, NULL)");
            s.executeUpdate(insert + "(" + row + ", 'ws', NULL, NULL, 0.5, NULL), (" + row + ", 'ws', NULL, NULL,"
                    + " 1.5, NULL)");
            s.executeUpdate(
                    insert + "(" + row + ", 'bs', NULL, NULL, NULL, 1), (" + row + ", 'bs', NULL, NULL," + " NULL, 0)");
        }
        Map<String, IndependentChromaRead.Rec> imported =
                importAll(source, "default_tenant", "default_database", "session_1Navneet23_LegalMind");
        Map<String, Object> metadata = imported.get(id).metadata();
        assertEquals(List.of("x", "y"), metadata.get("tags"));
        assertEquals(List.of(3L, 1L, 2L), metadata.get("nums"));
        assertEquals(List.of(0.5, 1.5), metadata.get("ws"));
        assertEquals(List.of(true, false), metadata.get("bs"));
        assertEquals("app.py", metadata.get("file"));
    }

    @Test
    void cosineVectorsAreMultipliedBackByTheirStoredNorm() throws Exception {
        Path source = copy("repomind-1.5-hnsw-populated");
        Path segment = source.resolve("0822d49d-fdb4-4977-a398-9596cb1993aa");
        try (Connection c = open(source);
                Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE collections SET schema_str = REPLACE(schema_str, '\"space\":\"l2\"',"
                    + " '\"space\":\"cosine\"')");
        }
        ByteBuffer lengths = ByteBuffer.allocate(400).order(ByteOrder.LITTLE_ENDIAN);
        for (int slot = 0; slot < 100; slot++) {
            lengths.putFloat(slot * 4, 1.5f + slot * 0.25f);
        }
        Files.write(segment.resolve("length.bin"), lengths.array());
        // Expected: each slot's stored floats times its norm, the slot found by its label.
        Map<Long, String> idByLabel =
                IndependentChromaRead.rustPickleLabels(Files.readAllBytes(segment.resolve("index_metadata.pickle")));
        ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(segment.resolve("data_level0.bin")))
                .order(ByteOrder.LITTLE_ENDIAN);
        Map<String, float[]> expected = new TreeMap<>();
        for (int slot = 0; slot < 69; slot++) {
            long base = slot * 1676L;
            String id = idByLabel.get(data.getLong((int) base + 1668));
            float[] v = new float[384];
            for (int i = 0; i < 384; i++) {
                v[i] = data.getFloat((int) base + 132 + 4 * i) * (1.5f + slot * 0.25f);
            }
            expected.put(id, v);
        }
        try (ChromaClient client = ChromaClient.persistent(tmp.resolve("target"))) {
            ChromaImport.builder().source(source).target(client).build().run();
            ChromaCollection c = client.getCollection("session_1Navneet23_LegalMind");
            assertEquals(Space.COSINE, c.options().space());
            Map<String, IndependentChromaRead.Rec> actual = ImportChecks.readBack(c);
            assertEquals(expected.keySet(), actual.keySet());
            expected.forEach((id, v) -> {
                float[] a = actual.get(id).embedding();
                for (int i = 0; i < v.length; i++) {
                    assertTrue(Math.abs(a[i] - v[i]) <= 1e-6 * Math.abs(v[i]), id + "[" + i + "]");
                }
            });
        }
    }

    @Test
    void aPythonEraFlushedIndexIsReadThroughItsPickledPersistentData() throws Exception {
        Path source = copy("chroma-fruit-0.4.15-two-colls");
        Path segment = source.resolve("5c3cb23c-8c33-4d58-9583-31a419523d82");
        float[] u1 = new float[384];
        float[] u2 = new float[384];
        u1[0] = 1f;
        u2[1] = 0.6f;
        u2[2] = 0.8f;
        HnswFolderWriter.write(
                segment,
                384,
                1000,
                List.of(
                        new HnswFolderWriter.Slot(1, u1, 2f, false),
                        new HnswFolderWriter.Slot(2, u2, 3f, false),
                        new HnswFolderWriter.Slot(7, filled(384, 1f), 1f, true)));
        Map<String, Long> idToLabel = new LinkedHashMap<>();
        idToLabel.put("1", 1L);
        idToLabel.put("2", 2L);
        // max_seq_id 2 in the pickle (Chroma 0.4-0.5.5): queue row 3 (ADD of id "3") is still to be replayed.
        HnswFolderWriter.writePythonPickle(segment.resolve("index_metadata.pickle"), 384, idToLabel, 2);
        try (Connection c = open(source);
                Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO segment_metadata (segment_id, key, str_value) VALUES"
                    + " ('5c3cb23c-8c33-4d58-9583-31a419523d82', 'hnsw:space', 'cosine')");
            s.executeUpdate("INSERT INTO segment_metadata (segment_id, key, int_value) VALUES"
                    + " ('5c3cb23c-8c33-4d58-9583-31a419523d82', 'hnsw:search_ef', 42)");
            s.executeUpdate("INSERT INTO collection_metadata (collection_id, key, str_value) VALUES"
                    + " ('26d11002-0322-4f92-bb34-75a9112e2d3e', 'hnsw:space', 'cosine'),"
                    + " ('26d11002-0322-4f92-bb34-75a9112e2d3e', 'owner', 'fruit-team')");
        }
        Map<String, IndependentChromaRead.Rec> queueOnly =
                IndependentChromaRead.read(ChromaImportTest.fixture("chroma-fruit-0.4.15-two-colls")).stream()
                        .filter(c -> c.name().equals("fruit"))
                        .findFirst()
                        .orElseThrow()
                        .records();
        try (ChromaClient client = ChromaClient.persistent(tmp.resolve("target"))) {
            ChromaImport.builder().source(source).target(client).build().run();
            ChromaCollection fruit = client.database("b1f6fa55-5c0a-4f93-82bb-fc398ed2e788", "helloworld")
                    .getCollection("fruit");
            assertEquals(Space.COSINE, fruit.options().space());
            assertEquals(new HnswParams(16, 100, 42), fruit.options().hnsw());
            assertEquals(Map.of("owner", "fruit-team"), fruit.metadata(), "hnsw:* keys are not user metadata");
            Map<String, IndependentChromaRead.Rec> actual = ImportChecks.readBack(fruit);
            float[] e1 = new float[384];
            e1[0] = 2f;
            float[] e2 = new float[384];
            e2[1] = 0.6f * 3f;
            e2[2] = 0.8f * 3f;
            assertEquals(List.of("1", "2", "3"), new ArrayList<>(actual.keySet()));
            assertTrue(Arrays.equals(e1, actual.get("1").embedding()), "HNSW vector times its norm");
            assertTrue(Arrays.equals(e2, actual.get("2").embedding()), "HNSW vector times its norm");
            assertTrue(
                    Arrays.equals(
                            queueOnly.get("3").embedding(), actual.get("3").embedding()),
                    "vector of the queue row after the pickled max_seq_id");
            assertEquals("pineapple", actual.get("3").document());
        }
    }

    @Test
    void aVectorSegmentThatAppliedRowsWithoutAPickleIsRefused() throws Exception {
        Path source = copy("docurag-1.0-768");
        try (Connection c = open(source);
                Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO max_seq_id (segment_id, seq_id) VALUES"
                    + " ('1834ec9d-295a-4dc7-94aa-092048ebbcb6', 5)");
        }
        ChromaImportException e = assertThrows(
                ChromaImportException.class,
                () -> ChromaImport.builder()
                        .source(source)
                        .target(tmp.resolve("target"))
                        .build()
                        .run());
        assertTrue(e.getMessage().contains("has applied the queue up to row 5 but its folder"), e.getMessage());
        assertTrue(e.getMessage().contains("has no index_metadata.pickle"), e.getMessage());
    }

    @Test
    void aSourceThatChangesDuringTheImportStopsIt() throws Exception {
        Path source = copy("repomind-1.5-hnsw-populated");
        Path db = source.resolve("chroma.sqlite3");
        Path target = tmp.resolve("target");
        ChromaImportException e = assertThrows(
                ChromaImportException.class,
                () -> ChromaImport.builder()
                        .source(source)
                        .target(target)
                        .batchSize(20)
                        .progressListener((done, total) -> {
                            try {
                                // Stands in for Chroma committing a write while the import runs.
                                Files.setLastModifiedTime(db, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
                            } catch (java.io.IOException io) {
                                throw new IllegalStateException(io);
                            }
                        })
                        .build()
                        .run());
        assertTrue(e.getMessage().contains("Chroma wrote to " + source + " during the import"), e.getMessage());
        try (ChromaClient client = ChromaClient.persistent(target)) {
            assertTrue(
                    client.getCollection("session_1Navneet23_LegalMind")
                            .metadata()
                            .containsKey(ChromaImport.PROGRESS_KEY),
                    "an unverified collection stays marked unfinished");
        }
    }
}
