package dev.chromaj.segment;

import dev.chromaj.index.vector.DistanceSpace;
import dev.chromaj.index.vector.HnswConfig;
import dev.chromaj.index.vector.HnswGraphSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.roaringbitmap.RoaringBitmap;

/**
 * Byte forms of the persisted HNSW graph (see {@link HnswSegment}).
 *
 * <p><b>Node</b> ({@code vector.graph} value): format byte, varint offset, varint level count, then per level a
 * varint neighbour count and the neighbour ordinals as varints, in the graph's order (the order decides which
 * neighbour a search visits first, so a reloaded graph answers exactly like the one that was written).
 *
 * <p><b>Header</b> ({@code vector.header} value): format, dimension, space, M, efConstruction, seed, node count,
 * live count, entry ordinal, max level, the deleted ordinals as a serialized RoaringBitmap, and a CRC32 of all
 * preceding bytes. Stateless and thread-safe.
 */
final class HnswGraphCodec {

    static final byte NODE_FORMAT = 1;
    static final int HEADER_FORMAT = 1;

    private HnswGraphCodec() {}

    /** A decoded node entry: the offset the node holds (or held) and its neighbour ordinals per level. */
    record NodeLinks(int offset, int[][] neighbours) {}

    /**
     * The graph-wide state of one persisted version.
     *
     * @param dimension  vector dimension
     * @param space      distance space of the stored vectors
     * @param config     graph parameters (efSearch is not persisted: it is the collection's and may change)
     * @param nodeCount  number of nodes (ordinals {@code 0 .. nodeCount - 1})
     * @param liveCount  nodes that are not deleted
     * @param entryPoint entry ordinal or -1
     * @param maxLevel   level of the entry node or -1
     * @param deleted    ordinals of deleted nodes
     */
    record Header(
            int dimension,
            DistanceSpace space,
            HnswConfig config,
            int nodeCount,
            int liveCount,
            int entryPoint,
            int maxLevel,
            RoaringBitmap deleted) {}

