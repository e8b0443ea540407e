package dev.chromaj.index.vector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** Generated test data: Gaussian clusters, and brute-force ground truth in double precision. */
final class ClusteredVectors {

    private ClusteredVectors() {}

    static float[][] generate(Random random, int count, int dimension, int clusters) {
        float[][] centers = new float[clusters][dimension];
        for (float[] center : centers) {
            for (int i = 0; i < dimension; i++) {
                center[i] = random.nextFloat() * 2f - 1f;
            }
        }
        float[][] vectors = new float[count][dimension];
        for (float[] v : vectors) {
            float[] center = centers[random.nextInt(clusters)];
            for (int i = 0; i < dimension; i++) {
                v[i] = center[i] + (float) random.nextGaussian() * 0.2f;
            }
        }
        return vectors;
    }

    static double distance(DistanceSpace space, float[] a, float[] b) {
        double dot = 0;
        double aa = 0;
        double bb = 0;
        double l2 = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
            double d = (double) a[i] - b[i];
            l2 += d * d;
        }
        return switch (space) {
            case L2 -> l2;
            case IP -> 1 - dot;
            case COSINE -> 1 - dot / (Math.sqrt(aa * bb) + 1e-30);
        };
    }

    /** Exact top-k offsets of a live map offset -> vector, restricted to {@code allowed} (null = all). */
    static List<Integer> exactTopK(
            DistanceSpace space, float[] query, Map<Integer, float[]> live, int k, Set<Integer> allowed) {
        List<double[]> scored = new ArrayList<>();
        for (Map.Entry<Integer, float[]> e : live.entrySet()) {
            if (allowed == null || allowed.contains(e.getKey())) {
                scored.add(new double[] {distance(space, query, e.getValue()), e.getKey()});
            }
        }
        scored.sort((x, y) -> x[0] != y[0] ? Double.compare(x[0], y[0]) : Double.compare(x[1], y[1]));
        List<Integer> top = new ArrayList<>();
        for (int i = 0; i < Math.min(k, scored.size()); i++) {
            top.add((int) scored.get(i)[1]);
        }
        return top;
    }

    static double recall(List<ScoredOffset> found, List<Integer> truth) {
        if (truth.isEmpty()) {
            return 1.0;
        }
        long hits = found.stream().filter(s -> truth.contains(s.offset())).count();
        return (double) hits / truth.size();
    }
}
