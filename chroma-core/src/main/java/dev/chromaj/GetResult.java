package dev.chromaj;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Records returned by {@link ChromaCollection#get(GetRequest)}: parallel lists, one element per record. A field
 * not requested with {@link Include} is {@code null}; a requested field a record lacks is a {@code null} element.
 * Immutable: lists and arrays are copied in.
 *
 * @param ids record ids, never null
 * @param documents documents, or null when not included
 * @param metadatas metadata maps, or null when not included
 * @param embeddings embeddings, or null when not included
 * @param uris URIs, or null when not included
 */
public record GetResult(
        List<String> ids,
        List<String> documents,
        List<Map<String, Object>> metadatas,
        List<float[]> embeddings,
        List<String> uris) {

    /**
     * Copies the lists and checks they are parallel.
     *
     * @throws IllegalArgumentException if ids is null or a list's size differs from the ids'
     */
    public GetResult {
        if (ids == null) {
            throw new IllegalArgumentException("ids must not be null");
        }
        ids = List.copyOf(ids);
        documents = Copies.nullableList(documents);
        metadatas = Copies.metadatas(metadatas);
        embeddings = Copies.embeddings(embeddings);
        uris = Copies.nullableList(uris);
        checkSize("documents", documents, ids.size());
        checkSize("metadatas", metadatas, ids.size());
        checkSize("embeddings", embeddings, ids.size());
        checkSize("uris", uris, ids.size());
    }

    private static void checkSize(String name, List<?> list, int expected) {
        if (list != null && list.size() != expected) {
            throw new IllegalArgumentException(name + " has " + list.size() + " elements, ids has " + expected);
        }
    }

    /**
     * An empty result with the given fields included.
     *
     * @param include the requested fields
     * @return a result with no records
     */
    public static GetResult empty(Set<Include> include) {
        return new GetResult(
                List.of(),
                include.contains(Include.DOCUMENTS) ? List.of() : null,
                include.contains(Include.METADATAS) ? List.of() : null,
                include.contains(Include.EMBEDDINGS) ? List.of() : null,
                include.contains(Include.URIS) ? List.of() : null);
    }

    /**
     * The number of records.
     *
     * @return {@code ids().size()}
     */
    public int size() {
        return ids.size();
    }
}
