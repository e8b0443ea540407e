package dev.chromaj.index.sparse;

import java.util.Arrays;

/**
 * Reads the compact encodings of blocks and skips: unsigned LEB128 varints and little-endian floats, with bounds
 * checks that name what is being decoded.
 */
final class ByteCursor {

    private final byte[] bytes;
    private final String what;
    private int pos;

    ByteCursor(byte[] bytes, String what) {
        this.bytes = bytes;
        this.what = what;
    }

    int readByte() {
        if (pos >= bytes.length) {
            throw truncated();
        }
        return bytes[pos++] & 0xFF;
    }

    /** Reads a varint holding a non-negative int. */
    int readVarint() {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = readByte();
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if ((shift == 28 && (b & 0x70) != 0) || value < 0) {
                    throw new IllegalArgumentException(what + ": varint out of range at byte " + (pos - 1));
                }
                return value;
            }
        }
        throw new IllegalArgumentException(what + ": varint longer than 5 bytes at byte " + pos);
    }

    float readFloat() {
        if (pos + 4 > bytes.length) {
            throw truncated();
        }
        int bits = (bytes[pos] & 0xFF)
                | (bytes[pos + 1] & 0xFF) << 8
                | (bytes[pos + 2] & 0xFF) << 16
                | (bytes[pos + 3] & 0xFF) << 24;
        pos += 4;
        return Float.intBitsToFloat(bits);
    }

    void expectEnd() {
        if (pos != bytes.length) {
            throw new IllegalArgumentException(what + ": " + (bytes.length - pos) + " unexpected trailing bytes");
        }
    }

    IllegalArgumentException corrupt(String rule) {
        return new IllegalArgumentException(what + ": " + rule);
    }

    private IllegalArgumentException truncated() {
        return new IllegalArgumentException(what + ": truncated after " + bytes.length + " bytes");
    }

    /** Growable output for the same encodings. */
    static final class Sink {
        private byte[] buf;
        private int size;

        Sink(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        void writeByte(int b) {
            ensure(1);
            buf[size++] = (byte) b;
        }

        void writeVarint(int value) {
            assert value >= 0 : value;
            ensure(5);
            while ((value & ~0x7F) != 0) {
                buf[size++] = (byte) ((value & 0x7F) | 0x80);
                value >>>= 7;
            }
            buf[size++] = (byte) value;
        }

        void writeFloat(float value) {
            ensure(4);
            int bits = Float.floatToRawIntBits(value);
            buf[size++] = (byte) bits;
            buf[size++] = (byte) (bits >>> 8);
            buf[size++] = (byte) (bits >>> 16);
            buf[size++] = (byte) (bits >>> 24);
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, size);
        }

        private void ensure(int extra) {
            if (size + extra > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
            }
        }
    }
}
