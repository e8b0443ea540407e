package dev.chromaj.springai;

import dev.chromaj.EmbeddingFunction;
import dev.chromaj.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;

/**
 * A Spring AI {@link EmbeddingModel} over a chromaj {@link EmbeddingFunction}, e.g. the built-in all-MiniLM-L6-v2
 * of {@code chroma-embeddings} ({@code MiniLmEmbeddingFunction.shared()}), so that a Spring AI application embeds
 * in-process, with no model server and no key:
 *
 * <pre>{@code
 * EmbeddingModel model = new ChromaEmbeddingModel(MiniLmEmbeddingFunction.shared());
 * VectorStore store = ChromaVectorStore.builder(client, model).build();
 * }</pre>
 *
 * <p>Requests embed their inputs as documents ({@link EmbeddingFunction#embedDocuments}); request options are not
 * used (the function's own configuration applies). Thread-safe when the function is.
 */
public final class ChromaEmbeddingModel implements EmbeddingModel {
    private final EmbeddingFunction function;

    /**
     * A model that embeds with {@code function}.
     *
     * @param function the chromaj embedding function
     */
    public ChromaEmbeddingModel(EmbeddingFunction function) {
        if (function == null) {
            throw new InvalidArgumentException("embedding function must not be null");
        }
        this.function = function;
    }

    @Override
    public EmbeddingResponse call(EmbeddingRequest request) {
        List<String> inputs = request.getInstructions();
        List<float[]> vectors = function.embedDocuments(inputs);
        if (vectors.size() != inputs.size()) {
            throw new InvalidArgumentException("embedding function " + function.name() + " returned " + vectors.size()
                    + " embeddings for " + inputs.size() + " texts");
        }
        List<Embedding> out = new ArrayList<>(vectors.size());
        for (int i = 0; i < vectors.size(); i++) {
            out.add(new Embedding(vectors.get(i), i));
        }
        return new EmbeddingResponse(out);
    }

    @Override
    public float[] embed(Document document) {
        if (document == null || document.getText() == null) {
            throw new InvalidArgumentException("only text documents can be embedded, got " + document);
        }
        return function.embedDocuments(List.of(document.getText())).get(0);
    }

    /** The function's dimension when it declares one, otherwise Spring AI's default (embedding a probe text). */
    @Override
    public int dimensions() {
        return function.dimension().orElseGet(EmbeddingModel.super::dimensions);
    }
}
