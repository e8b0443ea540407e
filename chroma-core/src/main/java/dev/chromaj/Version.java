package dev.chromaj;

import dev.chromaj.segment.CollectionSegments;
import dev.chromaj.segment.SegmentManifest;

/**
 * One compacted version of a collection: its number, the log position it includes, and its segment readers.
 * Immutable.
 */
record Version(long number, long logPosition, SegmentManifest manifest, CollectionSegments segments) {}
