package dev.chromaj.index.sparse;

import dev.chromaj.annotations.Internal;

/** What the values of a posting list are, which decides how they are stored and scored. */
@Internal
public enum ValueKind {
    /** A provided sparse vector's value per document (any finite float), scored by dot product. */
    WEIGHT(0),
    /**
     * A BM25 key's term frequency per document (an integer of at least 1) together with the document's length, so
     * that BM25 can be computed at query time with the collection's current statistics.
     */
    TERM_FREQUENCY(1);

    private final int code;

    ValueKind(int code) {
        this.code = code;
    }

    /**
     * This kind's number in stored formats (posting blocks, skips, sparse statistics). Codes are fixed: a new kind
     * takes a new code, and reordering the constants changes nothing on disk.
     */
    public int code() {
        return code;
    }

    /**
     * The kind stored as {@code code}.
     *
     * @throws IllegalArgumentException naming {@code what} when no kind has that code
     */
    public static ValueKind ofCode(int code, String what) {
        for (ValueKind kind : values()) {
            if (kind.code == code) {
                return kind;
            }
        }
        throw new IllegalArgumentException(what + ": unknown value kind " + code);
    }
}
