package dev.chromaj.segment;

import dev.chromaj.blockstore.DataRecord;
import dev.chromaj.blockstore.ValueDecoder;

/**
 * Keeps only the user id of each record of {@code record.offset_to_record}, for a blockfile view: results that
 * select no other field resolve offsets to ids without decoding documents, embeddings and metadata per read.
 * Stateless and thread-safe.
 */
final class RecordIdDecoder implements ValueDecoder<Integer, DataRecord, String> {

    /** View name of record ids in the block cache. */
    static final String VIEW = "record-id";

    static final RecordIdDecoder INSTANCE = new RecordIdDecoder();

    private RecordIdDecoder() {}

    @Override
    public String decode(String prefix, Integer offset, DataRecord record) {
        return record.id();
    }

    /** String object, array header and up to two bytes per character. */
    @Override
    public long weight(String id) {
        return 56L + 2L * id.length();
    }
}
