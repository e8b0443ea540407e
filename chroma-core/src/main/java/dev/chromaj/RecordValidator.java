package dev.chromaj;

import dev.chromaj.index.vector.VectorKernels;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validation of writes and names, with Chroma's rules and (where Chroma has one) Chroma's wording. Every method
 * checks its whole input before returning, so a rejected call changes nothing. Stateless and thread-safe.
 */
final class RecordValidator {

    /** The write a batch of records is validated for. */
    enum Operation {
        /** Insert; existing ids are skipped by the engine. Null metadata values are dropped. */
        ADD,
        /** Insert or merge. Null metadata values delete keys. */
        UPSERT,
        /** Merge into existing records. Null metadata values delete keys. */
        UPDATE
    }

    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._-]{1,510}[a-zA-Z0-9]");

    private RecordValidator() {}

    /**
     * Validates a batch and returns its normalized form: metadata values normalized ({@code Integer} to
     * {@code Long}, {@code Float} to {@code Double}, lists copied), and for {@link Operation#ADD} null metadata
     * values dropped.
     *
     * @param operation the write
     * @param records the batch, non-empty
     * @param expectedDimension the collection's dimension, empty before its first embedding
     * @param sparseIndexes the collection's sparse keys
     * @return the normalized records, in input order
     * @throws InvalidArgumentException naming the record and the rule on the first violation
     */
    static List<ChromaRecord> validate(
            Operation operation,
            List<ChromaRecord> records,
            OptionalInt expectedDimension,
            Map<String, SparseIndex> sparseIndexes) {
        if (records == null || records.isEmpty()) {
            throw new InvalidArgumentException(
                    "Expected IDs to be a non-empty list, got " + (records == null ? "null" : "0 IDs"));
        }
        List<String> ids = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            ChromaRecord record = records.get(i);
            if (record == null) {
                throw new InvalidArgumentException("Expected a record at position " + i + ", got null");
            }
            WellFormedText.check("ID at position " + i, record.id());
            ids.add(record.id());
        }
        checkUnique(ids);
        int dimension = expectedDimension.orElse(-1);
        List<ChromaRecord> out = new ArrayList<>(records.size());
        for (ChromaRecord record : records) {
            String id = "ID '" + record.id() + "'";
            WellFormedText.check("document of " + id, record.document());
            WellFormedText.check("uri of " + id, record.uri());
            float[] embedding = record.embeddingView();
            if (embedding != null) {
                checkEmbeddingValues(embedding, "for ", id);
                if (dimension < 0) {
                    dimension = embedding.length;
                } else if (embedding.length != dimension) {
                    throw new InvalidArgumentException("Collection expecting embedding with dimension of " + dimension
                            + ", got " + embedding.length);
                }
            }
            for (String key : record.sparse().keySet()) {
                WellFormedText.check("sparse key of " + id, key);
                SparseIndex index = sparseIndexes.get(key);
                if (index == null) {
                    throw new InvalidArgumentException("Sparse key '" + key + "' of ID '" + record.id()
                            + "' is not declared in the collection's sparse indexes " + sparseIndexes.keySet());
                }
                if (index.isBm25()) {
                    throw new InvalidArgumentException("Sparse key '" + key + "' of ID '" + record.id()
                            + "' is a BM25 index: its vectors are computed from the document and cannot be supplied");
                }
            }
            out.add(normalizeMetadata(operation, record));
        }
        return Collections.unmodifiableList(out);
    }

    private static ChromaRecord normalizeMetadata(Operation operation, ChromaRecord record) {
        Map<String, Object> metadata = record.metadata();
        if (metadata == null) {
            return record;
        }
        Map<String, Object> normalized;
        try {
            normalized = MetadataValues.normalize(
                    metadata,
                    operation == Operation.ADD ? MetadataValues.NullValues.DROP : MetadataValues.NullValues.KEEP);
        } catch (InvalidArgumentException e) {
            throw new InvalidArgumentException(e.getMessage() + " (ID '" + record.id() + "')", e);
        }
        // Map and list equality compare boxed types (1 is not 1L), so equal means already normalized.
        return normalized.equals(metadata)
                ? record
                : record.toBuilder().metadata(normalized).build();
    }

    /**
     * The dimension of the first embedding in a validated batch.
     *
     * @param records a batch that passed {@link #validate}
     * @return the dimension, or empty when no record has an embedding
     */
    static OptionalInt batchDimension(List<ChromaRecord> records) {
        for (ChromaRecord record : records) {
            float[] embedding = record.embeddingView();
            if (embedding != null) {
                return OptionalInt.of(embedding.length);
            }
        }
        return OptionalInt.empty();
    }

    /**
     * Checks that an embedding is non-empty and finite.
     *
     * @param embedding the values
     * @param context where it comes from, e.g. {@code "for ID 'a'"}, for the message
     * @throws InvalidArgumentException if it is empty or holds NaN or an infinity
     */
    static void checkEmbeddingValues(float[] embedding, String context) {
        checkEmbeddingValues(embedding, context, "");
    }

    /**
     * As {@link #checkEmbeddingValues(float[], String)} with the context {@code context + subject}, built only for
     * the error: the checks run once per record and per query, where building the text every time showed up in
     * profiles.
     */
    static void checkEmbeddingValues(float[] embedding, String context, Object subject) {
        if (embedding.length == 0) {
            throw new InvalidArgumentException("Expected embedding " + context + subject
                    + " to be a 1-dimensional array with at least 1 value, got an empty array");
        }
        if (!allFinite(embedding)) {
            for (int i = 0; i < embedding.length; i++) {
                if (!Float.isFinite(embedding[i])) {
                    throw new InvalidArgumentException("Expected embedding values " + context + subject
                            + " to be finite, got " + embedding[i] + " at position " + i);
                }
            }
        }
    }

    /**
     * Whether every value is finite, with the vector kernels: the sum of squares is NaN or infinite when any value is
     * (squares cannot cancel), and finite otherwise unless huge values overflow it, which the exact check below then
     * settles. On JDK 25 this took a query of 384 dimensions from 6% of its time in the check to the kernel's cost.
     */
    static boolean allFinite(float[] values) {
        if (Float.isFinite(VectorKernels.dot(values, values))) {
            return true;
        }
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks a list of ids given to get, query or delete: no null or empty id, no duplicate.
     *
     * @param ids the ids, not null
     * @return an unmodifiable copy
     * @throws InvalidArgumentException on the first violation
     */
    static List<String> checkIds(List<String> ids) {
        if (ids == null) {
            throw new InvalidArgumentException("Expected IDs to be a list, got null");
        }
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            if (id == null || id.isEmpty()) {
                throw new InvalidArgumentException("Expected ID to be a non-empty string, got "
                        + (id == null ? "null" : "''") + " at position " + i);
            }
            WellFormedText.check("ID at position " + i, id);
        }
        checkUnique(ids);
        return List.copyOf(ids);
    }

    /**
     * Rejects duplicate ids with Chroma's message: all of them when fewer than 10, else a count and the first and
     * last five.
     *
     * @param ids the ids
     * @throws InvalidArgumentException if an id occurs twice
     */
    static void checkUnique(List<String> ids) {
        Set<String> seen = new HashSet<>(ids.size() * 2);
        Set<String> duplicates = new LinkedHashSet<>();
        for (String id : ids) {
            if (!seen.add(id)) {
                duplicates.add(id);
            }
        }
        if (duplicates.isEmpty()) {
            return;
        }
        List<String> dups = new ArrayList<>(duplicates);
        if (dups.size() < 10) {
            throw new InvalidArgumentException(
                    "Expected IDs to be unique, found duplicates of: " + String.join(", ", dups));
        }
        throw new InvalidArgumentException("Expected IDs to be unique, found " + dups.size() + " duplicated IDs: "
                + String.join(", ", dups.subList(0, 5)) + ", ..., "
                + String.join(", ", dups.subList(dups.size() - 5, dups.size())));
    }

    /**
     * Builds records from Chroma's column-wise form.
     *
     * @param ids the ids
     * @param embeddings embeddings, or null; a null element means none for that record
     * @param metadatas metadata, or null; a null element means none
     * @param documents documents, or null; a null element means none
     * @param uris URIs, or null; a null element means none
     * @return one record per id
     * @throws InvalidArgumentException if the lists differ in length or an id is invalid
     */
    static List<ChromaRecord> fromColumns(
            List<String> ids,
            List<float[]> embeddings,
            List<? extends Map<String, ?>> metadatas,
            List<String> documents,
            List<String> uris) {
        if (ids == null) {
            throw new InvalidArgumentException("Expected IDs to be a list, got null");
        }
        Map<String, Integer> lengths = new LinkedHashMap<>();
        lengths.put("ids", ids.size());
        putLength(lengths, "embeddings", embeddings);
        putLength(lengths, "metadatas", metadatas);
        putLength(lengths, "documents", documents);
        putLength(lengths, "uris", uris);
        if (new HashSet<>(lengths.values()).size() > 1) {
            StringBuilder sb = new StringBuilder("Unequal lengths for fields: ");
            lengths.forEach((name, length) ->
                    sb.append(name).append(": ").append(length).append(", "));
            sb.setLength(sb.length() - 2);
            throw new InvalidArgumentException(sb.toString());
        }
        List<ChromaRecord> records = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            ChromaRecord.Builder b = ChromaRecord.builder(ids.get(i));
            if (embeddings != null) {
                b.embedding(embeddings.get(i));
            }
            if (metadatas != null) {
                b.metadata(metadatas.get(i));
            }
            if (documents != null) {
                b.document(documents.get(i));
            }
            if (uris != null) {
                b.uri(uris.get(i));
            }
            records.add(b.build());
        }
        return records;
    }

    private static void putLength(Map<String, Integer> lengths, String name, List<?> list) {
        if (list != null) {
            lengths.put(name, list.size());
        }
    }

    /**
     * Validates and normalizes a collection's metadata (on create or modify). Null values are rejected.
     *
     * @param metadata the metadata
     * @return the normalized metadata
     * @throws InvalidArgumentException naming the offending key
     */
    static Map<String, Object> checkCollectionMetadata(Map<String, ?> metadata) {
        return MetadataValues.normalize(metadata, MetadataValues.NullValues.REJECT);
    }

    /**
     * Checks a collection name with Chroma's rules: 3–512 characters of {@code [a-zA-Z0-9._-]}, starting and
     * ending alphanumeric, no {@code ..}, not an IPv4 address.
     *
     * @param name the name
     * @return the name
     * @throws InvalidArgumentException with Chroma's message
     */
    static String checkCollectionName(String name) {
        return checkName(name);
    }

    /**
     * Checks a tenant name; the collection name rules apply (so it is safe as a path segment).
     *
     * @param name the name
     * @return the name
     * @throws InvalidArgumentException naming the rule
     */
    static String checkTenantName(String name) {
        return checkName(name);
    }

    /**
     * Checks a database name; the collection name rules apply (so it is safe as a path segment).
     *
     * @param name the name
     * @return the name
     * @throws InvalidArgumentException naming the rule
     */
    static String checkDatabaseName(String name) {
        return checkName(name);
    }

    private static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidArgumentException("Expected a name containing 3-512 characters from [a-zA-Z0-9._-],"
                    + " starting and ending with a character in [a-zA-Z0-9]. Got: " + name);
        }
        if (name.contains("..")) {
            throw new InvalidArgumentException(
                    "Expected a name that does not contains two consecutive periods (..). Got " + name);
        }
        if (isIpv4Address(name)) {
            throw new InvalidArgumentException("Expected a name that is not a valid ip address. Got " + name);
        }
        return name;
    }

    private static boolean isIpv4Address(String name) {
        String[] parts = name.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
                return false;
            }
            for (int i = 0; i < part.length(); i++) {
                if (part.charAt(i) < '0' || part.charAt(i) > '9') {
                    return false;
                }
            }
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }
}
