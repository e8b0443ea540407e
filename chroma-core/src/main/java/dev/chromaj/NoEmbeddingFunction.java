package dev.chromaj;

import java.util.List;

/** {@link EmbeddingFunction#none()}: a collection without dense embeddings. */
final class NoEmbeddingFunction implements EmbeddingFunction {
    static final NoEmbeddingFunction INSTANCE = new NoEmbeddingFunction();

    private NoEmbeddingFunction() {}

    @Override
    public String name() {
        return NONE_NAME;
    }

    @Override
    public List<float[]> embedDocuments(List<String> documents) {
        throw new InvalidArgumentException(
                "The collection's embedding function is 'none': it holds no dense "
                        + "embeddings, so texts cannot be embedded; provide embeddings or use a BM25/sparse or full-text query");
    }

    @Override
    public String toString() {
        return "EmbeddingFunction.none()";
    }
}
