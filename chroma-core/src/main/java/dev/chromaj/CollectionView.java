package dev.chromaj;

/**
 * What one read sees: a compacted version and the log tail on top of it. Immutable; reads pin one view for their
 * whole duration, so compaction and writes never change a result half-way.
 */
record CollectionView(Version version, TailOverlay tail) {

    /** Records visible to reads. */
    long count() {
        return version.segments().count() + tail.liveDelta();
    }
}
