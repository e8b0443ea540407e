package dev.chromaj.blockstore;

import java.io.OutputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * The envelope around every block and root: a header, the Arrow IPC file, a footer with a checksum.
 *
 * <pre>
 * header (8 bytes)   magic "CJBF" | format version u16 LE | kind u8 (1 block, 2 root) | codec u8
 * body               codec 0: the Arrow IPC file (one record batch)
 *                    otherwise: the Arrow IPC file's length u32 LE | its CRC32C u32 LE | the file compressed
 *                    by the codec
 * footer (16 bytes)  body length u64 LE | CRC32C of header and body u32 LE | magic "FBJC"
 * </pre>
 *
 * The footer's length catches truncation, the CRC32C any flipped bit (of the stored, compressed bytes), the magics a
 * foreign object; the second CRC32C checks the decompressed bytes, so a decoder that accepts damaged input can never
 * hand out wrong data. Format 1 (every object written before compression existed) has the same layout with the codec
 * byte reserved as 0: those objects are read as they are. Format 2 writes the {@link BlockCompression} id in the
 * codec byte; a codec that does not pay (saves less than 1/32 of the body) is not used.
 */
final class ObjectFrame {
    /** The format this build writes. */
    static final int FORMAT_VERSION = 2;
    /** The oldest format this build reads: uncompressed objects of before block compression. */
    static final int OLDEST_READABLE_VERSION = 1;

    static final int HEADER_BYTES = 8;
    static final int FOOTER_BYTES = 16;
    static final byte KIND_BLOCK = 1;
    static final byte KIND_ROOT = 2;
    /** Decompressed length and CRC32C before a compressed body. */
    static final int COMPRESSED_PREFIX_BYTES = 8;

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
        if (version < OLDEST_READABLE_VERSION || version > FORMAT_VERSION) {
            throw new CorruptObjectException(
                    key,
                    "unsupported format version " + version + " (this build reads " + OLDEST_READABLE_VERSION + " to "
                            + FORMAT_VERSION + ")");
        }
        int codecId = data[7] & 0xFF;
        BlockCompression codec = BlockCompression.ofId(codecId);
        if (codec == null || (version == 1 && codec != BlockCompression.NONE)) {
            throw new CorruptObjectException(
                    key, "unknown codec " + codecId + " in a format-" + version + " object frame");
        }
        if (data[6] != kind) {
            throw new CorruptObjectException(
                    key,
                    "object kind " + data[6] + " where " + (kind == KIND_BLOCK ? "a block" : "a root") + " (" + kind
                            + ") was expected");
        }
        if (codec == BlockCompression.NONE) {
            return new Body(data, HEADER_BYTES, (int) bodyLength);
        }
        if (bodyLength < COMPRESSED_PREFIX_BYTES) {
            throw new CorruptObjectException(
                    key, "a compressed body of " + bodyLength + " bytes has no length and checksum");
        }
        int rawLength = readInt(data, HEADER_BYTES);
        if (rawLength < 0) {
            throw new CorruptObjectException(key, "impossible decompressed length " + (rawLength & 0xFFFFFFFFL));
        }
        byte[] raw = codec.decompress(
                key,
                data,
                HEADER_BYTES + COMPRESSED_PREFIX_BYTES,
                (int) bodyLength - COMPRESSED_PREFIX_BYTES,
                rawLength);
        CRC32C rawCrc = new CRC32C();
        rawCrc.update(raw, 0, rawLength);
        int expected = readInt(data, HEADER_BYTES + 4);
        if ((int) rawCrc.getValue() != expected) {
            throw new CorruptObjectException(
                    key,
                    String.format(
                            Locale.ROOT,
                            "%s body decompressed to bytes with CRC32C %08x, the frame says %08x",
                            codec,
                            (int) rawCrc.getValue(),
                            expected));
        }
        return new Body(raw, 0, rawLength);
    }

    /** The codec byte of a frame that passed {@link #verify} (NONE for format 1). */
    static BlockCompression codecOf(byte[] data) {
        BlockCompression codec = BlockCompression.ofId(data[7] & 0xFF);
        return codec == null ? BlockCompression.NONE : codec;
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

        /** Appends the footer and returns the complete, uncompressed object. */
        byte[] finish() {
            return finish(BlockCompression.NONE);
        }

        /**
         * Compresses the body with {@code codec} (unless that saves less than 1/32 of it), appends the footer and
         * returns the complete object.
         */
        byte[] finish(BlockCompression codec) {
            int rawLength = size - HEADER_BYTES;
            if (codec != BlockCompression.NONE) {
                byte[] packed = codec.compress(buf, HEADER_BYTES, rawLength);
                if (packed.length + COMPRESSED_PREFIX_BYTES <= rawLength - rawLength / 32) {
                    CRC32C rawCrc = new CRC32C();
                    rawCrc.update(buf, HEADER_BYTES, rawLength);
                    int rc = (int) rawCrc.getValue();
                    byte[] out = new byte[HEADER_BYTES + COMPRESSED_PREFIX_BYTES + packed.length + FOOTER_BYTES];
                    System.arraycopy(buf, 0, out, 0, HEADER_BYTES);
                    buf = out;
                    size = HEADER_BYTES;
                    buf[7] = codec.id();
                    for (int i = 0; i < 4; i++) {
                        buf[size++] = (byte) (rawLength >>> (8 * i));
                    }
                    for (int i = 0; i < 4; i++) {
                        buf[size++] = (byte) (rc >>> (8 * i));
                    }
                    System.arraycopy(packed, 0, buf, size, packed.length);
                    size += packed.length;
                }
            }
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
