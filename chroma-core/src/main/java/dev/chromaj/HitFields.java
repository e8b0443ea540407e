package dev.chromaj;

import dev.chromaj.blockstore.DataRecord;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** What a {@link Search}'s {@code select} puts into each {@link Hit}. Immutable. */
final class HitFields {
    private final boolean score;
    private final boolean document;
    private final boolean embedding;
    private final boolean allMetadata;
    private final Set<String> metadataKeys = new LinkedHashSet<>();
    private final boolean uri;

    HitFields(Set<Field> select) {
        this.score = select.contains(Field.SCORE);
        this.document = select.contains(Field.DOCUMENT);
        this.embedding = select.contains(Field.EMBEDDING);
        this.allMetadata = select.contains(Field.METADATA);
        this.uri = select.contains(Field.URI);
        for (Field f : select) {
            if (f.kind() == Field.Kind.METADATA_KEY) {
                metadataKeys.add(f.metadataKey());
            }
        }
    }

    /**
     * Whether a hit needs its record's fields beyond the id: when not, results resolve offsets to ids only and never
     * decode documents, embeddings or metadata.
     */
    boolean needsRecord() {
        return document || embedding || allMetadata || !metadataKeys.isEmpty() || uri;
    }

    /** Whether hits carry the embedding: when not, records are read without the vector segment's blocks. */
    boolean needsEmbedding() {
        return embedding;
    }

    /** The hit of a record known by its id only, for a selection that {@linkplain #needsRecord needs no record}. */
    Hit hit(String id, Double rankScore) {
        assert !needsRecord() : "the selection needs the record";
        return new Hit(id, score ? rankScore : null, null, null, null, null);
    }

    /** The hit of {@code record} with {@code rankScore} (null: the search has no rank). */
    Hit hit(DataRecord record, Double rankScore) {
        return new Hit(
                record.id(),
                score ? rankScore : null,
                document ? record.document() : null,
                embedding ? record.embedding() : null,
                metadata(record),
                uri ? record.uri() : null);
    }

    /** All metadata, or only the selected keys the record has; null when nothing is selected or present. */
    private Map<String, Object> metadata(DataRecord record) {
        if (allMetadata) {
            return CollectionReader.metadataOrNull(record);
        }
        if (metadataKeys.isEmpty() || record.metadata() == null) {
            return null;
        }
        Map<String, Object> out = new HashMap<>();
        for (String key : metadataKeys) {
            Object value = record.metadata().get(key);
            if (value != null) {
                out.put(key, value);
            }
        }
        return out.isEmpty() ? null : out;
    }
}
