package dev.chromaj.springai;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.chromaj.EmbeddingFunction;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.EmbeddingModel;

/** The bridge hands texts to the chromaj function in order and returns its vectors unchanged. */
class ChromaEmbeddingModelTest {
    /** Embeds a text as {length, first character, 1}. */
    private static final EmbeddingFunction FUNCTION = new EmbeddingFunction() {
        @Override
        public String name() {
            return "length";
        }

        @Override
        public List<float[]> embedDocuments(List<String> documents) {
            return documents.stream()
                    .map(t -> new float[] {t.length(), t.isEmpty() ? 0 : t.charAt(0), 1})
                    .toList();
        }

        @Override
        public OptionalInt dimension() {
            return OptionalInt.of(3);
        }
    };

    @Test
    void embedsTextsDocumentsAndBatchesWithTheFunction() {
        EmbeddingModel model = new ChromaEmbeddingModel(FUNCTION);
        assertArrayEquals(new float[] {2, 'h', 1}, model.embed("hi"));
        assertArrayEquals(new float[] {3, 'a', 1}, model.embed(new Document("abc")));
        List<float[]> batch = model.embed(List.of("x", "yy", "zzz"));
        assertEquals(3, batch.size());
        assertArrayEquals(new float[] {3, 'z', 1}, batch.get(2));
        assertEquals(3, model.dimensions());
    }
}
