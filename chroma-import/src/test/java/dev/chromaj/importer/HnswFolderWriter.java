package dev.chromaj.importer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes a persisted-hnswlib segment folder the way Chroma's hnswlib fork lays it out ({@code header.bin},
 * {@code data_level0.bin}, {@code length.bin}, {@code link_lists.bin}) plus an {@code index_metadata.pickle} in
 * the shape CPython's protocol 2 gives Chroma 0.4–0.6's {@code PersistentData} (GLOBAL, NEWOBJ, BUILD). Links are
 * left empty: the importer reads only vectors, labels and the deleted mark.
 */
final class HnswFolderWriter {

    /** One slot: its label, its stored floats, its norm in length.bin, whether it is marked deleted. */
    record Slot(long label, float[] stored, float norm, boolean deleted) {}

    private HnswFolderWriter() {}

    static void write(Path folder, int dimension, int capacity, List<Slot> slots) throws IOException {
        Files.createDirectories(folder);
        int m = 16;
        int maxM0 = 2 * m;
        long offsetData = 4 + 4L * maxM0;
        long labelOffset = offsetData + 4L * dimension;
        long size = labelOffset + 8;
        ByteBuffer h = ByteBuffer.allocate(100).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(1)
                .putLong(0)
                .putLong(capacity)
                .putLong(slots.size())
                .putLong(size)
                .putLong(labelOffset)
                .putLong(offsetData)
                .putInt(0)
                .putInt(0)
                .putLong(m)
                .putLong(maxM0)
                .putLong(m)
                .putDouble(1 / Math.log(m))
                .putLong(100);
        Files.write(folder.resolve("header.bin"), h.array());
        ByteBuffer data = ByteBuffer.allocate((int) (size * capacity)).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer lengths = ByteBuffer.allocate(4 * capacity).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < slots.size(); i++) {
            Slot s = slots.get(i);
            int base = (int) (i * size);
            data.put(base + 2, (byte) (s.deleted() ? 1 : 0));
            for (int d = 0; d < dimension; d++) {
                data.putFloat((int) (base + offsetData + 4L * d), s.stored()[d]);
            }
            data.putLong((int) (base + labelOffset), s.label());
            lengths.putFloat(4 * i, s.norm());
        }
        Files.write(folder.resolve("data_level0.bin"), data.array());
        Files.write(folder.resolve("length.bin"), lengths.array());
        Files.write(folder.resolve("link_lists.bin"), new byte[0]);
    }

    /** A CPython-protocol-2-shaped pickle of PersistentData with the legacy max_seq_id field. */
    static void writePythonPickle(Path file, int dimension, Map<String, Long> idToLabel, long maxSeqId)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x80, 2, 'c'});
        out.write("chromadb.segment.impl.vector.local_persistent_hnsw\nPersistentData\n"
                .getBytes(StandardCharsets.UTF_8));
        out.write(new byte[] {')', (byte) 0x81, '}', '('});
        string(out, "dimensionality");
        integer(out, dimension);
        string(out, "total_elements_added");
        integer(out, idToLabel.size());
        string(out, "max_seq_id");
        integer(out, maxSeqId);
        string(out, "id_to_label");
        out.write(new byte[] {'}', '('});
        for (Map.Entry<String, Long> e : idToLabel.entrySet()) {
            string(out, e.getKey());
            integer(out, e.getValue());
        }
        out.write('u');
        string(out, "label_to_id");
        out.write(new byte[] {'}', '('});
        for (Map.Entry<String, Long> e : idToLabel.entrySet()) {
            integer(out, e.getValue());
            string(out, e.getKey());
        }
        out.write('u');
        string(out, "id_to_seq_id");
        out.write('}');
        out.write(new byte[] {'u', 'b', '.'});
        Files.write(file, out.toByteArray());
    }

    private static void string(ByteArrayOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write('X');
        out.write(ByteBuffer.allocate(4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(b.length)
                .array());
        out.write(b);
    }

    private static void integer(ByteArrayOutputStream out, long v) throws IOException {
        out.write('J');
        out.write(ByteBuffer.allocate(4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt((int) v)
                .array());
    }
}
