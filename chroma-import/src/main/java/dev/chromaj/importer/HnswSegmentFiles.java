package dev.chromaj.importer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Read-only access to the persisted hnswlib files of one Chroma vector segment folder: {@code header.bin} (the
 * index parameters), {@code data_level0.bin} (one fixed-size slot per element: level-0 links, the vector, the
 * label) and, for the cosine space, {@code length.bin} (the norm each vector had before hnswlib normalised it).
 * Files are opened for reading only and closed by {@link #close()}.
 *
 * <p>Not thread-safe.
 */
final class HnswSegmentFiles implements AutoCloseable {

    static final String HEADER = "header.bin";
    static final String DATA = "data_level0.bin";
    static final String LENGTH = "length.bin";
    private static final int HEADER_BYTES = 100;
    private static final int LABEL_BYTES = 8;
    /** Bit 0 of byte 2 of a slot's link-count word marks an element deleted (hnswlib's DELETE_MARK). */
    private static final int DELETED_BYTE = 2;

    /** The fields of {@code header.bin}, little-endian, in file order. */
    record Header(
            int version,
            long offsetLevel0,
            long maxElements,
            long elementCount,
            long bytesPerElement,
            long labelOffset,
            long offsetData,
            int maxLevel,
            long entryPoint,
            long maxM,
            long maxM0,
            long m,
            double mult,
            long efConstruction) {

        /** The vector dimension implied by the slot layout. */
        int dimension() {
            return (int) ((labelOffset - offsetData) / Float.BYTES);
        }
    }

    private final Path folder;
    private final Header header;
    private final FileChannel data;
    private final FileChannel lengths;
    private final boolean applyLengths;
    /** Slot of each label, indexed by label; -1 where no live element has that label. */
    private int[] slotByLabel;

    private HnswSegmentFiles(Path folder, Header header, FileChannel data, FileChannel lengths, boolean applyLengths) {
        this.folder = folder;
        this.header = header;
        this.data = data;
        this.lengths = lengths;
        this.applyLengths = applyLengths;
    }

    /**
     * Opens a segment folder and checks its header against the collection.
     *
     * @param folder the {@code <persist>/<vector segment id>} folder
     * @param dimension the collection's dimension
     * @param cosine whether the index space is cosine: only then are vectors multiplied back by their stored norm
     * @return the open files
     * @throws ChromaImportException if a file is missing, truncated, or inconsistent with the collection
     */
    static HnswSegmentFiles open(Path folder, int dimension, boolean cosine) {
        Header header = readHeader(folder.resolve(HEADER));
        if (header.dimension() != dimension) {
            throw new ChromaImportException(folder.resolve(HEADER) + " describes " + header.dimension()
                    + "-dimensional vectors but the collection's dimension is " + dimension);
        }
        FileChannel data = null;
        FileChannel lengths = null;
        try {
            data = FileChannel.open(folder.resolve(DATA), StandardOpenOption.READ);
            long needed = header.elementCount() * header.bytesPerElement();
            if (data.size() < needed) {
                throw new ChromaImportException(folder.resolve(DATA) + " has " + data.size() + " bytes but "
                        + header.elementCount() + " elements of " + header.bytesPerElement() + " bytes need "
                        + needed);
            }
            if (cosine) {
                Path lengthFile = folder.resolve(LENGTH);
                if (Files.exists(lengthFile)) {
                    lengths = FileChannel.open(lengthFile, StandardOpenOption.READ);
                    if (lengths.size() < header.elementCount() * Float.BYTES) {
                        throw new ChromaImportException(lengthFile + " has " + lengths.size() + " bytes, too few for "
                                + header.elementCount() + " vector norms");
                    }
                }
            }
            return new HnswSegmentFiles(folder, header, data, lengths, cosine && lengths != null);
        } catch (NoSuchFileException e) {
            closeQuietly(data, lengths);
            throw new ChromaImportException(
                    "HNSW segment folder " + folder + " has index_metadata.pickle but no " + e.getFile(), e);
        } catch (IOException e) {
            closeQuietly(data, lengths);
            throw new ChromaImportException("Cannot read HNSW segment folder " + folder + ": " + e, e);
        } catch (RuntimeException e) {
            closeQuietly(data, lengths);
            throw e;
        }
    }

    /**
     * Reads and validates {@code header.bin}.
     *
     * @param file the header file
     * @return its fields
     * @throws ChromaImportException if the file is missing, of the wrong size or inconsistent
     */
    static Header readHeader(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ChromaImportException("Cannot read HNSW header " + file + ": " + e, e);
        }
        if (bytes.length != HEADER_BYTES) {
            throw new ChromaImportException(
                    "HNSW header " + file + " has " + bytes.length + " bytes, expected " + HEADER_BYTES);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        Header h = new Header(
                b.getInt(),
                b.getLong(),
                b.getLong(),
                b.getLong(),
                b.getLong(),
                b.getLong(),
                b.getLong(),
                b.getInt(),
                Integer.toUnsignedLong(b.getInt()),
                b.getLong(),
                b.getLong(),
                b.getLong(),
                b.getDouble(),
                b.getLong());
        String problem = null;
        if (h.version() != 1) {
            problem = "persistence version " + h.version() + " (only version 1 is known)";
        } else if (h.offsetData() != Integer.BYTES + h.maxM0() * Integer.BYTES) {
            problem = "data offset " + h.offsetData() + " for maxM0 " + h.maxM0();
        } else if (h.labelOffset() <= h.offsetData() || (h.labelOffset() - h.offsetData()) % Float.BYTES != 0) {
            problem = "label offset " + h.labelOffset() + " for data offset " + h.offsetData();
        } else if (h.bytesPerElement() != h.labelOffset() + LABEL_BYTES) {
            problem = "element size " + h.bytesPerElement() + " for label offset " + h.labelOffset();
        } else if (h.elementCount() < 0 || h.elementCount() > h.maxElements() || h.elementCount() > Integer.MAX_VALUE) {
            problem = "element count " + h.elementCount() + " for capacity " + h.maxElements();
        }
        if (problem != null) {
            throw new ChromaImportException("HNSW header " + file + " is inconsistent: " + problem);
        }
        return h;
    }

    Header header() {
        return header;
    }

    /**
     * Maps the labels of every live (not deleted) element to its slot, reading the labels in large chunks.
     *
     * @param maxLabel the largest label to keep
     */
    private void indexLabels(long maxLabel) throws IOException {
        int[] slots = new int[(int) Math.min(Integer.MAX_VALUE - 8, maxLabel + 1)];
        Arrays.fill(slots, -1);
        int perChunk = (int) Math.max(1, (4 << 20) / header.bytesPerElement());
        ByteBuffer chunk =
                ByteBuffer.allocate((int) (perChunk * header.bytesPerElement())).order(ByteOrder.LITTLE_ENDIAN);
        long count = header.elementCount();
        for (long first = 0; first < count; first += perChunk) {
            int n = (int) Math.min(perChunk, count - first);
            chunk.clear().limit((int) (n * header.bytesPerElement()));
            readFully(data, chunk, first * header.bytesPerElement());
            for (int i = 0; i < n; i++) {
                int base = (int) (i * header.bytesPerElement());
                boolean deleted = (chunk.get(base + DELETED_BYTE) & 1) != 0;
                long label = chunk.getLong(base + (int) header.labelOffset());
                if (!deleted && label >= 0 && label < slots.length) {
                    slots[(int) label] = (int) (first + i);
                }
            }
        }
        slotByLabel = slots;
    }

    /**
     * The vector stored under a label, as Chroma's {@code get} returns it: the stored floats for l2 and ip; for
     * cosine the stored unit vector multiplied by the norm kept in {@code length.bin}.
     *
     * @param label the label from {@code id_to_label}
     * @param maxLabel the largest label that will be asked for (sizes the label index on first use)
     * @return the vector, or {@code null} if no live element carries the label
     */
    float[] vector(long label, long maxLabel) {
        try {
            if (slotByLabel == null) {
                indexLabels(maxLabel);
            }
            if (label < 0 || label >= slotByLabel.length || slotByLabel[(int) label] < 0) {
                return null;
            }
            int slot = slotByLabel[(int) label];
            int dim = header.dimension();
            ByteBuffer buf = ByteBuffer.allocate(dim * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            readFully(data, buf, slot * header.bytesPerElement() + header.offsetData());
            float[] v = new float[dim];
            buf.asFloatBuffer().get(v);
            if (applyLengths) {
                ByteBuffer len = ByteBuffer.allocate(Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                readFully(lengths, len, (long) slot * Float.BYTES);
                float norm = len.getFloat(0);
                // A zero or non-finite norm means no norm was recorded for the slot: keep the stored vector.
                if (norm != 0f && Float.isFinite(norm)) {
                    for (int i = 0; i < dim; i++) {
                        v[i] = v[i] * norm;
                    }
                }
            }
            return v;
        } catch (IOException e) {
            throw new ChromaImportException("Cannot read HNSW vectors from " + folder.resolve(DATA) + ": " + e, e);
        }
    }

    private void readFully(FileChannel channel, ByteBuffer buf, long position) throws IOException {
        long at = position;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, at);
            if (n < 0) {
                throw new ChromaImportException(folder + ": unexpected end of file at byte " + at);
            }
            at += n;
        }
        buf.flip();
    }

    private static void closeQuietly(FileChannel... channels) {
        for (FileChannel c : channels) {
            if (c != null) {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // Already failing: the original error is the one worth reporting.
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            data.close();
            if (lengths != null) {
                lengths.close();
            }
        } catch (IOException e) {
            throw new ChromaImportException("Cannot close HNSW files in " + folder + ": " + e, e);
        }
    }
}
