package dev.chromaj.wal;

import dev.chromaj.annotations.Internal;

/**
 * A write-ahead log operation failed: an I/O error, a log that is closed or failed, or an archive that cannot be
 * restored. Unchecked; the message names the log directory or file.
 */
@Internal
public class WalException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WalException(String message) {
        super(message);
    }

    public WalException(String message, Throwable cause) {
        super(message, cause);
    }
}
