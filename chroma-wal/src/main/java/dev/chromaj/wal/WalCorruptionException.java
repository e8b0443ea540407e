package dev.chromaj.wal;

import java.nio.file.Path;

/**
 * A log file holds bytes that are not a valid frame before its tail (or a damaged header): the log cannot be read
 * past that point and is never skipped silently. Names the file and the byte offset of the first invalid frame.
 */
public final class WalCorruptionException extends WalException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long offset;

    public WalCorruptionException(Path file, long offset, String reason) {
        super("WAL file " + file + " is corrupt at offset " + offset + ": " + reason);
        this.file = file;
        this.offset = offset;
    }

    /** The damaged file. */
    public Path file() {
        return file;
    }

    /** Byte offset in {@link #file()} of the first invalid frame (0 for a damaged header). */
    public long offset() {
        return offset;
    }
}
