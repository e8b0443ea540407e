/**
 * Object storage under chromaj's blockfiles, version manifests and WAL archive: a flat key to bytes store with
 * ranged reads, conditional puts (create-only and compare-and-swap on the ETag), deletes and listings in UTF-8 key
 * order, on a local folder ({@link dev.chromaj.storage.LocalStorage}) or on S3 and S3-compatible stores
 * ({@link dev.chromaj.storage.S3Storage}, configured by {@link dev.chromaj.storage.S3StorageConfig}: retries with
 * backoff, multipart uploads, request counters in {@link dev.chromaj.storage.StorageStats}). Failures are
 * {@link dev.chromaj.storage.ObjectStorageException}s naming the operation and the key.
 *
 * <p>Entry point: {@link dev.chromaj.storage.Storage}.
 *
 * <p>Internal to chromaj: this package serves {@code chroma-core} and is not a stable API; its public types are
 * public only so that other chromaj modules can use them, and are marked {@link dev.chromaj.annotations.Internal}.
 */
@Internal
package dev.chromaj.storage;

import dev.chromaj.annotations.Internal;
