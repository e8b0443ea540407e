package dev.chromaj.index.sparse;

/** What the values of a posting list are, which decides how they are stored and scored. */
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

    int code() {
        return code;
    }

    static ValueKind ofCode(int code, String what) {
        for (ValueKind kind : values()) {
            if (kind.code == code) {
                return kind;
            }
        }
        throw new IllegalArgumentException(what + ": unknown value kind " + code);
    }
}
