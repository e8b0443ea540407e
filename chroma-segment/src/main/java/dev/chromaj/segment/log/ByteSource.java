package dev.chromaj.segment.log;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Reads what {@link ByteSink} wrote; every overrun is a {@link LogFormatException}. Not thread-safe. */
final class ByteSource {
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] buf;
    private final int end;
    private int pos;

    ByteSource(byte[] buf, int start, int end) {
        this.buf = buf;
        this.pos = start;
        this.end = end;
    }

    int position() {
        return pos;
    }

    boolean hasRemaining() {
        return pos < end;
    }

    private void need(int n) {
        if (n < 0 || end - pos < n) {
            throw new LogFormatException(
                    "truncated log record: need " + n + " bytes at position " + pos + ", " + (end - pos) + " left");
        }
    }

    int readByte() {
        need(1);
        return buf[pos++] & 0xFF;
    }

    long readVarLong() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readByte();
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new LogFormatException("malformed varint at position " + pos);
    }

    int readVarInt() {
        long v = readVarLong();
        if (v < 0 || v > 0xFFFFFFFFL) {
            throw new LogFormatException("varint out of 32-bit range at position " + pos + ": " + v);
        }
        return (int) v;
    }

    /** A non-negative length or count no larger than the bytes left times {@code bytesPerItem}. */
    int readLength(int minBytesPerItem) {
        int n = readVarInt();
        if (n < 0 || (long) n * minBytesPerItem > end - pos) {
            throw new LogFormatException("invalid length " + Integer.toUnsignedString(n) + " at position " + pos);
        }
        return n;
    }

    long readZigZagLong() {
        long v = readVarLong();
        return (v >>> 1) ^ -(v & 1);
    }

    int readInt() {
        need(4);
        int v = (buf[pos] & 0xFF)
                | (buf[pos + 1] & 0xFF) << 8
                | (buf[pos + 2] & 0xFF) << 16
                | (buf[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    long readLong() {
        long lo = readInt() & 0xFFFFFFFFL;
        long hi = readInt() & 0xFFFFFFFFL;
        return lo | hi << 32;
    }

    float readFloat() {
        return Float.intBitsToFloat(readInt());
    }

    /** Reads {@code values.length} floats written by {@link ByteSink#writeFloats}, with one bounds check. */
    void readFloats(float[] values) {
        need(values.length * 4);
        for (int i = 0; i < values.length; i++) {
            values[i] = Float.intBitsToFloat((int) INT_LE.get(buf, pos));
            pos += 4;
        }
    }

    double readDouble() {
        return Double.longBitsToDouble(readLong());
    }

    String readString() {
        int n = readLength(1);
        String s = new String(buf, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }
}
