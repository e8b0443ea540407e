package dev.chromaj.segment;

import dev.chromaj.annotations.Internal;
import dev.chromaj.blockstore.DataRecord;
import dev.chromaj.segment.log.SparseValues;
import java.util.Map;
import java.util.Objects;

/**
 * A record as a collection version holds it: its offset id, its fields and its sparse vectors by key.
 *
 * @param offset the dense offset id assigned at materialization
 * @param record the record (its {@link DataRecord#id()} is the user id)
 * @param sparse sparse vectors by key; never null, empty when the record has none
 */
@Internal
public record StoredRecord(int offset, DataRecord record, Map<String, SparseValues> sparse) {

    /** Replaces a null sparse map by an empty one. */
    public StoredRecord {
        Objects.requireNonNull(record, "record");
        sparse = sparse == null ? Map.of() : sparse;
    }

    /** The user id. */
    public String id() {
        return record.id();
    }
}
