/**
 * Annotations of chromaj's own code: {@link dev.chromaj.annotations.Internal} marks the types and packages of the
 * lower modules (storage, blockstore, wal, catalog, index, segment) that are public only for {@code chroma-core}.
 *
 * <p>Entry point: {@link dev.chromaj.annotations.Internal}.
 */
package dev.chromaj.annotations;
