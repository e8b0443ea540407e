package dev.chromaj.importer;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The schema version of a {@code chroma.sqlite3}, from its {@code migrations} table: the highest migration applied
 * in each of Chroma's three migration folders ({@code sysdb}, {@code metadb}, {@code embeddings_queue}).
 *
 * <p>Only migrations released in Chroma 0.4.0 to 1.5.x are accepted, matched by folder, version and file name:
 * Chroma's development history holds other files under the same numbers, and a later release may add tables or
 * change encodings this importer does not know, so anything else is refused with the version found.
 *
 * @param sysdb highest {@code sysdb} migration
 * @param metadb highest {@code metadb} migration
 * @param queue highest {@code embeddings_queue} migration
 */
record SchemaVersion(int sysdb, int metadb, int queue) {

    /** Known migration file names by folder, index = version - 1. */
    private static final Map<String, List<String>> KNOWN = Map.of(
            "sysdb",
                    List.of(
                            "00001-collections.sqlite.sql",
                            "00002-segments.sqlite.sql",
                            "00003-collection-dimension.sqlite.sql",
                            "00004-tenants-databases.sqlite.sql",
                            "00005-remove-topic.sqlite.sql",
                            "00006-collection-segment-metadata.sqlite.sql",
                            "00007-collection-config.sqlite.sql",
                            "00008-maintenance-log.sqlite.sql",
                            "00009-segment-collection-not-null.sqlite.sql",
                            "00010-collection-schema.sqlite.sql"),
            "metadb",
                    List.of(
                            "00001-embedding-metadata.sqlite.sql",
                            "00002-embedding-metadata.sqlite.sql",
                            "00003-full-text-tokenize.sqlite.sql",
                            "00004-metadata-indices.sqlite.sql",
                            "00005-max-seq-id-int.sqlite.sql",
                            "00006-metadata-array-support.sqlite.sql"),
            "embeddings_queue", List.of("00001-embeddings.sqlite.sql", "00002-embeddings-queue-config.sqlite.sql"));

    /** What the importer supports, for messages. */
    static final String SUPPORTED = "Chroma 0.4.0 to 1.5.x (sysdb migrations 1-10, metadb 1-6, embeddings_queue 1-2)";

    /** One row of the {@code migrations} table. */
    record Migration(String dir, int version, String filename) {}

    /**
     * Checks the applied migrations and returns the version.
     *
     * @param applied every row of the {@code migrations} table
     * @param file the database file, for messages
     * @return the schema version
     * @throws ChromaImportException naming the first unknown migration, or a gap in a folder's sequence
     */
    static SchemaVersion of(List<Migration> applied, String file) {
        Map<String, TreeMap<Integer, String>> byDir = new TreeMap<>();
        for (Migration m : applied) {
            List<String> known = KNOWN.get(m.dir());
            if (known == null) {
                throw new ChromaImportException(file + " has migration " + m.dir() + " " + m.version() + " ("
                        + m.filename() + ") from an unknown migration folder '" + m.dir() + "'; this importer reads "
                        + SUPPORTED);
            }
            if (m.version() < 1
                    || m.version() > known.size()
                    || !known.get(m.version() - 1).equals(m.filename())) {
                throw new ChromaImportException(file + " has schema version " + m.dir() + " " + m.version() + " ("
                        + m.filename() + "), which this importer does not know; it reads " + SUPPORTED
                        + ". Was it written by a newer Chroma?");
            }
            byDir.computeIfAbsent(m.dir(), d -> new TreeMap<>()).put(m.version(), m.filename());
        }
        for (String dir : Set.of("sysdb", "metadb", "embeddings_queue")) {
            TreeMap<Integer, String> versions = byDir.get(dir);
            if (versions == null) {
                throw new ChromaImportException(file + " has no " + dir + " migrations: it is not a complete Chroma"
                        + " database (this importer reads " + SUPPORTED + ")");
            }
            if (versions.firstKey() != 1 || versions.lastKey() != versions.size()) {
                throw new ChromaImportException(file + " has " + dir + " migrations " + versions.keySet()
                        + " with a gap: the schema is not one Chroma writes");
            }
        }
        return new SchemaVersion(
                byDir.get("sysdb").lastKey(),
                byDir.get("metadb").lastKey(),
                byDir.get("embeddings_queue").lastKey());
    }

    @Override
    public String toString() {
        return "sysdb " + sysdb + " / metadb " + metadb + " / embeddings_queue " + queue;
    }
}
