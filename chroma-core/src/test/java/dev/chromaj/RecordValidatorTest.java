package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.RecordValidator.Operation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecordValidatorTest {

    private static final Map<String, SparseIndex> SPARSE =
            Map.of("splade", SparseIndex.provided(), "bm25", SparseIndex.bm25());

    private static ChromaRecord rec(String id, float... embedding) {
        return ChromaRecord.builder(id)
                .embedding(embedding.length == 0 ? null : embedding)
                .build();
    }

    private static ChromaRecord withMetadata(String id, Map<String, ?> metadata) {
        return ChromaRecord.builder(id).metadata(metadata).build();
    }

    private static String rejected(Operation op, List<ChromaRecord> records, OptionalInt dimension) {
        return assertThrows(
                        InvalidArgumentException.class, () -> RecordValidator.validate(op, records, dimension, SPARSE))
                .getMessage();
    }

    private static String rejected(List<ChromaRecord> records) {
        return rejected(Operation.ADD, records, OptionalInt.empty());
    }

    @Test
    void validBatchIsReturnedInOrder() {
        List<ChromaRecord> in = List.of(rec("a", 1f, 2f), rec("b", 3f, 4f), rec("c"));
        List<ChromaRecord> out = RecordValidator.validate(Operation.ADD, in, OptionalInt.of(2), SPARSE);
        assertEquals(in, out);
        assertEquals(OptionalInt.of(2), RecordValidator.batchDimension(out));
        assertEquals(OptionalInt.empty(), RecordValidator.batchDimension(List.of(rec("x"))));
    }

    @Test
    void emptyBatchIsRejected() {
        assertEquals("Expected IDs to be a non-empty list, got 0 IDs", rejected(List.of()));
    }

    @Test
    void nullRecordIsRejectedWithItsPosition() {
        assertEquals("Expected a record at position 1, got null", rejected(Arrays.asList(rec("a"), null)));
    }

    @Test
    void duplicateIdsAreRejectedWithChromasMessage() {
        assertEquals(
                "Expected IDs to be unique, found duplicates of: a, b",
                rejected(List.of(rec("a"), rec("b"), rec("a"), rec("b"), rec("c"))));
    }

    @Test
    void manyDuplicateIdsAreSummarized() {
        List<ChromaRecord> records = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            records.add(rec("d" + i));
            records.add(rec("d" + i));
        }
        assertEquals(
                "Expected IDs to be unique, found 12 duplicated IDs: d0, d1, d2, d3, d4, ..., d7, d8, d9, d10,"
                        + " d11",
                rejected(records));
    }

    @Test
    void dimensionMismatchWithTheCollectionIsRejected() {
        assertEquals(
                "Collection expecting embedding with dimension of 3, got 4",
                rejected(Operation.UPSERT, List.of(rec("a", 1f, 2f, 3f, 4f)), OptionalInt.of(3)));
    }

    @Test
    void dimensionMismatchWithinTheBatchIsRejected() {
        assertEquals(
                "Collection expecting embedding with dimension of 2, got 3",
                rejected(List.of(rec("a", 1f, 2f), rec("b"), rec("c", 1f, 2f, 3f))));
    }

    @Test
    void emptyEmbeddingIsRejected() {
        assertEquals(
                "Expected embedding for ID 'a' to be a 1-dimensional array with at least 1 value, got an empty"
                        + " array",
                rejected(List.of(
                        ChromaRecord.builder("a").embedding(new float[0]).build())));
    }

    @Test
    void nonFiniteEmbeddingValuesAreRejected() {
        assertEquals(
                "Expected embedding values for ID 'b' to be finite, got NaN at position 1",
                rejected(List.of(rec("a", 1f, 2f), rec("b", 1f, Float.NaN))));
        assertTrue(rejected(List.of(rec("a", Float.NEGATIVE_INFINITY))).contains("-Infinity"));
    }

    @Test
    void metadataKeysAreChecked() {
        assertEquals(
                "Metadata key cannot start with '#' or '$': #k (ID 'a')",
                rejected(List.of(withMetadata("a", Map.of("#k", 1)))));
        assertEquals(
                "Metadata key cannot start with '#' or '$': $k (ID 'a')",
                rejected(List.of(withMetadata("a", Map.of("$k", 1)))));
        assertEquals("Metadata key cannot be empty (ID 'a')", rejected(List.of(withMetadata("a", Map.of("", 1)))));
        Map<String, Object> nullKey = new HashMap<>();
        nullKey.put(null, 1);
        assertTrue(rejected(List.of(withMetadata("a", nullKey))).startsWith("Expected metadata key to be a str"));
        assertTrue(rejected(List.of(withMetadata("a", Map.of("chroma:document", "x"))))
                .contains("reserved key"));
    }

    @Test
    void unsupportedMetadataValueTypesAreRejected() {
        assertTrue(rejected(List.of(withMetadata("a", Map.of("k", Map.of("x", 1)))))
                .startsWith("Expected metadata value for key 'k' to be a str, int, float, bool or a non-empty list"));
        assertTrue(
                rejected(List.of(withMetadata("a", Map.of("k", new Object())))).contains("'k'"));
        assertTrue(rejected(List.of(withMetadata("a", Map.of("k", Double.NaN)))).contains("finite"));
    }

    @Test
    void emptyMixedOrNestedListsAreRejected() {
        assertEquals(
                "Expected metadata list value for key 'tags' to be non-empty (ID 'a')",
                rejected(List.of(withMetadata("a", Map.of("tags", List.of())))));
        assertTrue(rejected(List.of(withMetadata("a", Map.of("tags", List.of("a", 1)))))
                .startsWith("Expected metadata list value for key 'tags' to contain only str, int, float, or bool"));
        assertTrue(rejected(List.of(withMetadata("a", Map.of("tags", List.of(1, 1.5)))))
                .contains("int and float"));
        assertTrue(rejected(List.of(withMetadata("a", Map.of("tags", List.of(List.of("x"))))))
                .contains("'tags'"));
        assertTrue(rejected(List.of(withMetadata("a", Map.of("tags", Arrays.asList("x", null)))))
                .contains("null"));
    }

    @Test
    void metadataIsNormalized() {
        Map<String, Object> md = new HashMap<>();
        md.put("i", 3);
        md.put("f", 1.5f);
        md.put("l", List.of(1, 2));
        ChromaRecord out = RecordValidator.validate(
                        Operation.ADD, List.of(withMetadata("a", md)), OptionalInt.empty(), SPARSE)
                .get(0);
        assertEquals(Map.of("i", 3L, "f", 1.5, "l", List.of(1L, 2L)), out.metadata());
    }

    @Test
    void alreadyNormalizedRecordsAreReturnedAsIs() {
        ChromaRecord r = withMetadata("a", Map.of("k", 1L, "s", "v"));
        assertSame(
                r,
                RecordValidator.validate(Operation.UPSERT, List.of(r), OptionalInt.empty(), SPARSE)
                        .get(0));
    }

    @Test
    void nullMetadataValuesAreDroppedOnAddAndKeptOnUpdate() {
        Map<String, Object> md = new HashMap<>();
        md.put("gone", null);
        md.put("kept", 1);
        ChromaRecord added = RecordValidator.validate(
                        Operation.ADD, List.of(withMetadata("a", md)), OptionalInt.empty(), SPARSE)
                .get(0);
        assertFalse(added.metadata().containsKey("gone"));
        ChromaRecord updated = RecordValidator.validate(
                        Operation.UPDATE, List.of(withMetadata("a", md)), OptionalInt.empty(), SPARSE)
                .get(0);
        assertTrue(updated.metadata().containsKey("gone"));
        assertNull(updated.metadata().get("gone"));
    }

    @Test
    void undeclaredSparseKeyIsRejected() {
        ChromaRecord r = ChromaRecord.builder("a")
                .sparse("other", SparseVector.of(new int[] {1}, new float[] {1f}))
                .build();
        assertTrue(rejected(List.of(r))
                .startsWith("Sparse key 'other' of ID 'a' is not declared in the collection's sparse indexes"));
    }

    @Test
    void suppliedBm25VectorIsRejected() {
        ChromaRecord r = ChromaRecord.builder("a")
                .sparse("bm25", SparseVector.of(new int[] {1}, new float[] {1f}))
                .build();
        assertEquals(
                "Sparse key 'bm25' of ID 'a' is a BM25 index: its vectors are computed from the document and"
                        + " cannot be supplied",
                rejected(List.of(r)));
    }

    @Test
    void providedSparseVectorIsAccepted() {
        ChromaRecord r = ChromaRecord.builder("a")
                .sparse("splade", SparseVector.of(new int[] {1}, new float[] {1f}))
                .build();
        assertEquals(List.of(r), RecordValidator.validate(Operation.ADD, List.of(r), OptionalInt.empty(), SPARSE));
    }

    @Test
    void requestIdsAreChecked() {
        assertEquals(List.of(), RecordValidator.checkIds(List.of()));
        assertEquals(
                "Expected ID to be a non-empty string, got '' at position 0",
                assertThrows(InvalidArgumentException.class, () -> RecordValidator.checkIds(List.of("")))
                        .getMessage());
        assertThrows(InvalidArgumentException.class, () -> RecordValidator.checkIds(null));
    }

    @Test
    void columnWiseInputOfUnequalLengthsIsRejectedNamingTheLists() {
        assertEquals(
                "Unequal lengths for fields: ids: 2, embeddings: 1, documents: 2",
                assertThrows(
                                InvalidArgumentException.class,
                                () -> RecordValidator.fromColumns(
                                        List.of("a", "b"), List.of(new float[] {1f}), null, List.of("x", "y"), null))
                        .getMessage());
    }

    @Test
    void columnWiseInputBuildsRecords() {
        List<ChromaRecord> records = RecordValidator.fromColumns(
                List.of("a", "b"),
                Arrays.asList(new float[] {1f}, null),
                List.of(Map.of("k", 1), Map.of("k", 2)),
                null,
                null);
        assertEquals(2, records.size());
        assertEquals(1, records.get(0).embedding().length);
        assertNull(records.get(1).embedding());
        assertEquals(Map.of("k", 2), records.get(1).metadata());
        assertNull(records.get(0).document());
    }

    @Test
    void collectionNamesFollowChromasRules() {
        assertEquals("my-collection.v2", RecordValidator.checkCollectionName("my-collection.v2"));
        RecordValidator.checkCollectionName("abc");
        String expected = "Expected a name containing 3-512 characters from [a-zA-Z0-9._-], starting and ending with"
                + " a character in [a-zA-Z0-9]. Got: ";
        for (String bad : new String[] {"ab", "-abc", "abc-", "a b c", "ab/c", "x".repeat(513)}) {
            assertEquals(
                    expected + bad,
                    assertThrows(InvalidArgumentException.class, () -> RecordValidator.checkCollectionName(bad))
                            .getMessage());
        }
        RecordValidator.checkCollectionName("x".repeat(512));
        assertEquals(
                "Expected a name that does not contains two consecutive periods (..). Got a..b",
                assertThrows(InvalidArgumentException.class, () -> RecordValidator.checkCollectionName("a..b"))
                        .getMessage());
        assertEquals(
                "Expected a name that is not a valid ip address. Got 192.168.1.1",
                assertThrows(InvalidArgumentException.class, () -> RecordValidator.checkCollectionName("192.168.1.1"))
                        .getMessage());
        RecordValidator.checkCollectionName("1.2.3.400");
        RecordValidator.checkCollectionName("1.2.3");
        assertThrows(InvalidArgumentException.class, () -> RecordValidator.checkCollectionName(null));
    }

    @Test
    void tenantAndDatabaseNamesFollowTheSameRules() {
        assertEquals("default_tenant", RecordValidator.checkTenantName("default_tenant"));
        assertEquals("default_database", RecordValidator.checkDatabaseName("default_database"));
        assertThrows(InvalidArgumentException.class, () -> RecordValidator.checkTenantName("a"));
        assertThrows(InvalidArgumentException.class, () -> RecordValidator.checkDatabaseName("x/../y"));
    }

    @Test
    void collectionMetadataRejectsNullValues() {
        Map<String, Object> md = new HashMap<>();
        md.put("k", null);
        assertThrows(InvalidArgumentException.class, () -> RecordValidator.checkCollectionMetadata(md));
        assertEquals(Map.of("k", 1L), RecordValidator.checkCollectionMetadata(Map.of("k", 1)));
    }

    @Test
    void all_finite_agrees_with_float_is_finite_on_special_and_random_values() {
        float[] specials = {
            0f,
            -0f,
            Float.MIN_VALUE,
            -Float.MIN_VALUE,
            Float.MIN_NORMAL,
            Float.MAX_VALUE,
            -Float.MAX_VALUE,
            1f,
            -1f,
            Float.intBitsToFloat(0x7F7FFFFF),
            Float.intBitsToFloat(0x007FFFFF),
            Float.NaN,
            Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY,
            Float.intBitsToFloat(0x7FC00001),
            Float.intBitsToFloat(0xFF800001)
        };
        for (float v : specials) {
            for (int at = 0; at < 3; at++) {
                float[] values = {1f, 2f, 3f};
                values[at] = v;
                assertEquals(Float.isFinite(v), RecordValidator.allFinite(values), "value " + v + " at " + at);
            }
        }
        // finite values whose squares overflow the sum are still finite
        assertTrue(RecordValidator.allFinite(new float[] {Float.MAX_VALUE, -Float.MAX_VALUE, 1e30f}));
        Random random = new Random(11);
        for (int i = 0; i < 100_000; i++) {
            float v = Float.intBitsToFloat(random.nextInt());
            assertEquals(Float.isFinite(v), RecordValidator.allFinite(new float[] {0.5f, v}), "bits " + i);
        }
        InvalidArgumentException e = assertThrows(
                InvalidArgumentException.class,
                () -> RecordValidator.checkEmbeddingValues(new float[] {1f, 2f, Float.NaN, 4f}, "of query 0"));
        assertTrue(e.getMessage().contains("NaN at position 2"), e.getMessage());
    }
}
