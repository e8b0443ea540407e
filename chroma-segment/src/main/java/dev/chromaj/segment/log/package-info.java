/**
 * Log records: the operations a write puts in the WAL ({@link dev.chromaj.segment.log.LogOperation} with its
 * {@link dev.chromaj.segment.log.RecordChange}s: embedding, document, metadata, URI, sparse vectors) and their
 * versioned binary encoding ({@link dev.chromaj.segment.log.LogCodec}), which rejects malformed input with
 * {@link dev.chromaj.segment.log.LogFormatException}.
 *
 * <p>Entry point: {@link dev.chromaj.segment.log.LogCodec}.
 *
 * <p>Internal to chromaj: this package serves {@code chroma-core} and is not a stable API; its public types are
 * public only so that other chromaj modules can use them, and are marked {@link dev.chromaj.annotations.Internal}.
 */
@Internal
package dev.chromaj.segment.log;

import dev.chromaj.annotations.Internal;
