package dev.chromaj.wal;

/**
 * One log entry: its sequence number and the payload bytes given to {@link WriteAheadLog#append(byte[])}.
 * The payload array is owned by the entry's consumer (the log never reuses it).
 */
public record WalEntry(long sequence, byte[] payload) {}
