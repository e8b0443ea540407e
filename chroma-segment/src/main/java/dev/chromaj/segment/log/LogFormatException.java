package dev.chromaj.segment.log;

/** A log payload that cannot be decoded: unknown version, truncated or corrupt bytes. */
public final class LogFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what is wrong and where */
    public LogFormatException(String message) {
        super(message);
    }
}
