package dev.chromaj.segment;

import dev.chromaj.blockstore.DataRecord;
import dev.chromaj.segment.log.LogOperation;
import dev.chromaj.segment.log.RecordChange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The deterministic contents of the fixture {@code golden/legacy-embeddings}: a cosine collection of {@link #RECORDS}
 * records of dimension {@link #DIMENSION} (every 50th without an embedding), written in a first version, then a
 * second version that changes the embedding of {@link #UPDATED} records, changes only the metadata of
 * {@link #RETAGGED} records and deletes {@link #DELETED} records. Its objects were written by the layout that stored
 * every embedding in the record segment's records and every HNSW vector (normalized) in {@code vector.vectors}.
 */
final class LegacyLayoutData {

    static final int RECORDS = 1200;
    static final int DIMENSION = 8;
    /** Ids 0..UPDATED-1 get a new embedding in the second version. */
    static final int UPDATED = 30;
    /** Ids 100..100+RETAGGED-1 get new metadata only. */
    static final int RETAGGED = 10;
    /** Ids 200..200+DELETED-1 are deleted. */
    static final int DELETED = 20;

    private LegacyLayoutData() {}

    static String id(int i) {
        return "r" + i;
    }

    static float[] embedding(int i, int generation) {
        if (i % 50 == 49) {
            return null;
        }
        float[] v = new float[DIMENSION];
        for (int d = 0; d < DIMENSION; d++) {
            v[d] = (float) Math.sin(i * 0.37 + d * 1.3 + generation * 0.11) * (1 + (i % 7));
        }
        return v;
    }

    static List<LogOperation> firstVersion() {
        List<LogOperation> ops = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            ops.add(new LogOperation.Add(
                    id(i), RecordChange.of(embedding(i, 0), "document " + i, Map.of("i", (long) i), null)));
        }
        return ops;
    }

    static List<LogOperation> secondVersion() {
        List<LogOperation> ops = new ArrayList<>();
        for (int i = 0; i < UPDATED; i++) {
            ops.add(new LogOperation.Update(id(i), RecordChange.of(embedding(i, 1), null, null, null)));
        }
        for (int i = 100; i < 100 + RETAGGED; i++) {
            ops.add(new LogOperation.Update(id(i), RecordChange.of(null, null, Map.of("i", (long) -i), null)));
        }
        for (int i = 200; i < 200 + DELETED; i++) {
            ops.add(new LogOperation.Delete(id(i)));
        }
        return ops;
    }

    /** Every record of the second version, by id. */
    static Map<String, DataRecord> expected() {
        Map<String, DataRecord> out = new LinkedHashMap<>();
        for (int i = 0; i < RECORDS; i++) {
            if (i >= 200 && i < 200 + DELETED) {
                continue;
            }
            float[] e = i < UPDATED && embedding(i, 1) != null ? embedding(i, 1) : embedding(i, 0);
            long tag = i >= 100 && i < 100 + RETAGGED ? -i : i;
            out.put(id(i), new DataRecord(id(i), e, "document " + i, Map.of("i", tag), null));
        }
        return out;
    }
}
