package dev.chromaj.springai;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;

/**
 * A deterministic embedding model for tests: each word gets a fixed pseudo-random vector (seeded by the word's
 * bytes) and a text embeds to the sum of its words' vectors, so texts that share words are close. Vectors have
 * positive and negative components, so cosine similarities span [-1, 1]; the {@link #positive()} variant takes
 * absolute values, so that every similarity is at least 0.
 */
final class WordHashEmbeddingModel implements EmbeddingModel {
    static final int DIMENSIONS = 16;

    private final boolean positive;

    WordHashEmbeddingModel() {
        this(false);
    }

    private WordHashEmbeddingModel(boolean positive) {
        this.positive = positive;
    }

    /** A model whose vectors have no negative component: no two texts have a negative cosine similarity. */
    static WordHashEmbeddingModel positive() {
        return new WordHashEmbeddingModel(true);
    }

    @Override
    public EmbeddingResponse call(EmbeddingRequest request) {
        List<Embedding> out = new ArrayList<>();
        List<String> inputs = request.getInstructions();
        for (int i = 0; i < inputs.size(); i++) {
            out.add(new Embedding(embedText(inputs.get(i), positive), i));
        }
        return new EmbeddingResponse(out);
    }

    @Override
    public float[] embed(Document document) {
        return embedText(document.getText(), positive);
    }

    @Override
    public int dimensions() {
        return DIMENSIONS;
    }

    static float[] embedText(String text, boolean positive) {
        float[] v = new float[DIMENSIONS];
        for (String word : text.toLowerCase(Locale.ROOT).split("[^a-z0-9]+", -1)) {
            if (word.isEmpty()) {
                continue;
            }
            long seed = 1125899906842597L;
            for (byte b : word.getBytes(StandardCharsets.UTF_8)) {
                seed = 31 * seed + b;
            }
            Random r = new Random(seed);
            for (int d = 0; d < DIMENSIONS; d++) {
                double g = r.nextGaussian();
                v[d] += (float) (positive ? Math.abs(g) : g);
            }
        }
        // a constant component keeps an empty text from having a zero norm
        v[0] += 0.01f;
        return v;
    }
}
