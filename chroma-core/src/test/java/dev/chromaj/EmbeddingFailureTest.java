package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A function that throws, or returns too few vectors, vectors of the wrong dimension or non-finite values, fails the
 * write with a {@link ChromaException} naming the function and the record, and nothing of the batch is written.
 */
class EmbeddingFailureTest {
    private static final int DIMENSION = 4;

    @TempDir
    Path dir;

    /** A function whose output {@code behaviour} makes from correct vectors. */
    private static final class Faulty implements EmbeddingFunction {
        private final Function<List<float[]>, List<float[]>> behaviour;
        private volatile boolean broken;

        Faulty(Function<List<float[]>, List<float[]>> behaviour) {
            this.behaviour = behaviour;
        }

        @Override
        public String name() {
            return "faulty";
        }

        @Override
        public List<float[]> embedDocuments(List<String> documents) {
            List<float[]> out = new ArrayList<>();
            for (String d : documents) {
                out.add(HashEmbeddingFunction.vector(d, DIMENSION));
            }
            return broken ? behaviour.apply(out) : out;
        }
    }

    private void assertWriteFailsAndChangesNothing(
            Function<List<float[]>, List<float[]>> behaviour, String expectedInMessage) {
        Faulty f = new Faulty(behaviour);
        try (ChromaClient client = ChromaClient.persistent(dir.resolve(expectedInMessage.replace(' ', '-')))) {
            ChromaCollection c = client.createCollection(
                    "docs", CollectionOptions.builder().embeddingFunction(f).build());
            c.add(List.of(ChromaRecord.builder("kept").document("first text").build()));
            f.broken = true;
            List<ChromaRecord> batch = new ArrayList<>();
            batch.add(ChromaRecord.builder("with-vector")
                    .embedding(new float[] {1, 0, 0, 0})
                    .document("has its own embedding")
                    .build());
            for (int i = 0; i < 3; i++) {
                batch.add(ChromaRecord.builder("r" + i)
                        .document("text number " + i)
                        .build());
            }
            List<Runnable> writes = List.of(
                    () -> c.add(batch),
                    () -> c.upsert(batch),
                    () -> c.update(List.of(
                            ChromaRecord.builder("kept").document("second text").build())));
            for (Runnable write : writes) {
                ChromaException e = assertThrows(ChromaException.class, write::run);
                assertFalse(e instanceof InvalidArgumentException, e.toString());
                assertTrue(e.getMessage().contains("'faulty'"), e.getMessage());
                assertTrue(e.getMessage().contains("ID"), e.getMessage());
                assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
                assertTrue(e.getMessage().contains("nothing was written"), e.getMessage());
            }
            assertEquals(1, c.count(), "nothing of the batches was written");
            assertEquals("first text", c.get(List.of("kept")).documents().get(0));
            f.broken = false;
            c.add(batch);
            assertEquals(5, c.count(), "the collection works on once the function does");
        }
    }

    @Test
    void aFunctionThatThrows() {
        assertWriteFailsAndChangesNothing(
                out -> {
                    throw new IllegalStateException("model unavailable");
                },
                "model unavailable");
    }

    @Test
    void aFunctionThatReturnsTooFewVectors() {
        assertWriteFailsAndChangesNothing(out -> out.subList(0, out.size() - 1), "embeddings for");
    }

    @Test
    void aFunctionThatReturnsAnotherDimension() {
        assertWriteFailsAndChangesNothing(
                out -> {
                    List<float[]> wrong = new ArrayList<>(out);
                    wrong.set(wrong.size() - 1, new float[DIMENSION + 1]);
                    return wrong;
                },
                "dimension " + (DIMENSION + 1));
    }

    @Test
    void aFunctionThatReturnsNaN() {
        assertWriteFailsAndChangesNothing(
                out -> {
                    List<float[]> wrong = new ArrayList<>();
                    for (float[] v : out) {
                        float[] copy = v.clone();
                        copy[2] = Float.NaN;
                        wrong.add(copy);
                    }
                    return wrong;
                },
                "NaN at position 2");
    }

    @Test
    void aFunctionThatReturnsNull() {
        assertWriteFailsAndChangesNothing(out -> null, "returned null");
    }

    @Test
    void aFailingQueryFunctionNamesTheQuery() {
        Faulty f = new Faulty(out -> {
            throw new IllegalStateException("quota exceeded");
        });
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaCollection c = client.createCollection(
                    "docs", CollectionOptions.builder().embeddingFunction(f).build());
            c.add(List.of(ChromaRecord.builder("a").document("text").build()));
            f.broken = true;
            ChromaException e = assertThrows(
                    ChromaException.class,
                    () -> c.query(QueryRequest.builder().queryTexts("text").build()));
            assertTrue(e.getMessage().contains("'faulty' failed on query text 0"), e.getMessage());
            assertTrue(e.getMessage().contains("quota exceeded"), e.getMessage());
        }
    }
}
