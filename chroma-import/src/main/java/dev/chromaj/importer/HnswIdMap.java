package dev.chromaj.importer;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The contents of a vector segment's {@code index_metadata.pickle}: which record id sits under which HNSW label.
 * Chroma 0.4–0.6 (Python) pickles a {@code PersistentData} object; Chroma 1.x (Rust) writes the same fields as a
 * plain dictionary. Both carry {@code dimensionality}, {@code total_elements_added}, {@code id_to_label},
 * {@code label_to_id} and {@code id_to_seq_id}; pickles of Chroma 0.4–0.5.5 also carry the segment's
 * {@code max_seq_id}, which later versions keep in the {@code max_seq_id} table.
 *
 * @param dimensionality the vectors' dimension, or {@code null} when not recorded (Chroma 1.x)
 * @param totalElementsAdded how many labels were ever handed out
 * @param legacyMaxSeqId the pickled {@code max_seq_id}, or {@code null}
 * @param idToLabel record id to HNSW label of every live vector: the ids Chroma's {@code get} reads from the index
 */
record HnswIdMap(Long dimensionality, long totalElementsAdded, Long legacyMaxSeqId, Map<String, Long> idToLabel) {

    /** Name of the file whose presence tells Chroma that the HNSW files were flushed. */
    static final String FILE_NAME = "index_metadata.pickle";

    /**
     * Reads and checks a segment folder's pickle.
     *
     * @param file the {@code index_metadata.pickle} file
     * @return the id map
     * @throws ChromaImportException if the file cannot be read or does not hold the expected fields
     */
    static HnswIdMap read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ChromaImportException("Cannot read " + file + ": " + e, e);
        }
        return from(Pickle.read(bytes, file.toString()), file.toString());
    }

    /**
     * Interprets an unpickled value.
     *
     * @param root the value read by {@link Pickle#read}
     * @param source the file, for messages
     * @return the id map
     * @throws ChromaImportException if the value does not hold the expected fields
     */
    static HnswIdMap from(Object root, String source) {
        Map<?, ?> fields;
        if (root instanceof Map<?, ?> map) {
            fields = map;
        } else if (root instanceof Pickle.Instance instance
                && instance.name.equals("PersistentData")
                && instance.state instanceof Map<?, ?> state) {
            fields = state;
        } else {
            throw new ChromaImportException(source + " holds a " + Pickle.describe(root)
                    + ", expected Chroma's PersistentData object or dictionary");
        }
        Long dimensionality = optionalLong(fields, "dimensionality", source);
        Long total = optionalLong(fields, "total_elements_added", source);
        Long maxSeqId = optionalLong(fields, "max_seq_id", source);
        Object rawIdToLabel = fields.get("id_to_label");
        if (!(rawIdToLabel instanceof Map<?, ?> rawMap)) {
            throw new ChromaImportException(
                    source + " has no id_to_label dictionary (found " + Pickle.describe(rawIdToLabel) + ")");
        }
        Map<String, Long> idToLabel = new HashMap<>(rawMap.size() * 2);
        Set<Long> labels = new HashSet<>(rawMap.size() * 2);
        for (Map.Entry<?, ?> e : rawMap.entrySet()) {
            if (!(e.getKey() instanceof String id) || !(e.getValue() instanceof Long label) || label < 0) {
                throw new ChromaImportException(source + " maps " + Pickle.describe(e.getKey()) + " "
                        + e.getKey() + " to " + Pickle.describe(e.getValue()) + " " + e.getValue()
                        + " in id_to_label; expected a string id and a non-negative integer label");
            }
            if (!labels.add(label)) {
                throw new ChromaImportException(
                        source + " gives HNSW label " + label + " to more than one id in id_to_label");
            }
            idToLabel.put(id, label);
        }
        return new HnswIdMap(dimensionality, total == null ? idToLabel.size() : total, maxSeqId, idToLabel);
    }

    private static Long optionalLong(Map<?, ?> fields, String key, String source) {
        Object value = fields.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof Long l) {
            return l;
        }
        if (value instanceof BigInteger big) {
            throw new ChromaImportException(source + " has " + key + " = " + big + ", beyond 64 bits");
        }
        throw new ChromaImportException(
                source + " has " + key + " of type " + Pickle.describe(value) + ", expected an integer");
    }
}
