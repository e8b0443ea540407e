package dev.chromaj.wal;

import dev.chromaj.annotations.Internal;

/**
 * One log entry: its sequence number and the payload bytes given to {@link WriteAheadLog#append(byte[])}.
 * The payload array is owned by the entry's consumer (the log never reuses it).
 */
@Internal
public record WalEntry(long sequence, byte[] payload) {}
