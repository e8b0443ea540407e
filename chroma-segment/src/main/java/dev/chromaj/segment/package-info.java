/**
 * A collection version's segments over blockfiles: records, metadata indices, full text, the HNSW vector segment
 * and one sparse segment per sparse key, described by a {@link dev.chromaj.segment.SegmentManifest}. Compaction
 * materializes log records into one final state per id ({@link dev.chromaj.segment.Materializer}) and writes the
 * next version from the previous one, rewriting only changed blocks ({@link dev.chromaj.segment.SegmentWriter});
 * reads open a version ({@link dev.chromaj.segment.CollectionSegments}) and evaluate filters on bitmaps.
 *
 * <p>Entry points: {@link dev.chromaj.segment.SegmentWriter} (write) and
 * {@link dev.chromaj.segment.CollectionSegments} (read).
 *
 * <p>Internal to chromaj: this package serves {@code chroma-core} and is not a stable API; its public types are
 * public only so that other chromaj modules can use them, and are marked {@link dev.chromaj.annotations.Internal}.
 */
@Internal
package dev.chromaj.segment;

import dev.chromaj.annotations.Internal;
