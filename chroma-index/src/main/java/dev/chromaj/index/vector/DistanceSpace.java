package dev.chromaj.index.vector;

/**
 * Chroma's distance spaces. Every distance is "smaller is closer".
 *
 * <ul>
 *   <li>{@link #L2}: squared Euclidean distance (Chroma's default space).</li>
 *   <li>{@link #COSINE}: {@code 1 - cos(a, b)}; indexes normalize vectors at insert and compute {@code 1 - dot}.</li>
 *   <li>{@link #IP}: inner product distance {@code 1 - dot(a, b)}.</li>
 * </ul>
 */
public enum DistanceSpace {
    /** Squared Euclidean distance. */
    L2,
    /** Cosine distance {@code 1 - cos}. */
    COSINE,
    /** Inner product distance {@code 1 - dot}. */
    IP
}
