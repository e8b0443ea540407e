package dev.chromaj.catalog;

import dev.chromaj.annotations.Internal;
import java.util.Objects;
import java.util.UUID;

/**
 * A collection as the catalog stores it. {@code metadataJson} and {@code optionsJson} are opaque JSON text (null
 * when absent); {@code dimension} is null until the first embedding fixes it; {@code version} is the current
 * compacted version (0 before the first compaction) and {@code logPosition} the last WAL sequence number it
 * includes.
 */
@Internal
public record CollectionEntry(
        UUID id,
        String tenant,
        String database,
        String name,
        String metadataJson,
        String optionsJson,
        Integer dimension,
        long version,
        long logPosition) {
    public CollectionEntry {
        Objects.requireNonNull(id, "id");
        requireText(tenant, "tenant");
        requireText(database, "database");
        requireText(name, "name");
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0, got " + version);
        }
        if (logPosition < 0) {
            throw new IllegalArgumentException("logPosition must be >= 0, got " + logPosition);
        }
        if (dimension != null && dimension <= 0) {
            throw new IllegalArgumentException("dimension must be positive, got " + dimension);
        }
    }

    /** This entry at another compacted version and log position. */
    public CollectionEntry withVersion(long newVersion, long newLogPosition) {
        return new CollectionEntry(
                id, tenant, database, name, metadataJson, optionsJson, dimension, newVersion, newLogPosition);
    }

    /** This entry with the dimension its first embedding fixed. */
    public CollectionEntry withDimension(int newDimension) {
        return new CollectionEntry(
                id, tenant, database, name, metadataJson, optionsJson, newDimension, version, logPosition);
    }

    /** This entry renamed and with new metadata; a null argument keeps the current value. */
    public CollectionEntry withNameAndMetadata(String newName, String newMetadataJson) {
        return new CollectionEntry(
                id,
                tenant,
                database,
                newName == null ? name : newName,
                newMetadataJson == null ? metadataJson : newMetadataJson,
                optionsJson,
                dimension,
                version,
                logPosition);
    }

    /** This entry with other options. */
    public CollectionEntry withOptionsJson(String newOptionsJson) {
        return new CollectionEntry(
                id, tenant, database, name, metadataJson, newOptionsJson, dimension, version, logPosition);
    }

    static void requireText(String value, String field) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(field + " must not be empty");
        }
    }
}
