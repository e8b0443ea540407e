package dev.chromaj.wal;

import java.util.ArrayList;
import java.util.List;

/** An immutable snapshot of a log's files: the sealed ones in order, then the active one being appended to. */
record LogState(List<LogFile> sealed, LogFile active) {
    LogState {
        sealed = List.copyOf(sealed);
    }

    long lastSequence() {
        return active.last();
    }

    long firstSequence() {
        return sealed.isEmpty() ? active.first() : sealed.get(0).first();
    }

    long sizeBytes() {
        long size = active.size();
        for (LogFile f : sealed) {
            size += f.size();
        }
        return size;
    }

    List<LogFile> files() {
        List<LogFile> all = new ArrayList<>(sealed.size() + 1);
        all.addAll(sealed);
        all.add(active);
        return all;
    }

    LogState withActive(LogFile newActive) {
        return new LogState(sealed, newActive);
    }
}
