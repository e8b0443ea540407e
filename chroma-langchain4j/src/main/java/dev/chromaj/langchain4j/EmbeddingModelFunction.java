package dev.chromaj.langchain4j;

import dev.chromaj.ChromaException;
import dev.chromaj.CollectionOptions;
import dev.chromaj.EmbeddingFunction;
import dev.chromaj.InvalidArgumentException;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * A LangChain4j {@link EmbeddingModel} used as a chromaj {@link EmbeddingFunction}: collections embed documents and
 * query texts with the model.
 *
 * <pre>{@code
 * EmbeddingModel model = ...;                                   // any LangChain4j embedding model
 * ChromaCollection docs = client.createCollection("docs", CollectionOptions.builder()
 *         .embeddingFunction(EmbeddingModelFunction.of("my-model", model))
 *         .build());
 * docs.add(List.of(ChromaRecord.builder("a").document("the text").build()));   // embedded by the model
 * }</pre>
 *
 * <p>The collection records the {@link #name()}; when it is reopened, pass a function of the same name to
 * {@link dev.chromaj.Database#getCollection(String, EmbeddingFunction)} (no {@link
 * dev.chromaj.EmbeddingFunctionProvider} can rebuild a LangChain4j model from a name). {@link #config()} is empty:
 * nothing of the model (keys, endpoints) is stored with the collection.
 *
 * <p>Thread-safe when the model is (LangChain4j's models are). The model stays the caller's: {@link #close()} does
 * nothing.
 */
public final class EmbeddingModelFunction implements EmbeddingFunction {

    private final String name;
    private final EmbeddingModel model;

    private EmbeddingModelFunction(String name, EmbeddingModel model) {
        this.name = name;
        this.model = model;
    }

    /**
     * Wraps a model.
     *
     * @param name the name recorded with collections that use it, e.g. the model's name; not empty, not
     *     {@value EmbeddingFunction#NONE_NAME}
     * @param model the model
     * @return the function
     * @throws InvalidArgumentException when the name is null, blank or reserved, or the model is null
     */
    public static EmbeddingModelFunction of(String name, EmbeddingModel model) {
        if (name == null || name.isBlank() || NONE_NAME.equals(name)) {
            throw new InvalidArgumentException("EmbeddingModelFunction name must be a non-blank name other than '"
                    + NONE_NAME + "', got " + (name == null ? "null" : "'" + name + "'"));
        }
        if (model == null) {
            throw new InvalidArgumentException("EmbeddingModelFunction '" + name + "': model must not be null");
        }
        // CollectionOptions checks the identity (name and config) the same way when the function is used
        CollectionOptions.builder().embeddingFunction(new EmbeddingModelFunction(name, model));
        return new EmbeddingModelFunction(name, model);
    }

    /**
     * The wrapped model.
     *
     * @return the model
     */
    public EmbeddingModel model() {
        return model;
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * Embeds the texts with {@link EmbeddingModel#embedAll(List)} in one call.
     *
     * @param documents the texts
     * @return one vector per text
     * @throws InvalidArgumentException when the list or a text is null
     * @throws ChromaException when the model returns no content or a null embedding
     */
    @Override
    public List<float[]> embedDocuments(List<String> documents) {
        if (documents == null) {
            throw new InvalidArgumentException("Embedding function '" + name + "': documents must not be null");
        }
        List<TextSegment> segments = new ArrayList<>(documents.size());
        for (int i = 0; i < documents.size(); i++) {
            String text = documents.get(i);
            if (text == null) {
                throw new InvalidArgumentException(
                        "Embedding function '" + name + "': documents[" + i + "] is null; every text must be a string");
            }
            segments.add(TextSegment.from(text));
        }
        if (segments.isEmpty()) {
            return List.of();
        }
        Response<List<Embedding>> response = model.embedAll(segments);
        if (response == null || response.content() == null) {
            throw new ChromaException("Embedding function '" + name + "': the LangChain4j model " + model.modelName()
                    + " returned no embeddings");
        }
        List<float[]> vectors = new ArrayList<>(response.content().size());
        for (Embedding embedding : response.content()) {
            if (embedding == null) {
                throw new ChromaException("Embedding function '" + name + "': the LangChain4j model "
                        + model.modelName() + " returned a null embedding");
            }
            vectors.add(embedding.vector());
        }
        return vectors;
    }

    /**
     * Unknown: {@link EmbeddingModel#dimension()} may embed a text to find out, which a collection should not pay for
     * on open.
     *
     * @return empty
     */
    @Override
    public OptionalInt dimension() {
        return OptionalInt.empty();
    }

    @Override
    public String toString() {
        return "EmbeddingModelFunction[name=" + name + ", model=" + model.modelName() + "]";
    }
}
