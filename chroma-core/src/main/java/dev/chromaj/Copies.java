package dev.chromaj;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Defensive copies for the immutable value types: lists may hold {@code null} elements, arrays are cloned. */
final class Copies {

    private Copies() {}

    /** An unmodifiable copy that keeps null elements, or null for a null list. */
    static <T> List<T> nullableList(List<? extends T> source) {
        return source == null ? null : Collections.unmodifiableList(new ArrayList<>(source));
    }

    /** An unmodifiable copy of a list of embeddings with every array cloned, or null for a null list. */
    static List<float[]> embeddings(List<float[]> source) {
        if (source == null) {
            return null;
        }
        List<float[]> out = new ArrayList<>(source.size());
        for (float[] e : source) {
            out.add(e == null ? null : e.clone());
        }
        return Collections.unmodifiableList(out);
    }

    /** An unmodifiable copy of metadata maps (each copied, null entries kept), or null for a null list. */
    static List<Map<String, Object>> metadatas(List<Map<String, Object>> source) {
        if (source == null) {
            return null;
        }
        List<Map<String, Object>> out = new ArrayList<>(source.size());
        for (Map<String, Object> m : source) {
            out.add(m == null ? null : ChromaRecord.copyMetadata(m));
        }
        return Collections.unmodifiableList(out);
    }

    /** Applies {@code copy} to each inner list of a list of lists, or null for a null list. */
    static <T> List<List<T>> nested(List<List<T>> source, UnaryOperator<List<T>> copy) {
        if (source == null) {
            return null;
        }
        List<List<T>> out = new ArrayList<>(source.size());
        for (List<T> inner : source) {
            out.add(copy.apply(inner));
        }
        return Collections.unmodifiableList(out);
    }
}
