package dev.chromaj;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A collection of records with Chroma's semantics. Implementations are thread-safe: reads run concurrently with
 * writes and compaction, and every acknowledged write is visible to later reads. A rejected call (an
 * {@link InvalidArgumentException}) changes nothing.
 */
public interface ChromaCollection {

    /**
     * The collection's id.
     *
     * @return the UUID
     */
    UUID id();

    /**
     * The collection's name.
     *
     * @return the name
     */
    String name();

    /**
     * The tenant of its database.
     *
     * @return the tenant name
     */
    String tenant();

    /**
     * The database it belongs to.
     *
     * @return the database name
     */
    String database();

    /**
     * The collection's metadata.
     *
     * @return an unmodifiable map, empty when none
     */
    Map<String, Object> metadata();

    /**
     * The options the collection was created with (metadata as of now).
     *
     * @return the options
     */
    CollectionOptions options();

    /**
     * The dimension of the dense embeddings, fixed by the first embedding written.
     *
     * @return the dimension, or empty before the first embedding
     */
    OptionalInt dimension();

    /**
     * Inserts records; records whose id already exists are skipped (Chroma semantics).
     *
     * @param records a non-empty batch with unique ids
     * @throws InvalidArgumentException if a record breaks a rule
     */
    void add(List<ChromaRecord> records);

    /**
     * Inserts records, or merges them into existing ones: unset fields are unchanged, metadata merges key by key and
     * a {@code null} value deletes a key.
     *
     * @param records a non-empty batch with unique ids
     * @throws InvalidArgumentException if a record breaks a rule
     */
    void upsert(List<ChromaRecord> records);

    /**
     * Merges records into existing ones like {@link #upsert(List)}; ids that do not exist are ignored.
     *
     * @param records a non-empty batch with unique ids
     * @throws InvalidArgumentException if a record breaks a rule
     */
    void update(List<ChromaRecord> records);

    /**
     * Column-wise {@link #add(List)}, as in Chroma's Python client.
     *
     * @param ids the ids
     * @param embeddings embeddings, or null; otherwise one per id (a null element means none)
     * @param metadatas metadata, or null; otherwise one per id
     * @param documents documents, or null; otherwise one per id
     * @throws InvalidArgumentException if the lists differ in length or a record breaks a rule
     */
    default void add(
            List<String> ids, List<float[]> embeddings, List<Map<String, Object>> metadatas, List<String> documents) {
        add(RecordValidator.fromColumns(ids, embeddings, metadatas, documents, null));
    }

    /**
     * Column-wise {@link #upsert(List)}.
     *
     * @param ids the ids
     * @param embeddings embeddings, or null; otherwise one per id (a null element leaves it unchanged)
     * @param metadatas metadata, or null; otherwise one per id
     * @param documents documents, or null; otherwise one per id
     * @throws InvalidArgumentException if the lists differ in length or a record breaks a rule
     */
    default void upsert(
            List<String> ids, List<float[]> embeddings, List<Map<String, Object>> metadatas, List<String> documents) {
        upsert(RecordValidator.fromColumns(ids, embeddings, metadatas, documents, null));
    }

    /**
     * Column-wise {@link #update(List)}.
     *
     * @param ids the ids
     * @param embeddings embeddings, or null; otherwise one per id (a null element leaves it unchanged)
     * @param metadatas metadata, or null; otherwise one per id
     * @param documents documents, or null; otherwise one per id
     * @throws InvalidArgumentException if the lists differ in length or a record breaks a rule
     */
    default void update(
            List<String> ids, List<float[]> embeddings, List<Map<String, Object>> metadatas, List<String> documents) {
        update(RecordValidator.fromColumns(ids, embeddings, metadatas, documents, null));
    }

    /**
     * Deletes records by id; unknown ids are ignored.
     *
     * @param ids unique ids; an empty list deletes nothing
     * @return the number of records deleted
     */
    default int delete(List<String> ids) {
        return delete(DeleteRequest.ofIds(ids));
    }

    /**
     * Deletes the records matching every given condition (ids, where, whereDocument), at most {@code limit}.
     *
     * @param request the conditions
     * @return the number of records deleted
     */
    int delete(DeleteRequest request);

    /**
     * Fetches records by id, with documents and metadata.
     *
     * @param ids unique ids
     * @return the records found, in the order of {@code ids}
     */
    default GetResult get(List<String> ids) {
        return get(GetRequest.builder().ids(ids).build());
    }

