package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalog file is {@code chromaj.sqlite3}: a folder of an older chromaj ({@code chroma.sqlite3}) opens with
 * everything it held, a fresh folder gets the new name, and a Chroma persist directory is refused with the command
 * that imports it.
 */
class CatalogFileNameTest {
    @TempDir
    Path tmp;

    @Test
    void aFreshFolderGetsTheNewCatalogName() throws IOException {
        Path dir = tmp.resolve("fresh");
        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            client.createCollection("docs").add(records("d", 0, 3));
        }
        assertTrue(Files.isRegularFile(dir.resolve("chromaj.sqlite3")));
        assertFalse(Files.exists(dir.resolve("chroma.sqlite3")));
    }

    @Test
    void anOldNamedFolderKeepsEveryCollectionAndRecord() throws IOException {
        Path dir = tmp.resolve("old");
        Map<String, String> before;
        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            ChromaCollection compacted = client.createCollection(
                    "compacted",
                    CollectionOptions.builder()
                            .space(Space.COSINE)
                            .metadata(Map.of("owner", "me"))
                            .build());
            compacted.add(records("c", 0, 40));
            compacted.compact();
            compacted.add(records("c", 40, 50)); // only in the WAL
            client.createCollection("wal-only").add(records("w", 0, 7));
            client.createTenant("acme");
            client.createDatabase("acme", "prod");
            client.createDatabase("acme", "empty"); // no collection: only a catalog knows it
            client.database("acme", "prod").createCollection("other").add(records("o", 0, 5));
            before = describe(client);
        }
        // What an older chromaj left: the catalog under Chroma's file name.
        Files.move(dir.resolve("chromaj.sqlite3"), dir.resolve("chroma.sqlite3"));

        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            assertEquals(before, describe(client));
            assertEquals(
                    List.of("prod", "empty"),
                    client.listDatabases("acme"),
                    "the catalog was renamed, not rebuilt (a rebuild cannot know an empty database)");
            client.getCollection("wal-only").add(records("w", 7, 9));
        }
        assertTrue(Files.isRegularFile(dir.resolve("chromaj.sqlite3")));
        assertFalse(Files.exists(dir.resolve("chroma.sqlite3")));
        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            assertEquals(9, client.getCollection("wal-only").count());
            assertEquals(50, client.getCollection("compacted").count());
        }
    }

    @Test
    void aReadOnlyClientReadsAnOldNamedFolderWithoutRenamingIt() throws IOException {
        Path dir = tmp.resolve("reader");
        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            ChromaCollection c = client.createCollection("docs");
            c.add(records("d", 0, 12));
            c.compact();
        }
        Files.move(dir.resolve("chromaj.sqlite3"), dir.resolve("chroma.sqlite3"));
        try (ChromaClient reader =
                ChromaClient.builder().path(dir).readOnly(true).build()) {
            assertEquals(12, reader.getCollection("docs").count());
        }
        assertTrue(Files.exists(dir.resolve("chroma.sqlite3")));
    }

    @Test
    void aChromaPersistDirectoryIsRefusedWithTheImportCommand() throws Exception {
        Path chroma = tmp.resolve("my chroma db");
        createChromaDatabase(chroma);
        Map<String, byte[]> before = contents(chroma);

        ChromaException e = assertThrows(ChromaException.class, () -> ChromaClient.persistent(chroma));
        String message = e.getMessage();
        assertTrue(message.contains(chroma + " is a Chroma persist directory"), message);
        assertTrue(
                message.contains(
                        "java -jar chroma-cli/target/chromaj-cli.jar import-chroma '" + chroma + "' <new folder>"),
                message);
        assertTrue(message.contains("ChromaImport.builder().source(Path.of(\"" + chroma + "\"))"), message);
        assertFalse(e instanceof StorageException);

        Map<String, byte[]> after = contents(chroma);
        assertEquals(before.keySet(), after.keySet(), "nothing was created in the Chroma folder");
        for (String name : before.keySet()) {
            assertArrayEquals(before.get(name), after.get(name), name);
        }
        assertThrows(
                ChromaException.class,
                () -> ChromaClient.builder().path(chroma).readOnly(true).build());
    }

    /** The tables Chroma's migrations create (names and key columns), as far as recognising the file needs. */
    static void createChromaDatabase(Path folder) throws IOException, SQLException {
        Files.createDirectories(folder);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + folder.resolve("chroma.sqlite3"));
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE migrations (dir TEXT NOT NULL, version INTEGER NOT NULL, filename TEXT NOT NULL,"
                    + " sql TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (dir, version))");
            s.execute("INSERT INTO migrations VALUES ('sysdb', 1, '00001-collections.sqlite.sql', '', 'x')");
            s.execute("CREATE TABLE embeddings_queue (seq_id INTEGER PRIMARY KEY, created_at TIMESTAMP, operation"
                    + " INTEGER, topic TEXT, id TEXT, vector BLOB, encoding TEXT, metadata TEXT)");
            s.execute("CREATE TABLE collections (id TEXT PRIMARY KEY, name TEXT, dimension INTEGER, database_id TEXT)");
            s.execute("CREATE TABLE segments (id TEXT PRIMARY KEY, type TEXT, scope TEXT, collection TEXT)");
        }
        Files.createDirectories(folder.resolve("0822d49d-fdb4-4977-a398-9596cb1993aa"));
    }

    private static Map<String, byte[]> contents(Path folder) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.toList()) {
                out.put(folder.relativize(p).toString(), Files.isRegularFile(p) ? Files.readAllBytes(p) : new byte[0]);
            }
        }
        return out;
    }

    /** Every collection of every database with its options, metadata and records, as text. */
    private static Map<String, String> describe(ChromaClient client) {
        Map<String, String> out = new TreeMap<>();
        for (String tenant : List.of(ChromaClient.DEFAULT_TENANT, "acme")) {
            for (String database : client.listDatabases(tenant)) {
                for (ChromaCollection c : client.database(tenant, database).listCollections()) {
                    GetResult all = ChromaSemanticsTest.all(c);
                    StringBuilder records = new StringBuilder();
                    for (int i = 0; i < all.ids().size(); i++) {
                        records.append(all.ids().get(i))
                                .append(' ')
                                .append(all.documents().get(i))
                                .append(' ')
                                .append(
                                        all.metadatas().get(i) == null
                                                ? null
                                                : new TreeMap<>(all.metadatas().get(i)))
                                .append(' ')
                                .append(Arrays.toString(all.embeddings().get(i)))
                                .append('\n');
                    }
                    out.put(
                            tenant + "/" + database + "/" + c.name(),
                            c.id() + " " + c.options() + " "
                                    + (c.metadata() == null ? null : new TreeMap<>(c.metadata())) + " " + c.dimension()
                                    + "\n" + records);
                }
            }
        }
        return out;
    }

    private static List<ChromaRecord> records(String prefix, int from, int to) {
        List<ChromaRecord> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(ChromaRecord.builder(prefix + i)
                    .embedding(new float[] {i % 5, i})
                    .document("document " + prefix + i)
                    .metadata(Map.of("i", i))
                    .build());
        }
        return out;
    }
}
