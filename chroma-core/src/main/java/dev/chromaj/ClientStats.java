package dev.chromaj;

/**
 * Cache and storage counters of a client since it was opened.
 *
 * @param cacheHits block cache hits
 * @param cacheMisses block cache misses
 * @param cacheBytes bytes currently held by the memory block cache as decoded blocks
 * @param storageGets object reads (whole and ranged)
 * @param storagePuts object writes
 * @param storageDeletes object deletes
 * @param storageRequests every request sent to storage (gets, puts, deletes, lists, heads), retries included
 * @param bytesRead bytes read from storage
 * @param bytesWritten bytes written to storage
 * @param vectorIndexBytes estimated heap bytes of the HNSW indexes loaded in memory (bounded by
 *     {@link ChromaClient.Builder#vectorIndexBytes(long)})
 * @param vectorIndexCount number of HNSW indexes loaded in memory
 * @param vectorIndexVectorBytes the part of {@code vectorIndexBytes} taken by vectors: float vectors, one byte per
 *     component for collections with {@link Quantization#INT8}, half a byte per component for
 *     {@link Quantization#INT4} (the rest is the graphs' links and bookkeeping)
 * @param vectorIndexBudgetBytes the bound of {@code vectorIndexBytes} ({@link ChromaClient.Builder#vectorIndexBytes})
 * @param cacheCompressedMaxBytes the part of the memory block cache that may hold blocks as stored (compressed) now:
 *     the pinned {@link ChromaClient.Builder#blockCacheCompressedShare} of it, or the automatic split's current choice
 *     (0 while the blocks read fit the cache decoded)
 * @param cacheCompressedBytes bytes currently held by blocks kept as stored (compressed), at most {@code
 *     cacheCompressedMaxBytes}
 */
public record ClientStats(
        long cacheHits,
        long cacheMisses,
        long cacheBytes,
        long storageGets,
        long storagePuts,
        long storageDeletes,
        long storageRequests,
        long bytesRead,
        long bytesWritten,
        long vectorIndexBytes,
        int vectorIndexCount,
        long vectorIndexVectorBytes,
        long vectorIndexBudgetBytes,
        long cacheCompressedMaxBytes,
        long cacheCompressedBytes) {

    /**
     * Stats without the compressed part of the block cache (both 0), as before it was reported.
     *
     * @param cacheHits block cache hits
     * @param cacheMisses block cache misses
     * @param cacheBytes bytes currently held by the memory block cache as decoded blocks
     * @param storageGets object reads (whole and ranged)
     * @param storagePuts object writes
     * @param storageDeletes object deletes
     * @param storageRequests every request sent to storage
     * @param bytesRead bytes read from storage
     * @param bytesWritten bytes written to storage
     * @param vectorIndexBytes estimated heap bytes of the loaded HNSW indexes
     * @param vectorIndexCount number of loaded HNSW indexes
     * @param vectorIndexVectorBytes the part of {@code vectorIndexBytes} taken by vectors
     * @param vectorIndexBudgetBytes the bound of {@code vectorIndexBytes}
     */
    public ClientStats(
            long cacheHits,
            long cacheMisses,
            long cacheBytes,
            long storageGets,
            long storagePuts,
            long storageDeletes,
            long storageRequests,
            long bytesRead,
            long bytesWritten,
            long vectorIndexBytes,
            int vectorIndexCount,
            long vectorIndexVectorBytes,
            long vectorIndexBudgetBytes) {
        this(
                cacheHits,
                cacheMisses,
                cacheBytes,
                storageGets,
                storagePuts,
                storageDeletes,
                storageRequests,
                bytesRead,
                bytesWritten,
                vectorIndexBytes,
                vectorIndexCount,
                vectorIndexVectorBytes,
                vectorIndexBudgetBytes,
                0,
                0);
    }

    /**
     * Stats without the parts of the HNSW index bytes (both 0), as before they were reported.
     *
     * @param cacheHits block cache hits
     * @param cacheMisses block cache misses
     * @param cacheBytes bytes currently held by the memory block cache
     * @param storageGets object reads (whole and ranged)
     * @param storagePuts object writes
     * @param storageDeletes object deletes
     * @param storageRequests every request sent to storage
     * @param bytesRead bytes read from storage
     * @param bytesWritten bytes written to storage
     * @param vectorIndexBytes estimated heap bytes of the loaded HNSW indexes
     * @param vectorIndexCount number of loaded HNSW indexes
     */
    public ClientStats(
            long cacheHits,
            long cacheMisses,
            long cacheBytes,
            long storageGets,
            long storagePuts,
            long storageDeletes,
            long storageRequests,
            long bytesRead,
            long bytesWritten,
            long vectorIndexBytes,
            int vectorIndexCount) {
        this(
                cacheHits,
                cacheMisses,
                cacheBytes,
                storageGets,
                storagePuts,
                storageDeletes,
                storageRequests,
                bytesRead,
                bytesWritten,
                vectorIndexBytes,
                vectorIndexCount,
                0,
                0);
    }

    /**
     * Stats without HNSW index figures (both 0), as before they were reported.
     *
     * @param cacheHits block cache hits
     * @param cacheMisses block cache misses
     * @param cacheBytes bytes currently held by the memory block cache
     * @param storageGets object reads (whole and ranged)
     * @param storagePuts object writes
     * @param storageDeletes object deletes
     * @param storageRequests every request sent to storage
     * @param bytesRead bytes read from storage
     * @param bytesWritten bytes written to storage
     */
    public ClientStats(
            long cacheHits,
            long cacheMisses,
            long cacheBytes,
            long storageGets,
            long storagePuts,
            long storageDeletes,
            long storageRequests,
            long bytesRead,
            long bytesWritten) {
        this(
                cacheHits,
                cacheMisses,
                cacheBytes,
                storageGets,
                storagePuts,
                storageDeletes,
                storageRequests,
                bytesRead,
                bytesWritten,
                0,
                0);
    }

    /**
     * The fraction of block lookups served by the cache.
     *
     * @return hits / (hits + misses), or 0 when there was no lookup
     */
    public double hitRate() {
        long lookups = cacheHits + cacheMisses;
        return lookups == 0 ? 0.0 : (double) cacheHits / lookups;
    }
}
