package dev.chromaj.index.vector;

import dev.chromaj.annotations.Internal;
import java.util.Optional;

/**
 * Chroma's distance spaces. Every distance is "smaller is closer".
 *
 * <ul>
 *   <li>{@link #L2}: squared Euclidean distance (Chroma's default space).</li>
 *   <li>{@link #COSINE}: {@code 1 - cos(a, b)}; indexes normalize vectors at insert and compute {@code 1 - dot}.</li>
 *   <li>{@link #IP}: inner product distance {@code 1 - dot(a, b)}.</li>
 * </ul>
 */
@Internal
public enum DistanceSpace {
    /** Squared Euclidean distance. */
    L2(0),
    /** Cosine distance {@code 1 - cos}. */
    COSINE(1),
    /** Inner product distance {@code 1 - dot}. */
    IP(2);

    private final int code;

    DistanceSpace(int code) {
        this.code = code;
    }

    /**
     * This space's number in stored formats (HNSW graph headers). Codes are fixed: a new space takes a new code, and
     * reordering the constants changes nothing on disk.
     */
    public int code() {
        return code;
    }

    /** The space stored as {@code code}, or empty when no space has that code. */
    public static Optional<DistanceSpace> ofCode(int code) {
        for (DistanceSpace space : values()) {
            if (space.code == code) {
                return Optional.of(space);
            }
        }
        return Optional.empty();
    }
}
