package dev.chromaj;

import java.util.Locale;

/** The distance function of a collection's dense embeddings. Fixed when the collection is created. */
public enum Space {
    /** Squared Euclidean distance (Chroma's default). */
    L2("l2"),
    /** {@code 1 - cosine similarity}. */
    COSINE("cosine"),
    /** Inner product: {@code 1 - dot product}. */
    IP("ip");

    private final String chromaName;

    Space(String chromaName) {
        this.chromaName = chromaName;
    }

    /**
     * The name Chroma uses ({@code "l2"}, {@code "cosine"}, {@code "ip"}).
     *
     * @return the lower-case name
     */
    public String chromaName() {
        return chromaName;
    }

    /**
     * Looks a space up by its Chroma name, case-insensitively.
     *
     * @param name {@code "l2"}, {@code "cosine"} or {@code "ip"}
     * @return the space
     * @throws InvalidArgumentException for any other name
     */
    public static Space fromChromaName(String name) {
        if (name != null) {
            String lower = name.toLowerCase(Locale.ROOT);
            for (Space space : values()) {
                if (space.chromaName.equals(lower)) {
                    return space;
                }
            }
        }
        throw new InvalidArgumentException("Expected space to be one of l2, cosine, ip, got " + name);
    }
}
