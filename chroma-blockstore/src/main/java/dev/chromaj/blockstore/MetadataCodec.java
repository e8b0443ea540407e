package dev.chromaj.blockstore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The binary encoding of {@link DataRecord#metadata()} inside the block's {@code metadata} binary column.
 *
 * <pre>
 * metadata := entryCount:varint entry*
 * entry    := keyLength:varint keyUtf8 tag:u8 value
 * tag 1 String  (length:varint utf8)      tag 5 list of String  (count:varint then elements as tag 1)
 * tag 2 Long    (zigzag varint)           tag 6 list of Long    (count:varint then elements as tag 2)
 * tag 3 Double  (8 bytes IEEE-754 LE)     tag 7 list of Double  (count:varint then elements as tag 3)
 * tag 4 Boolean (1 byte, 0 or 1)          tag 8 list of Boolean (count:varint then elements as tag 4)
 * </pre>
 * Entries keep the map's iteration order; decoding yields an unmodifiable insertion-ordered map.
 */
final class MetadataCodec {
    private static final int STRING = 1;
    private static final int LONG = 2;
    private static final int DOUBLE = 3;
    private static final int BOOLEAN = 4;
    private static final int LIST = 4;

    private MetadataCodec() {}

    static byte[] encode(Map<String, Object> metadata) {
        Out out = new Out();
        out.varint(metadata.size());
        for (Map.Entry<String, Object> e : metadata.entrySet()) {
            out.string(e.getKey());
            Object v = e.getValue();
            if (v instanceof List<?> list) {
                int tag = tagOf(list.get(0));
                out.b(tag + LIST);
                out.varint(list.size());
                for (Object o : list) {
                    scalar(out, tag, o);
                }
            } else {
                int tag = tagOf(v);
                out.b(tag);
                scalar(out, tag, v);
            }
        }
        return out.toArray();
    }

    /** Upper bound of the encoded size, for block size estimates. */
    static int estimateSize(Map<String, Object> metadata) {
        int size = 5;
        for (Map.Entry<String, Object> e : metadata.entrySet()) {
            size += 6 + 3 * e.getKey().length();
            Object v = e.getValue();
            if (v instanceof List<?> list) {
                size += 5;
                for (Object o : list) {
                    size += scalarSize(o);
                }
            } else {
                size += scalarSize(v);
            }
        }
        return size;
    }

    private static int scalarSize(Object o) {
        return o instanceof String s ? 5 + 3 * s.length() : 10;
    }

    private static int tagOf(Object v) {
        if (v instanceof String) {
            return STRING;
        } else if (v instanceof Long) {
            return LONG;
        } else if (v instanceof Double) {
            return DOUBLE;
        } else if (v instanceof Boolean) {
            return BOOLEAN;
        }
        throw new IllegalArgumentException(
                "unsupported metadata value type " + v.getClass().getName());
    }

    private static void scalar(Out out, int tag, Object v) {
        switch (tag) {
            case STRING -> out.string((String) v);
            case LONG -> {
                long l = (Long) v;
                out.varint((l << 1) ^ (l >> 63));
            }
            case DOUBLE -> {
                long bits = Double.doubleToRawLongBits((Double) v);
                for (int i = 0; i < 8; i++) {
                    out.b((int) (bits >>> (8 * i)));
                }
            }
            default -> out.b((Boolean) v ? 1 : 0);
        }
    }

    /** Decodes {@code length} bytes at {@code offset}; throws {@link IllegalArgumentException} when malformed. */
    static Map<String, Object> decode(byte[] data, int offset, int length) {
        In in = new In(data, offset, offset + length);
        int n = (int) in.varint();
        Map<String, Object> map = new LinkedHashMap<>(Math.max(4, n * 2));
        for (int i = 0; i < n; i++) {
            String key = in.string();
            int tag = in.b();
            if (tag > LIST && tag <= 2 * LIST) {
                int count = (int) in.varint();
                List<Object> list = new ArrayList<>(count);
                for (int j = 0; j < count; j++) {
                    list.add(readScalar(in, tag - LIST));
                }
                map.put(key, Collections.unmodifiableList(list));
            } else {
                map.put(key, readScalar(in, tag));
            }
        }
        if (in.pos != in.end) {
            throw new IllegalArgumentException("metadata encoding has " + (in.end - in.pos) + " trailing bytes");
        }
        return Collections.unmodifiableMap(map);
    }

    private static Object readScalar(In in, int tag) {
        return switch (tag) {
            case STRING -> in.string();
            case LONG -> {
                long z = in.varint();
                yield (z >>> 1) ^ -(z & 1);
            }
            case DOUBLE -> {
                long bits = 0;
                for (int i = 0; i < 8; i++) {
                    bits |= (long) in.b() << (8 * i);
                }
                yield Double.longBitsToDouble(bits);
            }
            case BOOLEAN -> in.b() != 0;
            default -> throw new IllegalArgumentException("unknown metadata tag " + tag);
        };
    }

    private static final class Out {
        private byte[] buf = new byte[64];
        private int size;

        void b(int v) {
            if (size == buf.length) {
                buf = Arrays.copyOf(buf, size * 2);
            }
            buf[size++] = (byte) v;
        }

        void varint(long v) {
            while ((v & ~0x7FL) != 0) {
                b((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            b((int) v);
        }

        void string(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            varint(bytes.length);
            if (size + bytes.length > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + bytes.length));
            }
            System.arraycopy(bytes, 0, buf, size, bytes.length);
            size += bytes.length;
        }

        byte[] toArray() {
            return Arrays.copyOf(buf, size);
        }
    }

    private static final class In {
        private final byte[] data;
        private int pos;
        private final int end;

        In(byte[] data, int pos, int end) {
            this.data = data;
            this.pos = pos;
            this.end = end;
        }

        int b() {
            if (pos >= end) {
                throw new IllegalArgumentException("metadata encoding ends early");
            }
            return data[pos++] & 0xFF;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = b();
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("metadata varint too long");
        }

        String string() {
            int len = (int) varint();
            if (len < 0 || len > end - pos) {
                throw new IllegalArgumentException("metadata string length " + len + " exceeds the encoding");
            }
            String s = new String(data, pos, len, StandardCharsets.UTF_8);
            pos += len;
            return s;
        }
    }
}
