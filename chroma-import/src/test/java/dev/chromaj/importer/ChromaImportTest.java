package dev.chromaj.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.CollectionOptions;
import dev.chromaj.HnswParams;
import dev.chromaj.InvalidArgumentException;
import dev.chromaj.Space;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Imports the three real Chroma folders kept under {@code src/test/resources/chroma-persist-samples} (Chroma 0.4.15, 1.0
 * and 1.5 with a flushed HNSW index) and checks them against values an independent Python reader wrote; then the
 * behaviours around the data: idempotence, resuming an interrupted import, refusing a folder Chroma is writing to or
 * whose schema version is unknown, leaving the source untouched, and refusing a target collection with other
 * options.
 */
class ChromaImportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static Path fixture(String name) throws Exception {
        return Path.of(ChromaImportTest.class
                .getResource("/chroma-persist-samples/" + name)
                .toURI());
    }

    /** A writable copy of a fixture, so a test may add files to it or check that none appear. */
    private Path copy(String name) throws Exception {
        Path to = tmp.resolve("source-" + name);
        ImportChecks.copyTree(fixture(name), to);
        return to;
    }

    @ParameterizedTest
    @ValueSource(strings = {"docurag-1.0-768", "chroma-fruit-0.4.15-two-colls", "repomind-1.5-hnsw-populated"})
    void importsRealChromaFoldersAsAnIndependentReaderSeesThem(String sample) throws Exception {
        Path source = copy(sample);
        Map<String, String> before = ImportChecks.hashes(source);
        JsonNode expected = JSON.readTree(fixture(sample + ".expected.json").toFile());
        try (ChromaClient client = ChromaClient.persistent(tmp.resolve("target"))) {
            ImportResult result =
                    ChromaImport.builder().source(source).target(client).build().run();
            long total = 0;
            for (JsonNode c : expected.get("collections")) {
                ChromaCollection imported = client.database(
                                c.get("tenant").asText(), c.get("database").asText())
                        .getCollection(c.get("name").asText());
                Map<String, IndependentChromaRead.Rec> actual = ImportChecks.readBack(imported);
                assertEquals(c.get("records").size(), actual.size(), c.get("name") + " records");
                for (JsonNode r : c.get("records")) {
                    IndependentChromaRead.Rec a = actual.get(r.get("id").asText());
                    String ctx = sample + " record " + r.get("id");
                    assertEquals(
                            r.get("document").isNull()
                                    ? null
                                    : r.get("document").asText(),
                            a.document(),
                            ctx);
                    assertEquals(r.get("uri").isNull() ? null : r.get("uri").asText(), a.uri(), ctx);
                    assertEquals(pythonTyped(r.get("metadata")), ImportChecks.typed(a.metadata()), ctx);
                    assertEquals(r.get("dimension").asInt(), a.embedding().length, ctx);
                    assertEquals(r.get("embedding_sha256").asText(), sha256(a.embedding()), ctx + " embedding");
                }
                assertEquals(Space.L2, imported.options().space());
                assertEquals(
                        sample.startsWith("chroma-fruit") ? new HnswParams(16, 100, 10) : new HnswParams(16, 100, 100),
                        imported.options().hnsw(),
                        "HNSW parameters");
                total += actual.size();
            }
            assertEquals(total, result.records());
            assertEquals(
                    expected.get("collections").size(), result.collections().size());
            // The Java independent reader agrees too (it also covers collections' tenants and databases).
            for (IndependentChromaRead.Coll c : IndependentChromaRead.read(source)) {
                ImportChecks.assertSameRecords(
                        c.records(), ImportChecks.readBack(client, c.tenant(), c.database(), c.name()), 0, c.name());
            }
            if (sample.startsWith("chroma-fruit")) {
                // Both tenants and their databases exist, the second one empty; the empty collection too.
                assertEquals(List.of("helloworld"), client.listDatabases("b1f6fa55-5c0a-4f93-82bb-fc398ed2e788"));
                assertEquals(List.of("helloworld"), client.listDatabases("bae4191b-3df0-4cdf-8845-cc8a2356c370"));
                assertEquals(
                        0,
                        client.database("b1f6fa55-5c0a-4f93-82bb-fc398ed2e788", "helloworld")
                                .getCollection("testingtesting")
                                .count());
            }
        }
        assertEquals(before, ImportChecks.hashes(source), "the source folder's files (and no new -wal/-shm/-journal)");
    }

    @Test
    void flushedHnswVectorsComeFromTheIndexFilesNotTheQueue() throws Exception {
        // repomind's vector segment applied the queue up to row 1035; rows 1036-1242 re-ADD existing ids and must be
        // ignored. Give those rows different vectors: the imported vectors must still be the HNSW ones.
        Path source = copy("repomind-1.5-hnsw-populated");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source.resolve("chroma.sqlite3"));
                Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE embeddings_queue SET vector = zeroblob(1536) WHERE seq_id > 1035");
        }
        JsonNode expected = JSON.readTree(
                fixture("repomind-1.5-hnsw-populated.expected.json").toFile());
        try (ChromaClient client = ChromaClient.persistent(tmp.resolve("target"))) {
            ChromaImport.builder().source(source).target(client).build().run();
            Map<String, IndependentChromaRead.Rec> actual =
                    ImportChecks.readBack(client, "default_tenant", "default_database", "session_1Navneet23_LegalMind");
            for (JsonNode r : expected.get("collections").get(0).get("records")) {
                assertEquals(
                        r.get("embedding_sha256").asText(),
                        sha256(actual.get(r.get("id").asText()).embedding()));
            }
        }
    }

    @Test
    void importingTwiceGivesTheSameResult() throws Exception {
        Path source = copy("repomind-1.5-hnsw-populated");
        try (ChromaClient client = ChromaClient.persistent(tmp.resolve("target"))) {
            ImportResult first = ChromaImport.builder()
                    .source(source)
                    .target(client)
                    .batchSize(16)
                    .build()
                    .run();
            ChromaCollection c = client.getCollection("session_1Navneet23_LegalMind");
            Map<String, IndependentChromaRead.Rec> once = ImportChecks.readBack(c);
            ImportResult second = ChromaImport.builder()
                    .source(source)
                    .target(client)
                    .batchSize(16)
                    .build()
                    .run();
            assertEquals(69, first.written());
            assertEquals(69, second.records());
            assertEquals(1, client.countCollections());
            assertEquals(69, c.count());
            ImportChecks.assertSameRecords(once, ImportChecks.readBack(c), 0, "second import");
            assertEquals(Map.of(), c.metadata(), "no progress marker left");
        }
    }

    @Test
    void anImportStoppedMidwayResumesToTheSameResult() throws Exception {
        Path source = copy("repomind-1.5-hnsw-populated");
        Map<String, IndependentChromaRead.Rec> clean;
        try (ChromaClient client = ChromaClient.persistent(tmp.resolve("clean"))) {
            ChromaImport.builder().source(source).target(client).build().run();
            clean = ImportChecks.readBack(client.getCollection("session_1Navneet23_LegalMind"));
        }
        Path target = tmp.resolve("resumed");
        // A listener that throws after 30 records stands in for a crash between two batches.
        RuntimeException crash = assertThrows(
                RuntimeException.class,
                () -> ChromaImport.builder()
                        .source(source)
                        .target(target)
                        .batchSize(10)
                        .progressListener((done, total) -> {
                            if (done >= 30) {
                                throw new IllegalStateException("simulated crash at " + done);
                            }
                        })
                        .build()
                        .run());
        assertEquals("simulated crash at 30", crash.getMessage());
        try (ChromaClient client = ChromaClient.persistent(target)) {
            ChromaCollection c = client.getCollection("session_1Navneet23_LegalMind");
            assertEquals(30, c.count(), "records written before the crash");
            assertTrue(
                    String.valueOf(c.metadata().get(ChromaImport.PROGRESS_KEY)).endsWith("|30"),
                    "progress marker: " + c.metadata());
        }
        List<Long> progress = new ArrayList<>();
        ImportResult resumed = ChromaImport.builder()
                .source(source)
                .target(target)
                .batchSize(10)
                .progressListener((done, total) -> progress.add(done))
                .build()
                .run();
        assertEquals(30L, progress.get(0), "the re-run starts where the first run stopped");
        assertEquals(69L, progress.get(progress.size() - 1));
        assertEquals(39, resumed.written());
        assertEquals(69, resumed.records());
        try (ChromaClient client = ChromaClient.persistent(target)) {
            ChromaCollection c = client.getCollection("session_1Navneet23_LegalMind");
            ImportChecks.assertSameRecords(clean, ImportChecks.readBack(c), 0, "resumed import");
            assertEquals(Map.of(), c.metadata(), "progress marker removed");
        }
    }

    @Test
    void aFolderChromaIsWritingToIsRefused() throws Exception {
        Path source = copy("docurag-1.0-768");
        Path db = source.resolve("chroma.sqlite3");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        SqliteWriteLockHolder.class.getName(),
                        db.toString())
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", out.readLine(), "the lock-holding process started");
            ChromaImportException e = assertThrows(
                    ChromaImportException.class,
                    () -> ChromaImport.builder()
                            .source(source)
                            .target(tmp.resolve("target"))
                            .build()
                            .run());
            assertTrue(e.getMessage().contains("Chroma is writing to " + source), e.getMessage());
            assertTrue(e.getMessage().contains("write lock"), e.getMessage());
            assertFalse(Files.exists(tmp.resolve("target")), "nothing was written to the target");
        } finally {
            holder.getOutputStream().close();
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
        }
        // Once the writer is gone the same folder imports.
        ImportResult r = ChromaImport.builder()
                .source(source)
                .target(tmp.resolve("target"))
                .build()
                .run();
        assertEquals(7, r.records());
    }

    @Test
    void aFolderWithAHotJournalOrAnUncheckpointedWalIsRefused() throws Exception {
        Path source = copy("docurag-1.0-768");
        Path journal = source.resolve("chroma.sqlite3-journal");
        Files.write(journal, new byte[512]);
        ChromaImportException e = assertThrows(
                ChromaImportException.class,
                () -> ChromaImport.builder()
                        .source(source)
                        .target(tmp.resolve("t1"))
                        .build()
                        .run());
        assertTrue(e.getMessage().contains("rollback journal chroma.sqlite3-journal is not empty"), e.getMessage());
        Files.delete(journal);
        Path wal = source.resolve("chroma.sqlite3-wal");
        Files.write(wal, new byte[32]);
        e = assertThrows(
                ChromaImportException.class,
                () -> ChromaImport.builder()
                        .source(source)
                        .target(tmp.resolve("t2"))
                        .build()
                        .run());
        assertTrue(e.getMessage().contains("chroma.sqlite3-wal is not empty"), e.getMessage());
        Files.delete(wal);
        // Empty leftovers are harmless (nothing uncommitted in them).
        Files.write(journal, new byte[0]);
        assertEquals(
                7,
                ChromaImport.builder()
                        .source(source)
                        .target(tmp.resolve("t3"))
                        .build()
                        .run()
                        .records());
    }

    @Test
    void anUnknownSchemaVersionIsRefusedNamingTheVersion() throws Exception {
        Path source = copy("repomind-1.5-hnsw-populated");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source.resolve("chroma.sqlite3"));
                Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO migrations (dir, version, filename, sql, hash) VALUES"
                    + " ('metadb', 7, '00007-bool-metadata-index.sqlite.sql', '', '')");
        }
        ChromaImportException e = assertThrows(
                ChromaImportException.class,
                () -> ChromaImport.builder()
                        .source(source)
                        .target(tmp.resolve("target"))
                        .build()
                        .run());
        assertTrue(
                e.getMessage().contains("schema version metadb 7 (00007-bool-metadata-index.sqlite.sql)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("Chroma 0.4.0 to 1.5.x"), e.getMessage());
    }

    @Test
    void aFolderThatIsNotChromasIsRefused() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        ChromaImportException e = assertThrows(
                ChromaImportException.class,
                () -> ChromaImport.builder()
                        .source(empty)
                        .target(tmp.resolve("t"))
                        .build()
                        .run());
        assertTrue(e.getMessage().contains("has no chroma.sqlite3"), e.getMessage());

        Path other = Files.createDirectories(tmp.resolve("other"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other.resolve("chroma.sqlite3"));
                Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE catalog (id TEXT)");
        }
        e = assertThrows(
                ChromaImportException.class,
                () -> ChromaImport.builder()
                        .source(other)
                        .target(tmp.resolve("t"))
                        .build()
                        .run());
        assertTrue(e.getMessage().contains("is not a Chroma database: it has no migrations table"), e.getMessage());
    }

    @Test
    void theSourceFolderCannotBeTheTarget() throws Exception {
        Path source = copy("docurag-1.0-768");
        Map<String, String> before = ImportChecks.hashes(source);
        ChromaImportException e = assertThrows(
                ChromaImportException.class,
                () -> ChromaImport.builder()
                        .source(source)
                        .target(source)
                        .build()
                        .run());
        assertTrue(e.getMessage().contains("is the Chroma persist directory being imported"), e.getMessage());
        e = assertThrows(
                ChromaImportException.class,
                () -> ChromaImport.builder()
                        .source(source)
                        .target(source.resolve("chromaj"))
                        .build()
                        .run());
        assertTrue(e.getMessage().contains("is inside the Chroma persist directory being imported"), e.getMessage());
        Path other = copy("chroma-fruit-0.4.15-two-colls");
        e = assertThrows(
                ChromaImportException.class,
                () -> ChromaImport.builder()
                        .source(source)
                        .target(other)
                        .build()
                        .run());
        assertTrue(e.getMessage().contains("holds a Chroma database"), e.getMessage());
        assertEquals(before, ImportChecks.hashes(source));
    }

    @Test
    void aTargetCollectionWithOtherOptionsIsNotTouched() throws Exception {
        Path source = copy("docurag-1.0-768");
        try (ChromaClient client = ChromaClient.persistent(tmp.resolve("target"))) {
            client.createCollection(
                    "langchain", CollectionOptions.builder().space(Space.COSINE).build());
            ChromaImportException e = assertThrows(
                    ChromaImportException.class,
                    () -> ChromaImport.builder()
                            .source(source)
                            .target(client)
                            .build()
                            .run());
            assertTrue(
                    e.getMessage()
                            .contains(
                                    "Collection langchain already exists in the target database"
                                            + " default_tenant/default_database with different options: space cosine (source: l2)"),
                    e.getMessage());
            assertEquals(0, client.getCollection("langchain").count());
            assertEquals(Map.of(), client.getCollection("langchain").metadata());

            client.deleteCollection("langchain");
            client.createCollection(
                    "langchain",
                    CollectionOptions.builder()
                            .hnsw(HnswParams.builder().m(32).build())
                            .metadata(Map.of("owner", "me"))
                            .build());
            e = assertThrows(
                    ChromaImportException.class,
                    () -> ChromaImport.builder()
                            .source(source)
                            .target(client)
                            .build()
                            .run());
            assertTrue(e.getMessage().contains("HNSW parameters"), e.getMessage());
            assertTrue(e.getMessage().contains("metadata {owner=me} (source: {})"), e.getMessage());
        }
    }

    @Test
    void theBuilderRejectsIncompleteSettings() {
        assertThrows(
                InvalidArgumentException.class,
                () -> ChromaImport.builder().target(tmp).build());
        assertThrows(
                InvalidArgumentException.class,
                () -> ChromaImport.builder().source(tmp).build());
        InvalidArgumentException e = assertThrows(
                InvalidArgumentException.class, () -> ChromaImport.builder().batchSize(0));
        assertEquals("batchSize must be between 1 and 100000, got 0", e.getMessage());
    }

    /** Python's typed metadata ([type, value]) in {@link ImportChecks#typed} form. */
    private static Map<String, String> pythonTyped(JsonNode metadata) {
        Map<String, String> out = new TreeMap<>();
        metadata.properties().forEach(e -> out.put(e.getKey(), javaTyped(e.getValue())));
        return out;
    }

    private static String javaTyped(JsonNode typed) {
        String type = typed.get(0).asText();
        JsonNode v = typed.get(1);
        return switch (type) {
            case "int" -> "Long:" + v.asLong();
            case "float" -> "Double:" + Double.parseDouble(v.asText());
            case "bool" -> "Boolean:" + v.asBoolean();
            case "str" -> "String:" + v.asText();
            default -> {
                StringBuilder sb = new StringBuilder("list[");
                v.forEach(x -> sb.append(javaTyped(x)).append(','));
                yield sb.append(']').toString();
            }
        };
    }

    static String sha256(float[] v) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
    }
}
