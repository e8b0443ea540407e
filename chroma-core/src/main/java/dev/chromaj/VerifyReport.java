package dev.chromaj;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What {@link ChromaClient#verify()} found: every object the kept versions of every collection reference (version
 * manifests, blockfile roots, blocks) was read from storage and checked as a reader checks it.
 *
 * @param collections collections verified
 * @param versions versions whose manifests were read
 * @param objects objects read and checked (manifests, roots and blocks; an object several versions share counts once)
 * @param bytes bytes read
 * @param problems every object found damaged or missing, in the order found; empty when all is well
 * @param duration how long the verification took
 */
public record VerifyReport(
        int collections, long versions, long objects, long bytes, List<Problem> problems, Duration duration) {

    /** Copies the list and checks the fields. */
    public VerifyReport {
        problems = List.copyOf(problems);
        Objects.requireNonNull(duration, "duration");
    }

    /**
     * Whether every referenced object exists and passed its checks.
     *
     * @return true when {@link #problems()} is empty
     */
    public boolean ok() {
        return problems.isEmpty();
    }

    /**
     * The objects that exist but failed a check.
     *
     * @return the {@link Problem.Kind#DAMAGED} problems
     */
    public List<Problem> damaged() {
        return problems.stream().filter(p -> p.kind() == Problem.Kind.DAMAGED).toList();
    }

    /**
     * The referenced objects that do not exist.
     *
     * @return the {@link Problem.Kind#MISSING} problems
     */
    public List<Problem> missing() {
        return problems.stream().filter(p -> p.kind() == Problem.Kind.MISSING).toList();
    }

    /**
     * One damaged or missing object.
     *
     * @param kind damaged or missing
     * @param key the object's storage key, e.g. {@code collection/<uuid>/block/<uuid>}
     * @param collection the collection whose version references it, as {@code tenant/database/name}
     * @param collectionId that collection's id
     * @param detail what is wrong, e.g. the failed check
     */
    public record Problem(Kind kind, String key, String collection, UUID collectionId, String detail) {

        /** Checks the fields. */
        public Problem {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(key, "key");
        }

        /** What is wrong with an object. */
        public enum Kind {
            /** The object exists but failed a check: checksum, format, decoding or entry count. */
            DAMAGED,
            /** A kept version references the object but storage does not have it. */
            MISSING
        }

        @Override
        public String toString() {
            return kind + " " + key + " (collection " + collection + "): " + detail;
        }
    }
}
