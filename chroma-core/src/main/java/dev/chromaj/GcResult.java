package dev.chromaj;

/**
 * What one garbage collection pass removed.
 *
 * @param versionsDeleted segment versions dropped (outside the keep window and unpinned)
 * @param objectsDeleted storage objects deleted (blocks, roots, manifests, orphans)
 * @param bytesDeleted bytes of the deleted objects
 * @param walObjectsDeleted archived WAL objects deleted below the compacted position
 */
public record GcResult(long versionsDeleted, long objectsDeleted, long bytesDeleted, long walObjectsDeleted) {

    /** A pass that removed nothing. */
    public static final GcResult NOTHING = new GcResult(0, 0, 0, 0);
}
