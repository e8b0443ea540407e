package dev.chromaj.importer;

import java.util.Map;

/**
 * One row of Chroma's {@code embeddings_queue} (its write-ahead log), without the vector bytes, which are read only
 * for the rows whose vector survives replay.
 *
 * @param seqId the row's sequence id
 * @param operation what the row does
 * @param id the record id
 * @param hasVector whether the row carries a vector
 * @param metadata the row's metadata ({@code chroma:document} and {@code chroma:uri} included; a {@code null}
 *     value deletes the key), or {@code null} when the row has none
 */
record QueueEntry(long seqId, Operation operation, String id, boolean hasVector, Map<String, Object> metadata) {

    /** The operation codes Chroma writes to {@code embeddings_queue.operation}. */
    enum Operation {
        ADD,
        UPDATE,
        UPSERT,
        DELETE;

        /**
         * Decodes an operation code.
         *
         * @param code the stored code
         * @param seqId the row, for messages
         * @return the operation
         * @throws ChromaImportException for an unknown code
         */
        static Operation of(int code, long seqId) {
            return switch (code) {
                case 0 -> ADD;
                case 1 -> UPDATE;
                case 2 -> UPSERT;
                case 3 -> DELETE;
                default ->
                    throw new ChromaImportException("embeddings_queue row " + seqId + " has operation code " + code
                            + "; Chroma writes 0 (add), 1 (update), 2 (upsert) and 3 (delete)");
            };
        }
    }
}
