package dev.chromaj.segment.log;

import dev.chromaj.annotations.Internal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Binary form of one WAL entry: the operations of one API call.
 *
 * <p>Format version 1: {@code version:u8, count:varint, operation*, crc32c:u32le} where the checksum covers every
 * preceding byte. An operation is {@code tag:u8 (1 add, 2 upsert, 3 update, 4 delete), id:string} followed, except
 * for deletes, by {@code flags:u8} (bit 0 embedding, 1 document, 2 metadata, 3 uri, 4 sparse) and the present
 * fields in that order. Strings are a varint byte length and UTF-8; floats and doubles are little-endian IEEE 754;
 * integers in metadata are zig-zag varints. A metadata entry is {@code key:string, type:u8, value}: types 0 (null:
 * delete the key), 1 string, 2 integer, 3 float, 4 false, 5 true, 6..9 lists of string, integer, float, boolean
 * ({@code count:varint, elements}). A sparse entry is {@code key:string, present:u8, nnz:varint,
 * index deltas:zig-zag varints, values:f32*}.
 *
 * <p>Stateless and thread-safe.
 */
@Internal
public final class LogCodec {

    /** The format version written by {@link #encode}. */
    public static final int VERSION = 1;

    private static final int ADD = 1;
    private static final int UPSERT = 2;
    private static final int UPDATE = 3;
    private static final int DELETE = 4;

    private static final int HAS_EMBEDDING = 1;
    private static final int HAS_DOCUMENT = 1 << 1;
    private static final int HAS_METADATA = 1 << 2;
    private static final int HAS_URI = 1 << 3;
    private static final int HAS_SPARSE = 1 << 4;

    private static final int T_NULL = 0;
    private static final int T_STRING = 1;
    private static final int T_LONG = 2;
    private static final int T_DOUBLE = 3;
    private static final int T_FALSE = 4;
    private static final int T_TRUE = 5;
    private static final int T_STRING_LIST = 6;
    private static final int T_LONG_LIST = 7;
    private static final int T_DOUBLE_LIST = 8;
    private static final int T_BOOL_LIST = 9;

    private LogCodec() {}

    /** Encodes one call's operations (in call order). */
    public static byte[] encode(List<LogOperation> batch) {
        ByteSink out = new ByteSink(64 + batch.size() * 64);
        out.writeByte(VERSION);
        out.writeVarInt(batch.size());
        for (LogOperation op : batch) {
            writeOperation(out, op);
        }
        CRC32C crc = new CRC32C();
        crc.update(out.bytes(), 0, out.size());
        out.writeInt((int) crc.getValue());
        return out.toByteArray();
    }

