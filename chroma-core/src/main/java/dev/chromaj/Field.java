package dev.chromaj;

import java.util.Objects;

/** A field {@link Search#builder()} can select for each {@link Hit}. Immutable. */
public final class Field {

    /** What a field selects. */
    public enum Kind {
        /** The record id (always returned). */
        ID,
        /** The document. */
        DOCUMENT,
        /** The dense embedding. */
        EMBEDDING,
        /** All metadata. */
        METADATA,
        /** One metadata key; see {@link Field#metadataKey()}. */
        METADATA_KEY,
        /** The ranking score. */
        SCORE,
        /** The URI. */
        URI
    }

    /** The record id. */
    public static final Field ID = new Field(Kind.ID, null);
    /** The document. */
    public static final Field DOCUMENT = new Field(Kind.DOCUMENT, null);
    /** The dense embedding. */
    public static final Field EMBEDDING = new Field(Kind.EMBEDDING, null);
    /** All metadata. */
    public static final Field METADATA = new Field(Kind.METADATA, null);
    /** The ranking score. */
    public static final Field SCORE = new Field(Kind.SCORE, null);
    /** The URI. */
    public static final Field URI = new Field(Kind.URI, null);

    private final Kind kind;
    private final String metadataKey;

    private Field(Kind kind, String metadataKey) {
        this.kind = kind;
        this.metadataKey = metadataKey;
    }

    /**
     * One metadata key; hits carry a metadata map holding only the selected keys.
     *
     * @param key a metadata key
     * @return the field
     * @throws InvalidArgumentException if the key is null or empty
     */
    public static Field metadata(String key) {
        if (key == null || key.isEmpty()) {
            throw new InvalidArgumentException(
                    "Expected metadata field key to be a non-empty string, got " + (key == null ? "null" : "''"));
        }
        return new Field(Kind.METADATA_KEY, key);
    }

    /**
     * What this field selects.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The metadata key of a {@link Kind#METADATA_KEY} field.
     *
     * @return the key, or null for other kinds
     */
    public String metadataKey() {
        return metadataKey;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Field f && kind == f.kind && Objects.equals(metadataKey, f.metadataKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, metadataKey);
    }

    @Override
    public String toString() {
        return kind == Kind.METADATA_KEY ? "Field{metadata." + metadataKey + "}" : "Field{" + kind + "}";
    }
}
