package dev.chromaj.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The on-disk format of one log file.
 *
 * <pre>
 * header (36 bytes): magic u32 "CWAL" | format version u32 | log id (2 x i64) | first sequence i64 | CRC32C u32
 * frame:             payload length u32 | sequence i64 | CRC32C(sequence, payload) u32 | payload
 * </pre>
 *
 * All integers are big-endian. Files are named {@code <first sequence, 20 digits>.log}, so lexical order is log
 * order; archived copies are named {@code <first>-<last>.log}.
 */
final class LogFileFormat {
    static final int MAGIC = 0x4357414C; // "CWAL"
    static final int FORMAT_VERSION = 1;
    static final int HEADER_SIZE = 4 + 4 + 16 + 8 + 4;
    static final int FRAME_HEADER_SIZE = 4 + 8 + 4;
    /** Largest payload: keeps a frame addressable by an int and bounds what a damaged length can make us read. */
    static final int MAX_PAYLOAD = 1 << 30;

    static final String SUFFIX = ".log";
    static final String TEMP_SUFFIX = ".tmp";

    private static final Pattern FILE_NAME = Pattern.compile("(\\d{20})\\.log");
    private static final Pattern ARCHIVE_NAME = Pattern.compile("(\\d{20})-(\\d{20})\\.log");

    private LogFileFormat() {}

    /** The parsed header of a log file. */
    record Header(UUID logId, long firstSequence) {}

    static String fileName(long firstSequence) {
        return String.format(Locale.ROOT, "%020d%s", firstSequence, SUFFIX);
    }

    static String archiveName(long firstSequence, long lastSequence) {
        return String.format(Locale.ROOT, "%020d-%020d%s", firstSequence, lastSequence, SUFFIX);
    }

    /** The first sequence encoded in a log file name, or -1 when the name is not a log file's. */
    static long parseFileName(String name) {
        Matcher m = FILE_NAME.matcher(name);
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** {first, last} encoded in an archived object's name, or null when the name is not an archive's. */
    static long[] parseArchiveName(String name) {
        Matcher m = ARCHIVE_NAME.matcher(name);
        return m.matches() ? new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))} : null;
    }

    static ByteBuffer encodeHeader(UUID logId, long firstSequence) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE);
        b.putInt(MAGIC)
                .putInt(FORMAT_VERSION)
                .putLong(logId.getMostSignificantBits())
                .putLong(logId.getLeastSignificantBits())
                .putLong(firstSequence);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        return b.flip();
    }

    static Header readHeader(FileChannel ch, Path file) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE);
        while (b.hasRemaining()) {
            if (ch.read(b, b.position()) < 0) {
                throw new WalCorruptionException(
                        file, 0, "header is truncated (" + b.position() + " of " + HEADER_SIZE + " bytes)");
            }
        }
        b.flip();
        int magic = b.getInt();
        if (magic != MAGIC) {
            throw new WalCorruptionException(file, 0, "not a WAL file (magic " + Integer.toHexString(magic) + ")");
        }
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, HEADER_SIZE - 4);
        if ((int) crc.getValue() != b.getInt(HEADER_SIZE - 4)) {
            throw new WalCorruptionException(file, 0, "header checksum mismatch");
        }
        int version = b.getInt();
        if (version != FORMAT_VERSION) {
            throw new WalCorruptionException(
                    file, 0, "unsupported format version " + version + " (this library reads " + FORMAT_VERSION + ")");
        }
        UUID id = new UUID(b.getLong(), b.getLong());
        return new Header(id, b.getLong());
    }

    /** CRC32C over the big-endian sequence number followed by the payload. */
    static int checksum(long sequence, ByteBuffer payload) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(8).putLong(0, sequence));
        crc.update(payload.duplicate());
        return (int) crc.getValue();
    }

    static int checksum(CRC32C crc, long sequence, byte[] payload, ByteBuffer scratch8) {
        crc.reset();
        scratch8.clear();
        scratch8.putLong(0, sequence);
        crc.update(scratch8);
        crc.update(payload, 0, payload.length);
        return (int) crc.getValue();
    }
}
