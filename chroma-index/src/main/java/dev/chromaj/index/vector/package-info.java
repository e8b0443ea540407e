/**
 * Dense vector search without I/O: the distance spaces ({@link dev.chromaj.index.vector.DistanceSpace}), distance
 * kernels (plain Java, or the Panama Vector API on JDK 21+: {@link dev.chromaj.index.vector.VectorKernels}), an
 * in-memory HNSW graph over record offsets with filtered search and snapshots for storage
 * ({@link dev.chromaj.index.vector.HnswIndex}, {@link dev.chromaj.index.vector.HnswGraphSnapshot}), and exact
 * search ({@link dev.chromaj.index.vector.ExactSearch}).
 *
 * <p>Entry point: {@link dev.chromaj.index.vector.HnswIndex}.
 *
 * <p>Internal to chromaj: this package serves {@code chroma-core} and is not a stable API; its public types are
 * public only so that other chromaj modules can use them, and are marked {@link dev.chromaj.annotations.Internal}.
 */
@Internal
package dev.chromaj.index.vector;

import dev.chromaj.annotations.Internal;
