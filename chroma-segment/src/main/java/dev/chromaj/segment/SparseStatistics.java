package dev.chromaj.segment;

import dev.chromaj.annotations.Internal;
import dev.chromaj.index.sparse.ValueKind;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Collection statistics of one sparse key in one version: how its posting values are stored, how many live records
 * hold a non-empty vector for it and, for BM25 keys, the sum of their document lengths. Together with a term's
 * document frequency (its posting count) they give BM25's IDF and average document length at query time.
 *
 * <p>Encoding ({@link #encode()}), version {@value #FORMAT_VERSION}: version byte, value-kind byte
 * ({@link ValueKind#code()}: 0 weight, 1 term frequency), document count and total length as big-endian 64-bit
 * integers.
 *
 * @param kind what the posting values are
 * @param documentCount live records with a non-empty vector for the key
 * @param totalLength sum of the document lengths (term frequencies) of those records; 0 for weight keys
 */
@Internal
public record SparseStatistics(ValueKind kind, long documentCount, long totalLength) {

    /** Version written as the first byte of {@link #encode()}. */
    static final int FORMAT_VERSION = 1;

    private static final int ENCODED_BYTES = 18;

    /** Validates the counts. */
    public SparseStatistics {
        Objects.requireNonNull(kind, "kind");
        if (documentCount < 0 || totalLength < 0) {
            throw new IllegalArgumentException("sparse statistics must be non-negative, got documentCount "
                    + documentCount + " and totalLength " + totalLength);
        }
    }

    /** Statistics of a key without documents. */
    public static SparseStatistics empty(ValueKind kind) {
        return new SparseStatistics(kind, 0, 0);
    }

    /**
     * The average document length, {@code totalLength / documentCount}.
     *
     * @throws IllegalStateException when the key has no document
     */
    public double averageLength() {
        if (documentCount == 0) {
            throw new IllegalStateException("no document holds this sparse key: the average length is undefined");
        }
        return (double) totalLength / documentCount;
    }

    /** These statistics after adding {@code documents} documents of total length {@code length} (may be negative). */
    public SparseStatistics plus(long documents, long length) {
        return new SparseStatistics(kind, documentCount + documents, totalLength + length);
    }

    byte[] encode() {
        return ByteBuffer.allocate(ENCODED_BYTES)
                .put((byte) FORMAT_VERSION)
                .put((byte) kind.code())
                .putLong(documentCount)
                .putLong(totalLength)
                .array();
    }

    /**
     * Decodes what {@link #encode()} wrote.
     *
     * @throws IllegalArgumentException naming {@code what} when the bytes are truncated or of an unknown version
     */
    static SparseStatistics decode(byte[] bytes, String what) {
        if (bytes.length != ENCODED_BYTES) {
            throw new IllegalArgumentException(
                    what + ": sparse statistics must be " + ENCODED_BYTES + " bytes, got " + bytes.length);
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            int version = in.get();
            if (version != FORMAT_VERSION) {
                throw new IllegalArgumentException(what + ": unsupported sparse statistics format version " + version
                        + ", expected " + FORMAT_VERSION);
            }
            ValueKind kind = ValueKind.ofCode(in.get(), what + ": sparse statistics");
            return new SparseStatistics(kind, in.getLong(), in.getLong());
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException(what + ": truncated sparse statistics", e);
        }
    }
}
