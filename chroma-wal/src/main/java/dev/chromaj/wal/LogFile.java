package dev.chromaj.wal;

import java.nio.file.Path;

/**
 * One file of a log as of a state snapshot: entries {@code first..last} (none when {@code last == first - 1}) in
 * the bytes {@code [0, size)}.
 */
record LogFile(Path path, long first, long last, long size) {
    boolean isEmpty() {
        return last < first;
    }
}
