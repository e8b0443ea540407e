package dev.chromaj.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The migrations check, and the header check of HNSW folders. */
class SchemaVersionTest {

    private static List<SchemaVersion.Migration> chroma15() {
        List<SchemaVersion.Migration> m = new ArrayList<>();
        String[] sysdb = {
            "collections",
            "segments",
            "collection-dimension",
            "tenants-databases",
            "remove-topic",
            "collection-segment-metadata",
            "collection-config",
            "maintenance-log",
            "segment-collection-not-null",
            "collection-schema"
        };
        for (int i = 0; i < sysdb.length; i++) {
            m.add(new SchemaVersion.Migration(
                    "sysdb", i + 1, String.format(Locale.ROOT, "%05d-%s.sqlite.sql", i + 1, sysdb[i])));
        }
        String[] metadb = {
            "embedding-metadata",
            "embedding-metadata",
            "full-text-tokenize",
            "metadata-indices",
            "max-seq-id-int",
            "metadata-array-support"
        };
        for (int i = 0; i < metadb.length; i++) {
            m.add(new SchemaVersion.Migration(
                    "metadb", i + 1, String.format(Locale.ROOT, "%05d-%s.sqlite.sql", i + 1, metadb[i])));
        }
        m.add(new SchemaVersion.Migration("embeddings_queue", 1, "00001-embeddings.sqlite.sql"));
        m.add(new SchemaVersion.Migration("embeddings_queue", 2, "00002-embeddings-queue-config.sqlite.sql"));
        return m;
    }

    @Test
    void knownMigrationsGiveTheVersion() {
        assertEquals(new SchemaVersion(10, 6, 2), SchemaVersion.of(chroma15(), "db"));
        assertEquals(
                "sysdb 10 / metadb 6 / embeddings_queue 2",
                SchemaVersion.of(chroma15(), "db").toString());
    }

    @Test
    void anUnknownMigrationIsNamed() {
        List<SchemaVersion.Migration> m = chroma15();
        m.add(new SchemaVersion.Migration("sysdb", 11, "00011-database-metadata.sqlite.sql"));
        ChromaImportException e = assertThrows(ChromaImportException.class, () -> SchemaVersion.of(m, "db"));
        assertTrue(
                e.getMessage()
                        .startsWith("db has schema version sysdb 11 (00011-database-metadata.sqlite.sql),"
                                + " which this importer does not know"),
                e.getMessage());

        // Same number, another file: Chroma's history has several files under some numbers.
        List<SchemaVersion.Migration> other = chroma15();
        other.set(15, new SchemaVersion.Migration("metadb", 6, "00006-em-fk.sqlite.sql"));
        e = assertThrows(ChromaImportException.class, () -> SchemaVersion.of(other, "db"));
        assertTrue(e.getMessage().contains("metadb 6 (00006-em-fk.sqlite.sql)"), e.getMessage());

        List<SchemaVersion.Migration> gap = chroma15();
        gap.remove(3);
        e = assertThrows(ChromaImportException.class, () -> SchemaVersion.of(gap, "db"));
        assertTrue(e.getMessage().contains("with a gap"), e.getMessage());

        List<SchemaVersion.Migration> noQueue = chroma15();
        noQueue.removeIf(x -> x.dir().equals("embeddings_queue"));
        e = assertThrows(ChromaImportException.class, () -> SchemaVersion.of(noQueue, "db"));
        assertTrue(e.getMessage().contains("has no embeddings_queue migrations"), e.getMessage());
    }

    @Test
    void anInconsistentHnswHeaderIsRefused(@TempDir Path tmp) throws Exception {
        Path real = ChromaImportTest.fixture(
                "repomind-1.5-hnsw-populated/0822d49d-fdb4-4977-a398-9596cb1993aa/" + "header.bin");
        HnswSegmentFiles.Header h = HnswSegmentFiles.readHeader(real);
        assertEquals(384, h.dimension());
        assertEquals(69, h.elementCount());
        assertEquals(100, h.maxElements());
        assertEquals(16, h.m());
        assertEquals(100, h.efConstruction());

        Path bad = tmp.resolve("header.bin");
        Files.write(bad, new byte[99]);
        ChromaImportException e = assertThrows(ChromaImportException.class, () -> HnswSegmentFiles.readHeader(bad));
        assertEquals("HNSW header " + bad + " has 99 bytes, expected 100", e.getMessage());

        byte[] bytes = Files.readAllBytes(real);
        ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(28, 1000);
        Files.write(bad, bytes);
        e = assertThrows(ChromaImportException.class, () -> HnswSegmentFiles.readHeader(bad));
        assertEquals(
                "HNSW header " + bad + " is inconsistent: element size 1000 for label offset 1668", e.getMessage());

        Path folder = real.getParent();
        e = assertThrows(ChromaImportException.class, () -> HnswSegmentFiles.open(folder, 768, false));
        assertTrue(
                e.getMessage().endsWith("describes 384-dimensional vectors but the collection's dimension is 768"),
                e.getMessage());
    }
}
