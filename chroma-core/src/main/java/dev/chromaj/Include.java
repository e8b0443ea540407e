package dev.chromaj;

/** Fields returned by {@link ChromaCollection#get(GetRequest)} and {@link ChromaCollection#query(QueryRequest)}. */
public enum Include {
    /** Each record's document. */
    DOCUMENTS,
    /** Each record's metadata. */
    METADATAS,
    /** Each record's dense embedding. */
    EMBEDDINGS,
    /** Each result's distance to the query (query only). */
    DISTANCES,
    /** Each record's URI. */
    URIS
}
