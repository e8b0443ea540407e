package dev.chromaj.blockstore;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import java.util.Arrays;

/**
 * How the body of a block or root is compressed inside its {@link ObjectFrame}; the frame's codec byte records
 * which. Every codec compresses the whole Arrow IPC body at once, so a reader needs no Arrow codec support, and the
 * frame's CRC32C covers the stored (compressed) bytes while zstd's own content checksum covers the decompressed
 * ones: a damaged object fails before or during decompression, never with wrong data.
 *
 * <p>Which codec a blockfile uses depends on its value type ({@link #forValueType}); the choice and its numbers come
 * from {@code BlockCompressionBenchmark} (docs/operations.md, "Block compression").
 */
public enum BlockCompression {
    /** Stored as is (the only codec of format-1 objects). */
    NONE(0),
    /** Zstandard, with a content checksum. */
    ZSTD(1),
    /**
     * A 4-byte byte-shuffle (all first bytes of every 32-bit word, then all second bytes, ...) before Zstandard:
     * float components of one vector share their sign and exponent bytes, which the shuffle puts side by side.
     */
    SHUFFLE4_ZSTD(2);

    /** Zstandard level: 3 (zstd's default) was within a few percent of higher levels on every column kind. */
    static final int ZSTD_LEVEL = 3;

    private final byte id;

    BlockCompression(int id) {
        this.id = (byte) id;
    }

    /** The codec byte of the object frame. */
    public byte id() {
        return id;
    }

    /** The codec of a frame's codec byte, or null when this build knows no such codec. */
    static BlockCompression ofId(int id) {
        for (BlockCompression c : values()) {
            if (c.id == id) {
                return c;
            }
        }
        return null;
    }

    /**
     * The codec blocks of this value type are written with (the benchmark's choice: Zstandard everywhere it pays;
     * float vectors are shuffled first, which gains a few percent over plain Zstandard on 384-d sentence vectors).
     */
    public static BlockCompression forValueType(ValueType<?> valueType) {
        return valueType == ValueType.F32_LIST ? SHUFFLE4_ZSTD : ZSTD;
    }

    /** Compresses {@code src[off, off + len)}; NONE returns a copy. */
    public byte[] compress(byte[] src, int off, int len) {
        return switch (this) {
            case NONE -> Arrays.copyOfRange(src, off, off + len);
            case ZSTD -> zstd(src, off, len);
            case SHUFFLE4_ZSTD -> {
                byte[] shuffled = shuffle4(src, off, len);
                yield zstd(shuffled, 0, shuffled.length);
            }
        };
    }

    /**
     * Decompresses {@code src[off, off + len)} into exactly {@code rawLength} bytes.
     *
     * @throws CorruptObjectException naming {@code key} when the data does not decompress to {@code rawLength}
     *     bytes or fails zstd's checksum
     */
    public byte[] decompress(String key, byte[] src, int off, int len, int rawLength) {
        return switch (this) {
            case NONE -> {
                if (len != rawLength) {
                    throw new CorruptObjectException(key, "stored body of " + len + " bytes, expected " + rawLength);
                }
                yield Arrays.copyOfRange(src, off, off + len);
            }
            case ZSTD -> unzstd(key, src, off, len, rawLength);
            case SHUFFLE4_ZSTD -> unshuffle4(unzstd(key, src, off, len, rawLength));
        };
    }

    private static byte[] zstd(byte[] src, int off, int len) {
        try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
            ctx.setLevel(ZSTD_LEVEL);
            ctx.setChecksum(true);
            byte[] dst = new byte[(int) Math.min(Integer.MAX_VALUE - 16, Zstd.compressBound(len))];
            int n = ctx.compressByteArray(dst, 0, dst.length, src, off, len);
            return Arrays.copyOf(dst, n);
        }
    }

    private byte[] unzstd(String key, byte[] src, int off, int len, int rawLength) {
        byte[] dst = new byte[rawLength];
        int n;
        try (ZstdDecompressCtx ctx = new ZstdDecompressCtx()) {
            n = ctx.decompressByteArray(dst, 0, rawLength, src, off, len);
        } catch (ZstdException e) {
            throw new CorruptObjectException(key, name() + " body does not decompress: " + e.getMessage(), e);
        }
        if (n != rawLength) {
            throw new CorruptObjectException(
                    key, name() + " body decompressed to " + n + " bytes, the frame says " + rawLength);
        }
        return dst;
    }

    /** Byte {@code b} of word {@code i} goes to {@code b * words + i}; the {@code len % 4} tail bytes stay last. */
    static byte[] shuffle4(byte[] src, int off, int len) {
        int words = len / 4;
        byte[] out = new byte[len];
        for (int i = 0; i < words; i++) {
            int from = off + 4 * i;
            out[i] = src[from];
            out[words + i] = src[from + 1];
            out[2 * words + i] = src[from + 2];
            out[3 * words + i] = src[from + 3];
        }
        System.arraycopy(src, off + 4 * words, out, 4 * words, len - 4 * words);
        return out;
    }

    static byte[] unshuffle4(byte[] src) {
        int len = src.length;
        int words = len / 4;
        byte[] out = new byte[len];
        for (int i = 0; i < words; i++) {
            int to = 4 * i;
            out[to] = src[i];
            out[to + 1] = src[words + i];
            out[to + 2] = src[2 * words + i];
            out[to + 3] = src[3 * words + i];
        }
        System.arraycopy(src, 4 * words, out, 4 * words, len - 4 * words);
        return out;
    }
}
