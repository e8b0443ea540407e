package dev.chromaj.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogTest {
    private static final String T = Catalog.DEFAULT_TENANT;
    private static final String D = Catalog.DEFAULT_DATABASE;

    @TempDir
    Path folder;

    static CollectionEntry collection(String tenant, String database, String name) {
        return new CollectionEntry(
                UUID.randomUUID(), tenant, database, name, "{\"k\":1}", "{\"space\":\"l2\"}", null, 0, 0);
    }

    private static int schemaVersion(Path folder) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + folder.resolve(Catalog.FILE_NAME));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT version FROM schema_version")) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }

    @Test
    void openCreatesTheSchemaAndTheDefaultTenantAndDatabase() throws Exception {
        try (Catalog catalog = Catalog.open(folder)) {
            assertTrue(catalog.tenantExists(T));
            assertTrue(catalog.databaseExists(T, D));
            assertTrue(catalog.isEmpty());
        }
        assertTrue(Files.isRegularFile(folder.resolve(Catalog.FILE_NAME)));
        assertEquals(SchemaMigrations.latestVersion(), schemaVersion(folder));
    }

    @Test
    void migratesAnEmptyFile() throws Exception {
        Files.write(folder.resolve(Catalog.FILE_NAME), new byte[0]);
        try (Catalog catalog = Catalog.open(folder)) {
            catalog.createCollection(collection(T, D, "c1"));
        }
        assertEquals(SchemaMigrations.latestVersion(), schemaVersion(folder));
        try (Catalog catalog = Catalog.open(folder)) {
            assertEquals(1, catalog.countCollections(T, D), "reopening keeps data and applies nothing twice");
        }
        assertEquals(SchemaMigrations.latestVersion(), schemaVersion(folder));
    }

    @Test
    void aNewerSchemaIsRefused() throws Exception {
        Catalog.open(folder).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + folder.resolve(Catalog.FILE_NAME));
                Statement s = c.createStatement()) {
            s.execute("UPDATE schema_version SET version = 99");
        }
        CatalogException e = assertThrows(CatalogException.class, () -> Catalog.open(folder));
        assertTrue(e.getMessage().contains("99"), e.getMessage());
        CatalogException readOnly = assertThrows(CatalogException.class, () -> Catalog.openReadOnly(folder));
        assertTrue(readOnly.getMessage().contains("upgrade"), readOnly.getMessage());
    }

    @Test
    void aFailedOpenReleasesTheLock() throws Exception {
        Catalog.open(folder).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + folder.resolve(Catalog.FILE_NAME));
                Statement s = c.createStatement()) {
            s.execute("UPDATE schema_version SET version = 99");
        }
        assertThrows(CatalogException.class, () -> Catalog.open(folder));
        CatalogException again = assertThrows(CatalogException.class, () -> Catalog.open(folder));
        assertFalse(again instanceof CatalogLockedException, again.getMessage());
    }

    @Test
    void tenantsAndDatabases() {
        try (Catalog catalog = Catalog.open(folder)) {
            catalog.createTenant("acme");
            assertTrue(catalog.tenantExists("acme"));
            assertFalse(catalog.tenantExists("other"));
            assertThrows(CatalogConflictException.class, () -> catalog.createTenant("acme"));

            catalog.createDatabase("acme", "db1");
            catalog.createDatabase("acme", "db2");
            assertEquals(List.of("db1", "db2"), catalog.listDatabases("acme"));
            CatalogConflictException dup =
                    assertThrows(CatalogConflictException.class, () -> catalog.createDatabase("acme", "db1"));
            assertTrue(dup.getMessage().contains("db1") && dup.getMessage().contains("acme"), dup.getMessage());
            assertThrows(CatalogNotFoundException.class, () -> catalog.createDatabase("nobody", "db"));
            assertThrows(IllegalArgumentException.class, () -> catalog.createTenant(""));

            CollectionEntry a = collection("acme", "db1", "a");
            CollectionEntry b = collection("acme", "db1", "b");
            catalog.createCollection(a);
            catalog.createCollection(b);
            catalog.commitVersion(a.id(), 1, "collection/" + a.id() + "/version/1.json", 10);
            catalog.createCollection(collection("acme", "db2", "c"));

            List<CollectionEntry> deleted = catalog.deleteDatabase("acme", "db1");
            assertEquals(
                    List.of(a.id(), b.id()),
                    deleted.stream().map(CollectionEntry::id).toList());
            assertFalse(catalog.databaseExists("acme", "db1"));
            assertTrue(catalog.getCollection(a.id()).isEmpty());
            assertTrue(catalog.listVersions(a.id()).isEmpty(), "versions go with the collection");
            assertEquals(1, catalog.countCollections("acme", "db2"));
            assertThrows(CatalogNotFoundException.class, () -> catalog.deleteDatabase("acme", "db1"));
        }
    }

    @Test
    void collectionsCrud() {
        try (Catalog catalog = Catalog.open(folder)) {
            List<CollectionEntry> created = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                CollectionEntry e = collection(T, D, "col" + (4 - i)); // names out of creation order
                catalog.createCollection(e);
                created.add(e);
            }
            assertFalse(catalog.isEmpty());
            assertEquals(created, catalog.listCollections(T, D, 100, 0), "creation order, all fields kept");
            assertEquals(created.subList(1, 3), catalog.listCollections(T, D, 2, 1));
            assertEquals(List.of(), catalog.listCollections(T, D, 0, 0));
            assertEquals(5, catalog.countCollections(T, D));
            assertEquals(created, catalog.allCollections());

            CollectionEntry first = created.get(0);
            assertEquals(first, catalog.getCollection(T, D, first.name()).orElseThrow());
            assertEquals(first, catalog.getCollection(first.id()).orElseThrow());
            assertTrue(catalog.getCollection(T, D, "missing").isEmpty());
            assertTrue(catalog.getCollection(UUID.randomUUID()).isEmpty());

            CatalogConflictException dup = assertThrows(
                    CatalogConflictException.class, () -> catalog.createCollection(collection(T, D, first.name())));
            assertTrue(dup.getMessage().contains(first.name()), dup.getMessage());
            assertThrows(CatalogNotFoundException.class, () -> catalog.createCollection(collection(T, "nodb", "x")));

            catalog.updateCollection(first.id(), "renamed", null);
            CollectionEntry renamed = catalog.getCollection(first.id()).orElseThrow();
            assertEquals("renamed", renamed.name());
            assertEquals(first.metadataJson(), renamed.metadataJson());
            catalog.updateCollection(first.id(), null, "{\"new\":true}");
            assertEquals(
                    "{\"new\":true}",
                    catalog.getCollection(first.id()).orElseThrow().metadataJson());
            assertEquals(
                    "renamed", catalog.getCollection(first.id()).orElseThrow().name());
            assertThrows(
                    CatalogConflictException.class,
                    () -> catalog.updateCollection(first.id(), created.get(1).name(), null));
            assertThrows(CatalogNotFoundException.class, () -> catalog.updateCollection(UUID.randomUUID(), "x", null));

            assertNull(first.dimension());
            catalog.setDimension(first.id(), 128);
            catalog.setDimension(first.id(), 128);
            assertEquals(128, catalog.getCollection(first.id()).orElseThrow().dimension());
            assertThrows(CatalogConflictException.class, () -> catalog.setDimension(first.id(), 64));
            assertThrows(IllegalArgumentException.class, () -> catalog.setDimension(first.id(), 0));

            catalog.deleteCollection(first.id());
            assertTrue(catalog.getCollection(first.id()).isEmpty());
            assertEquals(4, catalog.countCollections(T, D));
            assertThrows(CatalogNotFoundException.class, () -> catalog.deleteCollection(first.id()));
            catalog.createCollection(collection(T, D, "renamed")); // the name is free again
            assertThrows(IllegalArgumentException.class, () -> catalog.listCollections(T, D, -1, 0));
        }
    }

    @Test
    void commitVersionMovesCurrentVersionAndLogPositionTogether() {
        try (Catalog catalog = Catalog.open(folder)) {
            CollectionEntry e = collection(T, D, "c");
            catalog.createCollection(e);
            catalog.commitVersion(e.id(), 1, "m1", 100);
            catalog.commitVersion(e.id(), 2, "m2", 250);
            CollectionEntry now = catalog.getCollection(e.id()).orElseThrow();
            assertEquals(2, now.version());
            assertEquals(250, now.logPosition());
            List<VersionEntry> versions = catalog.listVersions(e.id());
            assertEquals(
                    List.of(1L, 2L),
                    versions.stream().map(VersionEntry::version).toList());
            assertEquals("m2", versions.get(1).manifestKey());
            assertEquals(250, versions.get(1).logPosition());

            CatalogConflictException stale =
                    assertThrows(CatalogConflictException.class, () -> catalog.commitVersion(e.id(), 2, "m2bis", 300));
            assertTrue(stale.getMessage().contains("not newer"), stale.getMessage());
            assertThrows(CatalogConflictException.class, () -> catalog.commitVersion(e.id(), 3, "m3", 200));
            assertThrows(CatalogNotFoundException.class, () -> catalog.commitVersion(UUID.randomUUID(), 1, "m", 1));
            assertEquals(2, catalog.listVersions(e.id()).size(), "failed commits change nothing");
            assertEquals(now, catalog.getCollection(e.id()).orElseThrow());

            CatalogConflictException current =
                    assertThrows(CatalogConflictException.class, () -> catalog.deleteVersions(e.id(), Set.of(1L, 2L)));
            assertTrue(current.getMessage().contains("current version"), current.getMessage());
            assertEquals(2, catalog.listVersions(e.id()).size());
            catalog.deleteVersions(e.id(), List.of(1L, 77L));
            assertEquals(
                    List.of(2L),
                    catalog.listVersions(e.id()).stream()
                            .map(VersionEntry::version)
                            .toList());
        }
    }

    @Test
    void importCollectionRebuildsALostCatalogAndIsIdempotent() {
        Path source = folder.resolve("source");
        Path rebuilt = folder.resolve("rebuilt");
        List<CollectionEntry> entries;
        List<List<VersionEntry>> versions = new ArrayList<>();
        try (Catalog catalog = Catalog.open(source)) {
            catalog.createTenant("acme");
            catalog.createDatabase("acme", "prod");
            CollectionEntry a = collection("acme", "prod", "a");
            CollectionEntry b = collection(T, D, "b");
            catalog.createCollection(a);
            catalog.createCollection(b);
            catalog.setDimension(a.id(), 3);
            catalog.commitVersion(a.id(), 1, "collection/" + a.id() + "/version/1.json", 5);
            catalog.commitVersion(a.id(), 2, "collection/" + a.id() + "/version/2.json", 9);
            entries = catalog.allCollections();
            for (CollectionEntry e : entries) {
                versions.add(catalog.listVersions(e.id()));
            }
        }
        try (Catalog catalog = Catalog.open(rebuilt)) {
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < entries.size(); i++) {
                    catalog.importCollection(entries.get(i), versions.get(i));
                }
            }
            assertEquals(entries, catalog.allCollections());
            for (int i = 0; i < entries.size(); i++) {
                assertEquals(
                        versions.get(i), catalog.listVersions(entries.get(i).id()));
            }
            assertTrue(catalog.databaseExists("acme", "prod"));
            CollectionEntry thief = collection("acme", "prod", "a");
            assertThrows(CatalogConflictException.class, () -> catalog.importCollection(thief, List.of()));
            VersionEntry foreign = versions.get(0).get(0);
            assertThrows(
                    IllegalArgumentException.class, () -> catalog.importCollection(entries.get(1), List.of(foreign)));
        }
    }

    @Test
    void readOnlyCatalogReadsWithoutTheLockAndRefusesWrites() {
        try (Catalog writer = Catalog.open(folder)) {
            CollectionEntry e = collection(T, D, "c");
            writer.createCollection(e);
            try (Catalog reader = Catalog.openReadOnly(folder)) {
                assertEquals(e, reader.getCollection(e.id()).orElseThrow());
                CatalogException refused = assertThrows(CatalogException.class, () -> reader.createTenant("x"));
                assertTrue(refused.getMessage().contains("read-only"), refused.getMessage());
                writer.commitVersion(e.id(), 1, "m", 1);
                assertEquals(1, reader.getCollection(e.id()).orElseThrow().version(), "sees later commits");
            }
        }
        CatalogException missing =
                assertThrows(CatalogException.class, () -> Catalog.openReadOnly(folder.resolve("nothing-here")));
        assertTrue(missing.getMessage().contains("No catalog"), missing.getMessage());
    }
}
