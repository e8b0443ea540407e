package dev.chromaj.wal;

import dev.chromaj.annotations.Internal;
import java.nio.file.Path;

/**
 * A log file holds bytes that are not a valid frame where they cannot be cut off as a damaged tail (or a damaged
 * header): the log cannot be read past that point and is never skipped silently. Names the file and the byte offset
 * of the first invalid frame; when found while opening a log, the message also says how to open it without the
 * entries from that point on.
 */
@Internal
public final class WalCorruptionException extends WalException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long offset;
    private final String reason;

    public WalCorruptionException(Path file, long offset, String reason) {
        this(file, offset, reason, null);
    }

    /** With {@code advice}: how to proceed, appended to the message (null for none). */
    WalCorruptionException(Path file, long offset, String reason, String advice) {
        super("WAL file " + file + " is corrupt at offset " + offset + ": " + reason
                + (advice == null ? "" : ". " + advice));
        this.file = file;
        this.offset = offset;
        this.reason = reason;
    }

    /** The same finding with {@code advice} on how to proceed in its message. */
    WalCorruptionException withAdvice(String advice) {
        WalCorruptionException e = new WalCorruptionException(file, offset, reason, advice);
        e.setStackTrace(getStackTrace());
        return e;
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
