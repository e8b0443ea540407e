package dev.chromaj.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads the frames of one log file in order through a read-ahead window, validating length, sequence number and
 * checksum. Not thread-safe; does not own the channel.
 */
final class FrameCursor {
    private static final int WINDOW = 256 * 1024;

    /** Why {@link #next} stopped. */
    enum Stop {
        /** A valid frame was read: see {@link #sequence()}, {@link #payload()}. */
        FRAME,
        /** The limit was reached exactly at a frame boundary. */
        END,
        /** The bytes up to the limit end in the middle of a frame. */
        INCOMPLETE,
        /** The length field is negative or too large. */
        BAD_LENGTH,
        /** The frame's sequence number is not the expected one. */
        BAD_SEQUENCE,
        /** The checksum does not match. */
        BAD_CHECKSUM
    }

    private final FileChannel channel;
    private final long limit;
    private ByteBuffer window = ByteBuffer.allocate(WINDOW);
    private long windowStart;
    private long offset;
    private long frameOffset;
    private long sequence;
    private byte[] payload;
    private boolean frameEndsAtLimit;
    private long frameEnd;
    private boolean headerComplete;
    private long headerSequence;

    FrameCursor(FileChannel channel, long start, long limit) {
        this.channel = channel;
        this.offset = start;
        this.limit = limit;
        this.windowStart = start;
        this.window.limit(0);
    }

    /** Reads the frame at the current offset, expecting {@code expectedSequence}; advances only past a valid one. */
    Stop next(long expectedSequence) throws IOException {
        frameOffset = offset;
        payload = null;
        headerComplete = false;
        long remaining = limit - offset;
        if (remaining == 0) {
            return Stop.END;
        }
        if (remaining < LogFileFormat.FRAME_HEADER_SIZE) {
            return Stop.INCOMPLETE;
        }
        ByteBuffer head = bytes(offset, LogFileFormat.FRAME_HEADER_SIZE);
        int length = head.getInt();
        long seq = head.getLong();
        int crc = head.getInt();
        headerComplete = true;
        headerSequence = seq;
        if (length < 0 || length > LogFileFormat.MAX_PAYLOAD) {
            return Stop.BAD_LENGTH;
        }
        long frameSize = LogFileFormat.FRAME_HEADER_SIZE + (long) length;
        if (remaining < frameSize) {
            return Stop.INCOMPLETE;
        }
        frameEndsAtLimit = remaining == frameSize;
        frameEnd = offset + frameSize;
        ByteBuffer body = bytes(offset + LogFileFormat.FRAME_HEADER_SIZE, length);
        if (seq != expectedSequence) {
            return Stop.BAD_SEQUENCE;
        }
        if (LogFileFormat.checksum(seq, body) != crc) {
            return Stop.BAD_CHECKSUM;
        }
        byte[] data = new byte[length];
        body.get(data);
        sequence = seq;
        payload = data;
        offset += frameSize;
        return Stop.FRAME;
    }

    /** Offset of the frame last examined by {@link #next} (valid or not). */
    long frameOffset() {
        return frameOffset;
    }

    /** Offset just past the last valid frame. */
    long offset() {
        return offset;
    }

    /** Whether the invalid frame last examined ends exactly at the limit (it is the file's last frame). */
    boolean frameEndsAtLimit() {
        return frameEndsAtLimit;
    }

    /**
     * End offset of the frame last examined by {@link #next} as its length field gives it; meaningful only when
     * that frame lay within the limit (it stopped with {@link Stop#BAD_SEQUENCE}, {@link Stop#BAD_CHECKSUM} or was
     * valid).
     */
    long frameEnd() {
        return frameEnd;
    }

    long sequence() {
        return sequence;
    }

    /**
     * Whether {@link #next} found the whole 16-byte header of the frame it examined (valid or not); then
     * {@link #headerSequence()} is the sequence number the header claims.
     */
    boolean headerComplete() {
        return headerComplete;
    }

    /** The sequence field of the frame last examined; meaningful only when {@link #headerComplete()}. */
    long headerSequence() {
        return headerSequence;
    }

    byte[] payload() {
        return payload;
    }

