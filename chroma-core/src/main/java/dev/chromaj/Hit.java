package dev.chromaj;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * One result of a {@link Search}. Fields not selected are {@code null}. Immutable.
 *
 * @param id the record id
 * @param score the ranking score, or null when not selected or when the search has no rank: for a dense
 *     {@link Rank#knn(float[])} the distance in the collection's space (lower is better); for a sparse
 *     {@link Rank#knn(String, SparseVector)} the dot product with the query (higher is better; on a BM25 key, the BM25
 *     score with the vector's values as query term weights); for {@link Rank#knn(String, String)} the BM25 score
 *     (higher is better); for {@link Rank#rrf} the fused score {@code sum(w_i / (k + rank_i))}, ranks from 1 (higher
 *     is better)
 * @param document the document, or null
 * @param embedding the dense embedding, or null
 * @param metadata the metadata (all keys, or only the selected ones), or null
 * @param uri the URI, or null
 */
public record Hit(
        String id, Double score, String document, float[] embedding, Map<String, Object> metadata, String uri) {

    /**
     * Copies the embedding and metadata.
     *
     * @throws IllegalArgumentException if the id is null
     */
    public Hit {
        if (id == null) {
            throw new IllegalArgumentException("id must not be null");
        }
        embedding = embedding == null ? null : embedding.clone();
        metadata = metadata == null ? null : ChromaRecord.copyMetadata(metadata);
    }

    /**
     * The dense embedding, or null.
     *
     * @return a copy
     */
    @Override
    public float[] embedding() {
        return embedding == null ? null : embedding.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hit h
                && id.equals(h.id)
                && Objects.equals(score, h.score)
                && Objects.equals(document, h.document)
                && Arrays.equals(embedding, h.embedding)
                && Objects.equals(metadata, h.metadata)
                && Objects.equals(uri, h.uri);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, score, document, Arrays.hashCode(embedding), metadata, uri);
    }

    @Override
    public String toString() {
        return "Hit{id=" + id + ", score=" + score + (document == null ? "" : ", document=" + document)
                + (embedding == null ? "" : ", embedding=float[" + embedding.length + "]")
                + (metadata == null ? "" : ", metadata=" + metadata) + (uri == null ? "" : ", uri=" + uri) + '}';
    }
}
