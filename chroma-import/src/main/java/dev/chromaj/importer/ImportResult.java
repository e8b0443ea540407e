package dev.chromaj.importer;

import dev.chromaj.HnswParams;
import dev.chromaj.Space;
import java.time.Duration;
import java.util.List;

/**
 * What an import did.
 *
 * @param collections the collections imported, in source order
 * @param records live records in the source, over all collections
 * @param written records written to the target by this run (fewer than {@code records} when the run resumed an
 *     interrupted import)
 * @param duration how long the import took
 */
public record ImportResult(List<ImportedCollection> collections, long records, long written, Duration duration) {

    /**
     * Copies the list.
     */
    public ImportResult {
        collections = List.copyOf(collections);
    }

    /**
     * One imported collection.
     *
     * @param tenant its tenant
     * @param database its database
     * @param name its name
     * @param records its live records
     * @param written records written by this run
     * @param space the distance space it was created with
     * @param hnsw the HNSW parameters it was created with
     * @param recordsWithoutEmbedding records written without an embedding because Chroma's vector segment has none
     *     for them (Chroma's {@code get} could not return one either)
     */
    public record ImportedCollection(
            String tenant,
            String database,
            String name,
            long records,
            long written,
            Space space,
            HnswParams hnsw,
            long recordsWithoutEmbedding) {}
}
