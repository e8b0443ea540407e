package dev.chromaj.langchain4j;

import dev.chromaj.embeddings.MiniLmEmbeddingFunction;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.request.EmbeddingInput;
import dev.langchain4j.model.embedding.request.EmbeddingRequest;
import dev.langchain4j.model.embedding.response.EmbeddingResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * chromaj's built-in all-MiniLM-L6-v2 (module {@code chroma-embeddings}, in-process on ONNX Runtime, nothing
 * downloaded) as a LangChain4j {@link EmbeddingModel}: 384-dimensional unit vectors, the same Chroma computes with
 * its default embedding function. Needs {@code dev.chromaj:chroma-embeddings} on the class path.
 *
 * <pre>{@code
 * EmbeddingModel model = MiniLmEmbeddingModel.shared();
 * Embedding e = model.embed("what is a vector database?").content();
 * }</pre>
 *
 * <p>Thread-safe. {@link #shared()} uses the process-wide model, which is never closed; {@link #of} wraps a function
 * the caller owns and closes ({@link #close()} passes the call on to it).
 */
public final class MiniLmEmbeddingModel implements EmbeddingModel, AutoCloseable {

    /** The model's name, as LangChain4j and Sentence Transformers call it. */
    public static final String MODEL_NAME = "all-MiniLM-L6-v2";

    private final MiniLmEmbeddingFunction function;

    private MiniLmEmbeddingModel(MiniLmEmbeddingFunction function) {
        this.function = function;
    }

    /**
     * The model on the process-wide session of {@link MiniLmEmbeddingFunction#shared()} (loaded on first use).
     *
     * @return the model
     */
    public static MiniLmEmbeddingModel shared() {
        return new MiniLmEmbeddingModel(MiniLmEmbeddingFunction.shared());
    }

    /**
     * The model on a function the caller built (its own threads and batch size).
     *
     * @param function the function, not null
     * @return the model
     * @throws IllegalArgumentException when the function is null
     */
    public static MiniLmEmbeddingModel of(MiniLmEmbeddingFunction function) {
        if (function == null) {
            throw new IllegalArgumentException("function cannot be null");
        }
        return new MiniLmEmbeddingModel(function);
    }

    /**
     * The chromaj function behind the model, e.g. to record it with a collection
     * ({@link ChromaEmbeddingStore.Builder#embeddingFunction}) so chromaj code can query that collection by text.
     *
     * @return the function
     */
    public MiniLmEmbeddingFunction embeddingFunction() {
        return function;
    }

    /**
     * Embeds the inputs' texts in one call (batched and spread over the function's threads). Queries and documents
     * embed alike: the model has no query prompt.
     *
     * @param request the inputs
     * @return one embedding per input, in order
     */
    @Override
    public EmbeddingResponse doEmbed(EmbeddingRequest request) {
        List<String> texts = new ArrayList<>(request.inputs().size());
        for (EmbeddingInput input : request.inputs()) {
            texts.add(input.text());
        }
        List<float[]> vectors = function.embedDocuments(texts);
        List<Embedding> embeddings = new ArrayList<>(vectors.size());
        for (float[] vector : vectors) {
            embeddings.add(Embedding.from(vector));
        }
        return EmbeddingResponse.builder()
                .embeddings(embeddings)
                .modelName(MODEL_NAME)
                .build();
    }

    /**
     * Always 384, without embedding anything.
     *
     * @return {@value MiniLmEmbeddingFunction#DIMENSION}
     */
    @Override
    public int dimension() {
        return MiniLmEmbeddingFunction.DIMENSION;
    }

    @Override
    public String modelName() {
        return MODEL_NAME;
    }

    /** Closes the wrapped function (which does nothing for the shared one). */
    @Override
    public void close() {
        function.close();
    }

    @Override
    public String toString() {
        return "MiniLmEmbeddingModel[" + function + "]";
    }
}