    /**
     * Fetches records matching the request.
     *
     * @param request ids, filters, paging and fields
     * @return the records
     */
    GetResult get(GetRequest request);

    /**
     * Dense nearest-neighbour query.
     *
     * @param request query embeddings, nResults, filters and fields
     * @return results per query embedding, ordered by distance then id
     * @throws InvalidArgumentException if a query embedding's dimension differs from the collection's
     */
    QueryResult query(QueryRequest request);

    /**
     * Dense, sparse, BM25 or hybrid search.
     *
     * @param search filters, rank, paging and fields
     * @return the hits, best first
     */
    SearchResult search(Search search);

    /**
     * The number of records.
     *
     * @return the count
     */
    long count();

    /**
     * The first records of the collection, with documents and metadata: {@code get} with this limit, as in Chroma.
     *
     * @param limit the maximum number, at least 0 (0 returns no record)
     * @return the records
     * @throws InvalidArgumentException if {@code limit} is negative
     */
    default GetResult peek(int limit) {
        return get(GetRequest.builder().limit(limit).build());
    }

    /**
     * Renames the collection and/or replaces its metadata.
     *
     * @param newName the new name, or null to keep it
     * @param newMetadata the new metadata, or null to keep it
     * @throws AlreadyExistsException if another collection has the new name
     * @throws InvalidArgumentException if the name or metadata breaks a rule
     */
    void modify(String newName, Map<String, Object> newMetadata);

    /**
     * Renames the collection, replaces its metadata and/or changes its search-time HNSW parameters. Only efSearch
     * may change (Chroma's rule): {@code hnsw} must keep the collection's M and efConstruction; the distance space
     * never changes. Later queries use the new efSearch.
     *
     * @param newName the new name, or null to keep it
     * @param newMetadata the new metadata, or null to keep it
     * @param hnsw the new parameters, or null to keep them
     * @throws AlreadyExistsException if another collection has the new name
     * @throws InvalidArgumentException if the name or metadata breaks a rule, or {@code hnsw} changes M or
     *     efConstruction
     */
    default void modify(String newName, Map<String, Object> newMetadata, HnswParams hnsw) {
        if (hnsw != null) {
            throw new UnsupportedOperationException("this collection cannot change its HNSW parameters");
        }
        modify(newName, newMetadata);
    }

    /**
     * Folds the WAL tail into a new segment version now. When the tail is not empty, logs one INFO line at the start
     * (log records, current version) and one at the end (new version, duration); a {@link ChromaObserver} is told its
     * duration.
     */
    void compact();

    /**
     * Folds the WAL tail into new segment versions now, reporting progress: the log records folded so far out of
     * those in the tail at the call (a compaction folds at most 50,000 per run, so progress moves in such steps).
     * Implementations that cannot count report {@code (0, 0)} once done.
     *
     * @param progress the listener; what it throws stops the compaction between two runs and reaches the caller
     */
    default void compact(ProgressListener progress) {
        Errors.requireArgument(progress, "progress");
        compact();
        progress.onProgress(0, 0);
    }

    /**
     * Hands every record of one snapshot of the collection to {@code action}, in collection order (the order of
     * {@link #get(GetRequest)} without filters), with every field: id, embedding, document, metadata, URI and the
     * sparse vectors of keys declared with {@link SparseIndex#provided()} (BM25 vectors are computed from the
     * document, so they are left out). Writes made meanwhile are not seen; garbage collection keeps the snapshot's
     * version until the call returns. Records are loaded in batches, so memory stays bounded whatever the size of
     * the collection: this is the way to export one.
     *
     * @param action receives each record; what it throws stops the scan and reaches the caller
     * @return the number of records handed over
     */
    default long forEachRecord(Consumer<? super ChromaRecord> action) {
        return forEachRecord(action, ProgressListener.none());
    }

    /**
     * {@link #forEachRecord(Consumer)}, reporting progress in records out of the snapshot's count.
     *
     * @param action receives each record; what it throws stops the scan and reaches the caller
     * @param progress the listener
     * @return the number of records handed over
     * @throws UnsupportedOperationException when the implementation cannot scan its records
     */
    default long forEachRecord(Consumer<? super ChromaRecord> action, ProgressListener progress) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot scan its records");
    }

    /**
     * Size and state of the collection.
     *
     * @return the stats
     */
    CollectionStats stats();
}
