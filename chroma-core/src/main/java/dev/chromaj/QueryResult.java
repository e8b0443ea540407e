package dev.chromaj;

import java.util.List;
import java.util.Map;

/**
 * Results of {@link ChromaCollection#query(QueryRequest)}: one inner list per query embedding, ordered by
 * ascending distance (ties by id). A field not requested with {@link Include} is {@code null}. Immutable.
 *
 * @param ids ids per query, never null
 * @param distances distances per query, or null when not included
 * @param documents documents per query, or null when not included
 * @param metadatas metadata per query, or null when not included
 * @param embeddings embeddings per query, or null when not included
 * @param uris URIs per query, or null when not included
 */
public record QueryResult(
        List<List<String>> ids,
        List<List<Float>> distances,
        List<List<String>> documents,
        List<List<Map<String, Object>>> metadatas,
        List<List<float[]>> embeddings,
        List<List<String>> uris) {

    /**
     * Copies the lists.
     *
     * @throws IllegalArgumentException if ids is null
     */
    public QueryResult {
        if (ids == null) {
            throw new IllegalArgumentException("ids must not be null");
        }
        ids = Copies.nested(ids, List::copyOf);
        distances = Copies.nested(distances, Copies::nullableList);
        documents = Copies.nested(documents, Copies::nullableList);
        metadatas = Copies.nested(metadatas, Copies::metadatas);
        embeddings = Copies.nested(embeddings, Copies::embeddings);
        uris = Copies.nested(uris, Copies::nullableList);
    }
}
