package dev.chromaj.blockstore;

import java.io.OutputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * The envelope around every block and root: a header, the Arrow IPC file, a footer with a checksum.
 *
 * <pre>
 * header (8 bytes)   magic "CJBF" | format version u16 LE | kind u8 (1 block, 2 root) | reserved u8 (0)
 * body               Arrow IPC file (one record batch)
 * footer (16 bytes)  body length u64 LE | CRC32C of header and body u32 LE | magic "FBJC"
 * </pre>
 *
 * The footer's length catches truncation, the CRC32C any flipped bit, the magics a foreign object.
 */
final class ObjectFrame {
    static final int FORMAT_VERSION = 1;
    static final int HEADER_BYTES = 8;
    static final int FOOTER_BYTES = 16;
    static final byte KIND_BLOCK = 1;
    static final byte KIND_ROOT = 2;
    private static final byte[] HEAD_MAGIC = {'C', 'J', 'B', 'F'};
    private static final byte[] FOOT_MAGIC = {'F', 'B', 'J', 'C'};

    private ObjectFrame() {}

    /** Where the Arrow IPC bytes of a verified object are. */
    record Body(byte[] bytes, int offset, int length) {}

    /** Starts an object of the given kind: write the Arrow file into the sink, then call {@link Sink#finish()}. */
    static Sink start(byte kind, int expectedBytes) {
        Sink sink = new Sink(Math.max(64, expectedBytes + HEADER_BYTES + FOOTER_BYTES));
        sink.write(HEAD_MAGIC, 0, 4);
        sink.write(FORMAT_VERSION & 0xFF);
        sink.write(FORMAT_VERSION >>> 8);
        sink.write(kind);
        sink.write(0);
        return sink;
    }

    /** Verifies magic, version, kind, length and checksum; throws {@link CorruptObjectException} naming the key. */
    static Body verify(String key, byte[] data, byte kind) {
        if (data.length < HEADER_BYTES + FOOTER_BYTES) {
            throw new CorruptObjectException(
                    key,
                    "truncated: " + data.length + " bytes is shorter than the " + (HEADER_BYTES + FOOTER_BYTES)
                            + "-byte header and footer");
        }
        if (!Arrays.equals(data, 0, 4, HEAD_MAGIC, 0, 4)) {
            throw new CorruptObjectException(key, "no blockfile header magic (not a chromaj block or root)");
        }
        int end = data.length;
        if (!Arrays.equals(data, end - 4, end, FOOT_MAGIC, 0, 4)) {
            throw new CorruptObjectException(key, "no footer magic (truncated or overwritten, " + end + " bytes)");
        }
        long bodyLength = readLong(data, end - FOOTER_BYTES);
        if (bodyLength != end - HEADER_BYTES - FOOTER_BYTES) {
            throw new CorruptObjectException(
                    key,
                    "length mismatch: footer says " + bodyLength + " body bytes, object holds "
                            + (end - HEADER_BYTES - FOOTER_BYTES) + " (truncated?)");
        }
        int stored = readInt(data, end - 8);
        CRC32C crc = new CRC32C();
        crc.update(data, 0, end - FOOTER_BYTES);
        int computed = (int) crc.getValue();
        if (stored != computed) {
            throw new CorruptObjectException(
                    key,
                    String.format(
                            Locale.ROOT, "checksum mismatch: stored CRC32C %08x, computed %08x", stored, computed));
        }
        int version = (data[4] & 0xFF) | (data[5] & 0xFF) << 8;
        if (version != FORMAT_VERSION) {
            throw new CorruptObjectException(
                    key, "unsupported format version " + version + " (this build reads " + FORMAT_VERSION + ")");
        }
        if (data[6] != kind) {
            throw new CorruptObjectException(
                    key,
                    "object kind " + data[6] + " where " + (kind == KIND_BLOCK ? "a block" : "a root") + " (" + kind
                            + ") was expected");
        }
        return new Body(data, HEADER_BYTES, (int) bodyLength);
    }

    private static long readLong(byte[] b, int at) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[at + i] & 0xFF);
        }
        return v;
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    /** A growable byte buffer the Arrow writer writes into; {@link #finish()} appends the footer. */
    static final class Sink extends OutputStream {
        private byte[] buf;
        private int size;

        private Sink(int capacity) {
            buf = new byte[capacity];
        }

        @Override
        public void write(int b) {
            ensure(1);
            buf[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, size, len);
            size += len;
        }

        private void ensure(int more) {
            if (size + more > buf.length) {
                long wanted = Math.max((long) buf.length * 2, (long) size + more);
                if (wanted > Integer.MAX_VALUE - 16) {
                    throw new IllegalStateException("a blockfile object cannot exceed 2 GiB");
                }
                buf = Arrays.copyOf(buf, (int) wanted);
            }
        }

        /** Appends the footer and returns the complete object. */
        byte[] finish() {
            long bodyLength = (long) size - HEADER_BYTES;
            CRC32C crc = new CRC32C();
            crc.update(buf, 0, size);
            int c = (int) crc.getValue();
            ensure(FOOTER_BYTES);
            for (int i = 0; i < 8; i++) {
                buf[size++] = (byte) (bodyLength >>> (8 * i));
            }
            for (int i = 0; i < 4; i++) {
                buf[size++] = (byte) (c >>> (8 * i));
            }
            write(FOOT_MAGIC, 0, 4);
            return size == buf.length ? buf : Arrays.copyOf(buf, size);
        }
    }
}