    /** Whether every byte from {@code from} to the limit is zero (space the file system allocated, never written). */
    boolean zeroesFrom(long from) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(64 * 1024);
        long pos = from;
        while (pos < limit) {
            b.clear();
            b.limit((int) Math.min(b.capacity(), limit - pos));
            int n = channel.read(b, pos);
            if (n <= 0) {
                return true;
            }
            for (int i = 0; i < n; i++) {
                if (b.get(i) != 0) {
                    return false;
                }
            }
            pos += n;
        }
        return true;
    }

    /**
     * Whether a valid frame starts anywhere after {@code from} (at {@code from + 1} or later) holding a sequence
     * number of at least {@code minSequence}: then the invalid bytes at {@code from} are not a damaged tail but damage
     * in the middle of the log (a corrupted length field, a hole of garbage), and cutting the log there would drop
     * intact entries. A sequence can be at most one per 16 bytes past {@code minSequence}, which with the checksum
     * makes a frame found in random bytes practically impossible.
     */
    boolean validFrameAfter(long from, long minSequence) throws IOException {
        long start = from + 1;
        if (limit - start < LogFileFormat.FRAME_HEADER_SIZE) {
            return false;
        }
        if (limit - start > Integer.MAX_VALUE - 8) {
            return true; // too much to scan in one buffer: assume intact frames follow, so nothing is cut off
        }
        ByteBuffer rest = ByteBuffer.allocate((int) (limit - start));
        while (rest.hasRemaining()) {
            if (channel.read(rest, start + rest.position()) < 0) {
                break;
            }
        }
        rest.flip();
        int n = rest.limit();
        long maxSequence = minSequence + n / LogFileFormat.FRAME_HEADER_SIZE;
        // a frame is length(4) | sequence(8) | crc(4) | payload: try a frame at every position
        for (int i = 0; i + LogFileFormat.FRAME_HEADER_SIZE <= n; i++) {
            long seq = rest.getLong(i + 4);
            if (seq < minSequence || seq > maxSequence) {
                continue;
            }
            int length = rest.getInt(i);
            if (length < 0
                    || length > LogFileFormat.MAX_PAYLOAD
                    || (long) i + LogFileFormat.FRAME_HEADER_SIZE + length > n) {
                continue;
            }
            int crc = rest.getInt(i + 12);
            int body = i + LogFileFormat.FRAME_HEADER_SIZE;
            if (LogFileFormat.checksum(seq, rest.duplicate().position(body).limit(body + length)) == crc) {
                return true;
            }
        }
        return false;
    }

    /**
     * The end of the data from {@code from} on: the offset just past the last non-zero byte before the limit, or
     * {@code from} when everything there is zero (zeroes at the end are space the log preallocated).
     */
    long endOfNonZero(long from) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(64 * 1024);
        long end = limit;
        while (end > from) {
            int len = (int) Math.min(b.capacity(), end - from);
            long pos = end - len;
            b.clear().limit(len);
            while (b.hasRemaining()) {
                if (channel.read(b, pos + b.position()) < 0) {
                    throw new IOException("file ended at " + (pos + b.position()) + " before the limit " + limit);
                }
            }
            for (int i = len - 1; i >= 0; i--) {
                if (b.get(i) != 0) {
                    return pos + i + 1;
                }
            }
            end = pos;
        }
        return from;
    }

    /** A buffer positioned at {@code n} bytes starting at file offset {@code at}, refilling the window as needed. */
    private ByteBuffer bytes(long at, int n) throws IOException {
        long windowEnd = windowStart + window.limit();
        if (at < windowStart || at + n > windowEnd) {
            if (n > window.capacity()) {
                window = ByteBuffer.allocate(n);
            }
            window.clear();
            int want = (int) Math.min(window.capacity(), limit - at);
            window.limit(want);
            int read = 0;
            while (read < n) {
                int r = channel.read(window, at + window.position());
                if (r < 0) {
                    throw new IOException("file ended at " + (at + read) + " while reading " + n + " bytes at " + at);
                }
                read += r;
            }
            window.flip();
            windowStart = at;
        }
        int rel = (int) (at - windowStart);
        return window.duplicate().position(rel).limit(rel + n);
    }
}
