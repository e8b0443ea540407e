package dev.chromaj.catalog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog's file name: the old name {@code chroma.sqlite3} migrated, Chroma's database refused. */
class LegacyCatalogFileTest {
    private static final String T = Catalog.DEFAULT_TENANT;
    private static final String D = Catalog.DEFAULT_DATABASE;

    @TempDir
    Path tmp;

    @Test
    void aNewFolderGetsTheNewName() {
        Path folder = tmp.resolve("new");
        try (Catalog catalog = Catalog.open(folder)) {
            assertTrue(catalog.isNew());
        }
        assertTrue(Files.isRegularFile(folder.resolve("chromaj.sqlite3")));
        assertFalse(Files.exists(folder.resolve("chroma.sqlite3")));
    }

    @Test
    void anOldNamedCatalogIsRenamedWithItsWriteAheadLog() throws Exception {
        Path source = tmp.resolve("source");
        CollectionEntry a = CatalogTest.collection(T, D, "a");
        try (Catalog catalog = Catalog.open(source)) {
            catalog.createTenant("acme");
            catalog.createDatabase("acme", "empty-db");
            catalog.createCollection(a);
            catalog.commitVersion(a.id(), 1, "collection/" + a.id() + "/version/1.json", 7);
        }
        // An old folder as a crash leaves it: the newest transaction only in the SQLite write-ahead log.
        Path old = tmp.resolve("old");
        Files.createDirectories(old);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source.resolve(Catalog.FILE_NAME));
                Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA wal_autocheckpoint=0");
            s.execute("INSERT INTO tenants (name, created_at) VALUES ('only-in-wal', 1)");
            Files.copy(source.resolve("chromaj.sqlite3"), old.resolve("chroma.sqlite3"));
            Files.copy(source.resolve("chromaj.sqlite3-wal"), old.resolve("chroma.sqlite3-wal"));
        }
        assertTrue(Files.size(old.resolve("chroma.sqlite3-wal")) > 0);

        try (Catalog catalog = Catalog.open(old)) {
            assertFalse(catalog.isNew(), "a renamed catalog is not a lost one");
            assertTrue(catalog.tenantExists("only-in-wal"), "the -wal file moved with its catalog");
            assertTrue(catalog.databaseExists("acme", "empty-db"));
            assertEquals(
                    List.of(a.id()),
                    catalog.allCollections().stream().map(CollectionEntry::id).toList());
            assertEquals(1, catalog.listVersions(a.id()).size());
            assertEquals(7, catalog.getCollection(a.id()).orElseThrow().logPosition());
        }
        assertTrue(Files.isRegularFile(old.resolve("chromaj.sqlite3")));
        try (Stream<Path> files = Files.list(old)) {
            assertTrue(
                    files.noneMatch(p -> p.getFileName().toString().startsWith("chroma.sqlite3")),
                    "nothing is left under the old name");
        }
        try (Catalog catalog = Catalog.open(old)) {
            assertTrue(catalog.tenantExists("only-in-wal"));
        }
    }

    @Test
    void aRenameInterruptedAfterTheCompanionFilesIsCompleted() throws Exception {
        Path folder = tmp.resolve("half");
        try (Catalog catalog = Catalog.open(folder)) {
            catalog.createTenant("acme");
        }
        // Companions go first, the main file last: a crash in between leaves this.
        Files.move(folder.resolve("chromaj.sqlite3"), folder.resolve("chroma.sqlite3"));
        Files.write(folder.resolve("chromaj.sqlite3-shm"), new byte[0]);
        try (Catalog catalog = Catalog.open(folder)) {
            assertTrue(catalog.tenantExists("acme"));
            assertFalse(catalog.isNew());
        }
        assertFalse(Files.exists(folder.resolve("chroma.sqlite3")));
    }

    @Test
    void aReadOnlyCatalogReadsAnOldNamedFileInPlace() throws Exception {
        Path folder = tmp.resolve("ro");
        try (Catalog catalog = Catalog.open(folder)) {
            catalog.createTenant("acme");
        }
        Files.move(folder.resolve("chromaj.sqlite3"), folder.resolve("chroma.sqlite3"));
        try (Catalog catalog = Catalog.openReadOnly(folder)) {
            assertTrue(catalog.tenantExists("acme"));
        }
        assertTrue(Files.exists(folder.resolve("chroma.sqlite3")), "a reader holds no lock, so it renames nothing");
        assertFalse(Files.exists(folder.resolve("chromaj.sqlite3")));
    }

    @Test
    void aChromaDatabaseIsRefusedAndTheFolderStaysAsItWas() throws Exception {
        Path folder = tmp.resolve("chroma");
        ChromaDatabases.create(folder);
        Map<String, byte[]> before = contents(folder);

        ChromaPersistDirectoryException e =
                assertThrows(ChromaPersistDirectoryException.class, () -> Catalog.open(folder));
        assertTrue(e.getMessage().contains("Chroma persist directory"), e.getMessage());
        assertTrue(e.getMessage().contains("migrations"), e.getMessage());
        assertEquals(folder, e.folder());
        assertThrows(ChromaPersistDirectoryException.class, () -> Catalog.openReadOnly(folder));

        Map<String, byte[]> after = contents(folder);
        assertEquals(before.keySet(), after.keySet(), "no lock file, journal or catalog was created");
        for (String name : before.keySet()) {
            assertArrayEquals(before.get(name), after.get(name), name);
        }
    }

    @Test
    void aChromaDatabaseNextToAChromajCatalogIsLeftAlone() throws Exception {
        Path folder = tmp.resolve("both");
        try (Catalog catalog = Catalog.open(folder)) {
            catalog.createTenant("acme");
        }
        ChromaDatabases.create(folder);
        byte[] chroma = Files.readAllBytes(folder.resolve("chroma.sqlite3"));
        try (Catalog catalog = Catalog.open(folder)) {
            assertTrue(catalog.tenantExists("acme"));
        }
        assertArrayEquals(chroma, Files.readAllBytes(folder.resolve("chroma.sqlite3")));
    }

    @Test
    void twoChromajCatalogsAreRefused() throws Exception {
        Path folder = tmp.resolve("two");
        Catalog.open(folder).close();
        Files.copy(folder.resolve("chromaj.sqlite3"), folder.resolve("chroma.sqlite3"));
        CatalogException e = assertThrows(CatalogException.class, () -> Catalog.open(folder));
        assertTrue(e.getMessage().contains("two chromaj catalogs"), e.getMessage());
        assertFalse(e instanceof CatalogLockedException);
        assertThrows(CatalogException.class, () -> Catalog.open(folder), "the failed open released the lock");
    }

    @Test
    void anUnknownOldNamedFileIsRefused() throws Exception {
        Path garbage = tmp.resolve("garbage");
        Files.createDirectories(garbage);
        Files.write(garbage.resolve("chroma.sqlite3"), "not a database at all".getBytes(StandardCharsets.UTF_8));
        CatalogException e = assertThrows(CatalogException.class, () -> Catalog.open(garbage));
        assertTrue(e.getMessage().contains("neither a chromaj catalog nor a Chroma database"), e.getMessage());

        Path other = tmp.resolve("other-app");
        Files.createDirectories(other);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other.resolve("chroma.sqlite3"));
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE invoices (id INTEGER)");
        }
        CatalogException e2 = assertThrows(CatalogException.class, () -> Catalog.open(other));
        assertTrue(e2.getMessage().contains("invoices"), e2.getMessage());
    }

    @Test
    void anEmptyOldNamedFileIsTakenAsACatalogJustCreated() throws Exception {
        Path folder = tmp.resolve("empty");
        Files.createDirectories(folder);
        Files.write(folder.resolve("chroma.sqlite3"), new byte[0]);
        try (Catalog catalog = Catalog.open(folder)) {
            assertTrue(catalog.databaseExists(T, D));
        }
        assertTrue(Files.isRegularFile(folder.resolve("chromaj.sqlite3")));
        assertFalse(Files.exists(folder.resolve("chroma.sqlite3")));
    }

    private static Map<String, byte[]> contents(Path folder) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                out.put(folder.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }
}
