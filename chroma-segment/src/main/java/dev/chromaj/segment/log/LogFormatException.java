package dev.chromaj.segment.log;

import dev.chromaj.annotations.Internal;

/** A log payload that cannot be decoded: unknown version, truncated or corrupt bytes. */
@Internal
public final class LogFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what is wrong and where */
    public LogFormatException(String message) {
        super(message);
    }
}
