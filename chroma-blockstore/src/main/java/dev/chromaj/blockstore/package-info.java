/**
 * Immutable Arrow blockfiles over a {@link dev.chromaj.storage.Storage}, read through a byte-bounded
 * {@link dev.chromaj.blockstore.BlockCache}.
 *
 * <p>A blockfile is a sorted map {@code (prefix, key) -> value} with one {@link dev.chromaj.blockstore.KeyType} and
 * one {@link dev.chromaj.blockstore.ValueType}. Its entries are stored in blocks (one Arrow IPC file with one record
 * batch {@code prefix, key, value} each, cut at {@link dev.chromaj.blockstore.BlockfileOptions#maxBlockBytes()}) and
 * listed by a root (an Arrow IPC file of first prefix/key, block id, entry count and block size per block, with the
 * format version, key type, value type and maximum block size in its schema metadata). Every object is wrapped in a
 * small frame (magic, format version, kind; footer with length and CRC32C) that is verified on every read.
 *
 * <p>Entry point: {@link dev.chromaj.blockstore.BlockfileStore} ({@code create}, {@code fork}, {@code open}).
 *
 * <p>Internal to chromaj: this package serves {@code chroma-core} and is not a stable API; its public types are
 * public only so that other chromaj modules can use them, and are marked {@link dev.chromaj.annotations.Internal}.
 */
@Internal
package dev.chromaj.blockstore;

import dev.chromaj.annotations.Internal;