    /**
     * Decodes what {@link #encode} produced.
     *
     * @throws LogFormatException when the version is unknown, the checksum does not match, or the bytes are
     *     truncated or malformed
     */
    public static List<LogOperation> decode(byte[] bytes) {
        if (bytes == null || bytes.length < 1 + 1 + 4) {
            throw new LogFormatException("log entry too short: " + (bytes == null ? 0 : bytes.length) + " bytes");
        }
        int version = bytes[0] & 0xFF;
        if (version != VERSION) {
            throw new LogFormatException(
                    "unsupported log entry format version " + version + " (expected " + VERSION + ")");
        }
        int bodyEnd = bytes.length - 4;
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bodyEnd);
        int stored = new ByteSource(bytes, bodyEnd, bytes.length).readInt();
        if (stored != (int) crc.getValue()) {
            throw new LogFormatException("log entry checksum mismatch: stored " + Integer.toHexString(stored)
                    + ", computed " + Long.toHexString(crc.getValue()));
        }
        ByteSource in = new ByteSource(bytes, 1, bodyEnd);
        int count = in.readLength(2);
        List<LogOperation> ops = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ops.add(readOperation(in));
        }
        if (in.hasRemaining()) {
            throw new LogFormatException("log entry has " + (bodyEnd - in.position()) + " trailing bytes");
        }
        return Collections.unmodifiableList(ops);
    }

    /** Encodes a map of sparse vectors on its own (used by the record segment). */
    public static byte[] encodeSparse(Map<String, SparseValues> sparse) {
        ByteSink out = new ByteSink(32);
        out.writeByte(VERSION);
        writeSparse(out, sparse);
        return out.toByteArray();
    }

    /** Decodes what {@link #encodeSparse} produced. */
    public static Map<String, SparseValues> decodeSparse(byte[] bytes) {
        ByteSource in = new ByteSource(bytes, 0, bytes.length);
        int version = in.readByte();
        if (version != VERSION) {
            throw new LogFormatException("unsupported sparse vector format version " + version);
        }
        Map<String, SparseValues> sparse = readSparse(in);
        if (in.hasRemaining()) {
            throw new LogFormatException("sparse vector encoding has trailing bytes");
        }
        return sparse;
    }

    private static void writeOperation(ByteSink out, LogOperation op) {
        RecordChange change;
        if (op instanceof LogOperation.Add a) {
            out.writeByte(ADD);
            change = a.change();
        } else if (op instanceof LogOperation.Upsert u) {
            out.writeByte(UPSERT);
            change = u.change();
        } else if (op instanceof LogOperation.Update u) {
            out.writeByte(UPDATE);
            change = u.change();
        } else {
            out.writeByte(DELETE);
            change = null;
        }
        out.writeString(op.id());
        if (change != null) {
            writeChange(out, change);
        }
    }

    private static void writeChange(ByteSink out, RecordChange c) {
        int flags = (c.embedding() != null ? HAS_EMBEDDING : 0)
                | (c.document() != null ? HAS_DOCUMENT : 0)
                | (c.metadata() != null ? HAS_METADATA : 0)
                | (c.uri() != null ? HAS_URI : 0)
                | (c.sparse() != null ? HAS_SPARSE : 0);
        out.writeByte(flags);
        if (c.embedding() != null) {
            float[] e = c.embedding();
            out.writeVarInt(e.length);
            out.writeFloats(e);
        }
        if (c.document() != null) {
            out.writeString(c.document());
        }
        if (c.metadata() != null) {
            out.writeVarInt(c.metadata().size());
            for (Map.Entry<String, Object> e : c.metadata().entrySet()) {
                out.writeString(e.getKey());
                writeValue(out, e.getValue());
            }
        }
        if (c.uri() != null) {
            out.writeString(c.uri());
        }
        if (c.sparse() != null) {
            writeSparse(out, c.sparse());
        }
    }

    private static void writeValue(ByteSink out, Object v) {
        if (v == null) {
            out.writeByte(T_NULL);
        } else if (v instanceof String s) {
            out.writeByte(T_STRING);
            out.writeString(s);
        } else if (v instanceof Long l) {
            out.writeByte(T_LONG);
            out.writeZigZagLong(l);
        } else if (v instanceof Double d) {
            out.writeByte(T_DOUBLE);
            out.writeDouble(d);
        } else if (v instanceof Boolean b) {
            out.writeByte(b ? T_TRUE : T_FALSE);
        } else if (v instanceof List<?> list) {
            Object first = list.get(0);
            int type = first instanceof String
                    ? T_STRING_LIST
                    : first instanceof Long ? T_LONG_LIST : first instanceof Double ? T_DOUBLE_LIST : T_BOOL_LIST;
            out.writeByte(type);
            out.writeVarInt(list.size());
            for (Object element : list) {
                switch (type) {
                    case T_STRING_LIST -> out.writeString((String) element);
                    case T_LONG_LIST -> out.writeZigZagLong((Long) element);
                    case T_DOUBLE_LIST -> out.writeDouble((Double) element);
                    default -> out.writeByte((Boolean) element ? 1 : 0);
                }
            }
        } else {
            throw new IllegalArgumentException(
                    "unsupported metadata value type " + v.getClass().getName());
        }
    }

    private static void writeSparse(ByteSink out, Map<String, SparseValues> sparse) {
        out.writeVarInt(sparse.size());
        for (Map.Entry<String, SparseValues> e : sparse.entrySet()) {
            out.writeString(e.getKey());
            SparseValues sv = e.getValue();
            if (sv == null) {
                out.writeByte(0);
                continue;
            }
            out.writeByte(1);
            out.writeVarInt(sv.size());
            int previous = 0;
            for (int index : sv.indices()) {
                out.writeZigZagLong((long) index - previous);
                previous = index;
            }
            for (float f : sv.values()) {
                out.writeFloat(f);
            }
        }
    }

    private static LogOperation readOperation(ByteSource in) {
        int tag = in.readByte();
        String id = in.readString();
        return switch (tag) {
            case ADD -> new LogOperation.Add(id, readChange(in));
            case UPSERT -> new LogOperation.Upsert(id, readChange(in));
            case UPDATE -> new LogOperation.Update(id, readChange(in));
            case DELETE -> new LogOperation.Delete(id);
            default ->
                throw new LogFormatException(
                        "unknown log operation tag " + tag + " at position " + (in.position() - 1));
        };
    }

    private static RecordChange readChange(ByteSource in) {
        int flags = in.readByte();
        if ((flags & ~0x1F) != 0) {
            throw new LogFormatException("unknown record change flags " + Integer.toBinaryString(flags));
        }
        float[] embedding = null;
        if ((flags & HAS_EMBEDDING) != 0) {
            embedding = new float[in.readLength(4)];
            in.readFloats(embedding);
        }
        String document = (flags & HAS_DOCUMENT) != 0 ? in.readString() : null;
        Map<String, Object> metadata = null;
        if ((flags & HAS_METADATA) != 0) {
            int n = in.readLength(2);
            metadata = new LinkedHashMap<>(Math.max(4, n * 2));
            for (int i = 0; i < n; i++) {
                String key = in.readString();
                metadata.put(key, readValue(in));
            }
        }
        String uri = (flags & HAS_URI) != 0 ? in.readString() : null;
        Map<String, SparseValues> sparse = (flags & HAS_SPARSE) != 0 ? readSparse(in) : null;
        return new RecordChange(embedding, document, metadata, uri, sparse);
    }

    private static Object readValue(ByteSource in) {
        int type = in.readByte();
        return switch (type) {
            case T_NULL -> null;
            case T_STRING -> in.readString();
            case T_LONG -> in.readZigZagLong();
            case T_DOUBLE -> in.readDouble();
            case T_FALSE -> false;
            case T_TRUE -> true;
            case T_STRING_LIST, T_LONG_LIST, T_DOUBLE_LIST, T_BOOL_LIST -> {
                int n = in.readLength(1);
                List<Object> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(
                            switch (type) {
                                case T_STRING_LIST -> in.readString();
                                case T_LONG_LIST -> in.readZigZagLong();
                                case T_DOUBLE_LIST -> in.readDouble();
                                default -> in.readByte() != 0;
                            });
                }
                yield list;
            }
            default ->
                throw new LogFormatException(
                        "unknown metadata value type " + type + " at position " + (in.position() - 1));
        };
    }

    private static Map<String, SparseValues> readSparse(ByteSource in) {
        int n = in.readLength(2);
        Map<String, SparseValues> sparse = new LinkedHashMap<>(Math.max(4, n * 2));
        for (int i = 0; i < n; i++) {
            String key = in.readString();
            if (in.readByte() == 0) {
                sparse.put(key, null);
                continue;
            }
            int nnz = in.readLength(5);
            int[] indices = new int[nnz];
            float[] values = new float[nnz];
            long previous = 0;
            for (int j = 0; j < nnz; j++) {
                previous += in.readZigZagLong();
                indices[j] = (int) previous;
            }
            for (int j = 0; j < nnz; j++) {
                values[j] = in.readFloat();
            }
            sparse.put(key, new SparseValues(indices, values));
        }
        return Collections.unmodifiableMap(sparse);
    }
}
