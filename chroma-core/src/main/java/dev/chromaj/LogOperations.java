package dev.chromaj;

import dev.chromaj.segment.log.LogOperation;
import dev.chromaj.segment.log.RecordChange;
import dev.chromaj.segment.log.SparseValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns validated records of a write call into the log operations stored in the WAL. */
final class LogOperations {
    private LogOperations() {
    }

    static List<LogOperation> of(RecordValidator.Operation operation, List<ChromaRecord> records,
                                 CollectionOptions options) {
        List<LogOperation> ops = new ArrayList<>(records.size());
        for (ChromaRecord r : records) {
            RecordChange change = new RecordChange(r.embeddingView(), r.document(), r.metadata(), r.uri(),
                    sparse(r, options));
            ops.add(switch (operation) {
                case ADD -> new LogOperation.Add(r.id(), change);
                case UPSERT -> new LogOperation.Upsert(r.id(), change);
                case UPDATE -> new LogOperation.Update(r.id(), change);
            });
        }
        return ops;
    }

    private static Map<String, SparseValues> sparse(ChromaRecord r, CollectionOptions options) {
        if (r.sparse().isEmpty()) {
            return null;
        }
        Map<String, SparseValues> out = new LinkedHashMap<>();
        for (Map.Entry<String, SparseVector> e : r.sparse().entrySet()) {
            out.put(e.getKey(), new SparseValues(e.getValue().indicesView(), e.getValue().valuesView()));
        }
        return out;
    }
}
