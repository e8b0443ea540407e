/**
 * Sparse retrieval without I/O: posting lists of (offset, value) pairs in compressed blocks with per-block bounds
 * ({@link dev.chromaj.index.sparse.PostingBlock}, {@link dev.chromaj.index.sparse.PostingSkips}), the kinds of
 * values they hold ({@link dev.chromaj.index.sparse.ValueKind}), BM25 and dot-product term weights, and exact top-k
 * evaluation of a {@link dev.chromaj.index.sparse.SparseQuery} with Block-Max WAND / MaxScore
 * ({@link dev.chromaj.index.sparse.BlockMaxWand}, {@link dev.chromaj.index.sparse.BlockMaxMaxScore}), checked
 * against {@link dev.chromaj.index.sparse.Exhaustive}. Where the blocks are stored is the caller's concern
 * ({@link dev.chromaj.index.sparse.PostingSource}).
 *
 * <p>Entry point: {@link dev.chromaj.index.sparse.SparseQuery} (built from
 * {@link dev.chromaj.index.sparse.PostingList}s), evaluated by {@link dev.chromaj.index.sparse.BlockMaxWand}.
 *
 * <p>Internal to chromaj: this package serves {@code chroma-core} and is not a stable API; its public types are
 * public only so that other chromaj modules can use them, and are marked {@link dev.chromaj.annotations.Internal}.
 */
@Internal
package dev.chromaj.index.sparse;

import dev.chromaj.annotations.Internal;
