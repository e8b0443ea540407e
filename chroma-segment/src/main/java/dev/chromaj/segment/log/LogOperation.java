package dev.chromaj.segment.log;

import dev.chromaj.annotations.Internal;
import java.util.Objects;

/**
 * One record-level operation of a write call, as it is stored in the WAL and folded by the
 * {@link dev.chromaj.segment.Materializer}. Every operation names a user id; all but {@link Delete} carry a
 * {@link RecordChange}.
 */
@Internal
public sealed interface LogOperation {

    /** The user id the operation applies to. */
    String id();

    /** Inserts the record unless the id already exists (then the operation is skipped). */
    record Add(String id, RecordChange change) implements LogOperation {
        public Add {
            requireId(id);
            Objects.requireNonNull(change, "change");
        }
    }

    /** Inserts the record, or merges the change into the existing one. */
    record Upsert(String id, RecordChange change) implements LogOperation {
        public Upsert {
            requireId(id);
            Objects.requireNonNull(change, "change");
        }
    }

    /** Merges the change into the existing record; ignored when the id does not exist. */
    record Update(String id, RecordChange change) implements LogOperation {
        public Update {
            requireId(id);
            Objects.requireNonNull(change, "change");
        }
    }

    /** Removes the record; a no-op when the id does not exist. */
    record Delete(String id) implements LogOperation {
        public Delete {
            requireId(id);
        }
    }

    private static void requireId(String id) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException(
                    "log operation id must be a non-empty string, got " + (id == null ? "null" : "\"\""));
        }
    }
}
