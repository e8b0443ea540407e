/**
 * chromaj's public API: an embeddable vector database with Chroma's data model, on a local folder or on S3.
 *
 * <p>Entry points:
 *
 * <ul>
 *   <li>{@link dev.chromaj.ChromaClient}: opens a folder ({@code persistent(path)}, or {@code builder()} for S3
 *       ({@link dev.chromaj.S3Config}), caches, compaction, garbage collection and WAL settings such as
 *       {@link dev.chromaj.WalSync}); it is the root of everything else and owns its threads until closed;</li>
 *   <li>{@link dev.chromaj.Database}: the collections of one tenant's database;</li>
 *   <li>{@link dev.chromaj.ChromaCollection}: writes ({@code add}, {@code upsert}, {@code update}, {@code delete}) of
 *       {@link dev.chromaj.ChromaRecord}s and reads;</li>
 *   <li>requests and results: {@link dev.chromaj.GetRequest} / {@link dev.chromaj.GetResult},
 *       {@link dev.chromaj.QueryRequest} / {@link dev.chromaj.QueryResult}, {@link dev.chromaj.DeleteRequest},
 *       {@link dev.chromaj.Search} (ranked by {@link dev.chromaj.Rank}, selecting {@link dev.chromaj.Field}s) /
 *       {@link dev.chromaj.SearchResult} of {@link dev.chromaj.Hit}s, {@link dev.chromaj.Include};</li>
 *   <li>filters: {@link dev.chromaj.Where} (metadata) and {@link dev.chromaj.WhereDocument} (document text), with
 *       Chroma's operators and JSON syntax;</li>
 *   <li>collection settings: {@link dev.chromaj.CollectionOptions} with {@link dev.chromaj.Space},
 *       {@link dev.chromaj.HnswParams} and {@link dev.chromaj.SparseIndex}; {@link dev.chromaj.SparseVector};</li>
 *   <li>embeddings computed from documents: {@link dev.chromaj.EmbeddingFunction}, found again on reopening through
 *       {@link dev.chromaj.EmbeddingFunctionProvider};</li>
 *   <li>state: {@link dev.chromaj.ClientStats}, {@link dev.chromaj.CollectionStats},
 *       {@link dev.chromaj.CompactionFailure}, {@link dev.chromaj.GcResult};</li>
 *   <li>exceptions, all unchecked: {@link dev.chromaj.ChromaException} and its subclasses
 *       {@link dev.chromaj.InvalidArgumentException}, {@link dev.chromaj.NotFoundException},
 *       {@link dev.chromaj.AlreadyExistsException}, {@link dev.chromaj.StorageException} and
 *       {@link dev.chromaj.CorruptionException}.</li>
 * </ul>
 *
 * <p>Everything else in this package is internal: package-private classes of the engine (log tail, executors,
 * compactor, garbage collector, catalog recovery). The modules below this one ({@code chroma-storage},
 * {@code chroma-blockstore}, {@code chroma-wal}, {@code chroma-catalog}, {@code chroma-index},
 * {@code chroma-segment}) are internal too, marked {@link dev.chromaj.annotations.Internal}.
 */
package dev.chromaj;