    static byte[] encodeNode(int offset, int[][] neighbours) {
        int size = 1 + 5 + 5;
        for (int[] level : neighbours) {
            size += 5 + 5 * level.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(NODE_FORMAT);
        putVarint(out, offset);
        putVarint(out, neighbours.length);
        for (int[] level : neighbours) {
            putVarint(out, level.length);
            for (int id : level) {
                putVarint(out, id);
            }
        }
        byte[] bytes = new byte[out.position()];
        out.flip().get(bytes);
        return bytes;
    }

    /**
     * Decodes a node entry.
     *
     * @throws IllegalStateException naming {@code what} when the bytes are malformed
     */
    static NodeLinks decodeNode(byte[] bytes, String what) {
        return decodeNode(bytes, what, -1);
    }

    /**
     * Decodes the entry of node {@code node} ({@code -1}: unnamed) of the graph {@code what}; the message of a
     * malformed entry names both (built only then: a load decodes every node).
     *
     * @throws IllegalStateException when the bytes are malformed
     */
    static NodeLinks decodeNode(byte[] bytes, String what, long node) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            byte format = in.get();
            if (format != NODE_FORMAT) {
                throw new IllegalStateException(label(what, node) + ": unsupported HNSW node format " + format
                        + " (expected " + NODE_FORMAT + ")");
            }
            int offset = getVarint(in);
            int levels = getVarint(in);
            if (levels < 1 || levels > 64) {
                throw new IllegalStateException(label(what, node) + ": HNSW node has " + levels + " levels");
            }
            int[][] neighbours = new int[levels][];
            for (int l = 0; l < levels; l++) {
                int count = getVarint(in);
                if (count < 0 || count > in.remaining()) {
                    throw new IllegalStateException(
                            label(what, node) + ": HNSW node level " + l + " claims " + count + " links");
                }
                int[] ids = new int[count];
                for (int i = 0; i < count; i++) {
                    ids[i] = getVarint(in);
                }
                neighbours[l] = ids;
            }
            if (in.hasRemaining()) {
                throw new IllegalStateException(
                        label(what, node) + ": " + in.remaining() + " trailing bytes in HNSW node");
            }
            return new NodeLinks(offset, neighbours);
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalStateException(label(what, node) + ": truncated HNSW node", e);
        }
    }

    /**
     * Decodes the entry of node {@code node} held in {@code bytes[0 .. length - 1]} onto the end of {@code out}, with
     * the checks of {@link #decodeNode(byte[], String, long)} and without allocating: a load decodes a million nodes.
     *
     * @throws IllegalStateException when the bytes are malformed, naming {@code what} and the node
     */
    static void decodeNodeInto(byte[] bytes, int length, String what, long node, FlatLinks out) {
        if (length < 1) {
            throw new IllegalStateException(label(what, node) + ": truncated HNSW node");
        }
        if (bytes[0] != NODE_FORMAT) {
            throw new IllegalStateException(label(what, node) + ": unsupported HNSW node format " + bytes[0]
                    + " (expected " + NODE_FORMAT + ")");
        }
        out.cursor = 1;
        int offset = varint(bytes, length, what, node, out);
        int levels = varint(bytes, length, what, node, out);
        if (levels < 1 || levels > 64) {
            throw new IllegalStateException(label(what, node) + ": HNSW node has " + levels + " levels");
        }
        out.startNode(offset, levels);
        for (int l = 0; l < levels; l++) {
            int count = varint(bytes, length, what, node, out);
            if (count < 0 || count > length - out.cursor) {
                throw new IllegalStateException(
                        label(what, node) + ": HNSW node level " + l + " claims " + count + " links");
            }
            out.startList(count);
            for (int i = 0; i < count; i++) {
                out.links[out.used++] = varint(bytes, length, what, node, out);
            }
        }
        if (out.cursor < length) {
            throw new IllegalStateException(
                    label(what, node) + ": " + (length - out.cursor) + " trailing bytes in HNSW node");
        }
        out.endNode();
    }

    private static int varint(byte[] bytes, int length, String what, long node, FlatLinks out) {
        int value = 0;
        int p = out.cursor;
        for (int shift = 0; shift < 35; shift += 7) {
            if (p >= length) {
                throw new IllegalStateException(label(what, node) + ": truncated HNSW node");
            }
            byte b = bytes[p++];
            value |= (b & 0x7F) << shift;
            if (b >= 0) {
                out.cursor = p;
                return value;
            }
        }
        throw new IllegalStateException(label(what, node) + ": varint longer than 5 bytes");
    }

    /**
     * The nodes of one block decoded into flat arrays by {@link #decodeNodeInto}: the layout of
     * {@link HnswGraphSnapshot.LinkBlock}. Grows as needed; one per block decode.
     */
    static final class FlatLinks {
        int[] offsets;
        int[] levelStart;
        int[] listStart;
        int[] links;
        int nodes;
        int lists;
        int used;
        /** Read position in the entry being decoded. */
        int cursor;

        FlatLinks(int expectedNodes, int linksPerNode) {
            offsets = new int[Math.max(1, expectedNodes)];
            levelStart = new int[offsets.length + 1];
            listStart = new int[offsets.length + 1];
            links = new int[Math.max(1, expectedNodes * linksPerNode)];
        }

        void startNode(int offset, int levels) {
            if (nodes == offsets.length) {
                offsets = Arrays.copyOf(offsets, 2 * nodes);
                levelStart = Arrays.copyOf(levelStart, 2 * nodes + 1);
            }
            if (lists + levels + 1 > listStart.length) {
                listStart = Arrays.copyOf(listStart, Math.max(2 * listStart.length, lists + levels + 1));
            }
            offsets[nodes] = offset;
            levelStart[nodes] = lists;
        }

        void startList(int count) {
            if (used + count > links.length) {
                links = Arrays.copyOf(links, Math.max(2 * links.length, used + count));
            }
            listStart[lists++] = used;
        }

        void endNode() {
            nodes++;
            levelStart[nodes] = lists;
        }

        /** The decoded nodes as a block whose first node is {@code first} (arrays trimmed). */
        HnswGraphSnapshot.LinkBlock build(int first) {
            int[] starts = Arrays.copyOf(listStart, lists + 1);
            starts[lists] = used;
            return new HnswGraphSnapshot.LinkBlock(
                    first,
                    Arrays.copyOf(offsets, nodes),
                    Arrays.copyOf(levelStart, nodes + 1),
                    starts,
                    Arrays.copyOf(links, used));
        }
    }

    private static String label(String what, long node) {
        return node < 0 ? what : what + " node " + node;
    }

    static byte[] encodeHeader(Header h) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(HEADER_FORMAT);
            out.writeInt(h.dimension());
            out.writeByte(h.space().code());
            out.writeInt(h.config().m());
            out.writeInt(h.config().efConstruction());
            out.writeLong(h.config().seed());
            out.writeInt(h.nodeCount());
            out.writeInt(h.liveCount());
            out.writeInt(h.entryPoint());
            out.writeInt(h.maxLevel());
            RoaringBitmap deleted = h.deleted().clone();
            deleted.runOptimize();
            out.writeInt(deleted.serializedSizeInBytes());
            deleted.serialize(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] body = bytes.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(body);
        return ByteBuffer.allocate(body.length + 8)
                .put(body)
                .putLong(crc.getValue())
                .array();
    }

    /**
     * Decodes a header.
     *
     * @throws IllegalStateException naming {@code what} when the bytes are corrupt or of an unknown format
     */
    static Header decodeHeader(byte[] bytes, String what) {
        if (bytes.length < 8) {
            throw new IllegalStateException(what + ": truncated HNSW header (" + bytes.length + " bytes)");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 8);
        if (crc.getValue() != ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong()) {
            throw new IllegalStateException(what + ": HNSW header checksum mismatch");
        }
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes, 0, bytes.length - 8))) {
            int format = in.readInt();
            if (format != HEADER_FORMAT) {
                throw new IllegalStateException(
                        what + ": unsupported HNSW header format " + format + " (expected " + HEADER_FORMAT + ")");
            }
            int dimension = in.readInt();
            int spaceCode = in.readUnsignedByte();
            DistanceSpace space = DistanceSpace.ofCode(spaceCode)
                    .orElseThrow(() -> new IllegalStateException(what + ": unknown distance space " + spaceCode));
            int m = in.readInt();
            int efConstruction = in.readInt();
            long seed = in.readLong();
            HnswConfig config = new HnswConfig(m, efConstruction, HnswConfig.DEFAULT_EF_SEARCH, seed);
            int nodeCount = in.readInt();
            int liveCount = in.readInt();
            int entryPoint = in.readInt();
            int maxLevel = in.readInt();
            int bitmapBytes = in.readInt();
            RoaringBitmap deleted = new RoaringBitmap();
            deleted.deserialize(in);
            if (bitmapBytes != deleted.serializedSizeInBytes() || in.available() != 0) {
                throw new IllegalStateException(what + ": HNSW header has a malformed deleted set");
            }
            if (nodeCount - deleted.getCardinality() != liveCount) {
                throw new IllegalStateException(what + ": HNSW header counts " + liveCount + " live of " + nodeCount
                        + " nodes but " + deleted.getCardinality() + " deleted");
            }
            return new Header(dimension, space, config, nodeCount, liveCount, entryPoint, maxLevel, deleted);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException(what + ": malformed HNSW header: " + e.getMessage(), e);
        }
    }

    private static void putVarint(ByteBuffer out, int value) {
        int v = value;
        while ((v & ~0x7F) != 0) {
            out.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.put((byte) v);
    }

    private static int getVarint(ByteBuffer in) {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            byte b = in.get();
            value |= (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new IllegalStateException("varint longer than 5 bytes");
    }
}
