package dev.chromaj.benchmarks.vector;

import dev.chromaj.index.vector.DistanceSpace;
import dev.chromaj.index.vector.ExactSearch;
import dev.chromaj.index.vector.ScoredOffset;
import dev.chromaj.index.vector.VectorKernels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * A benchmark dataset: base vectors, queries and exact top-k ground truth (by ordinal of the base vector).
 *
 * @param name        dataset name
 * @param space       distance space the ground truth was computed in
 * @param base        base vectors
 * @param queries     query vectors
 * @param groundTruth exact neighbour ordinals per query, closest first (at least 10)
 */
record VectorDataset(String name, DistanceSpace space, float[][] base, float[][] queries, int[][] groundTruth) {

    int dimension() {
        return base[0].length;
    }

    /** Loads one of the texmex-format datasets under {@code root}, or returns null when its files are absent. */
    static VectorDataset load(Path root, String name) throws IOException {
        return switch (name) {
            case "siftsmall" ->
                texmex(
                        root.resolve("siftsmall"),
                        name,
                        DistanceSpace.L2,
                        "siftsmall_base.fvecs",
                        "siftsmall_query.fvecs",
                        "siftsmall_groundtruth.ivecs");
            case "fmnistsmall" ->
                texmex(
                        root.resolve("fmnistsmall"),
                        name,
                        DistanceSpace.L2,
                        "fmnistsmall_base.fvecs",
                        "fmnistsmall_query.fvecs",
                        "fmnistsmall_groundtruth.ivecs");
            case "scifact-minilm" ->
                texmex(
                        root.resolve("scifact-minilm"),
                        name,
                        DistanceSpace.COSINE,
                        "scifact_minilm_pca128_base.fvecs",
                        "scifact_minilm_pca128_query.fvecs",
                        "scifact_minilm_pca128_groundtruth_ip.ivecs");
            default -> {
                if (name.startsWith("generated")) {
                    yield generated(name);
                }
                throw new IllegalArgumentException(
                        "unknown dataset " + name + " (siftsmall, fmnistsmall, scifact-minilm, generated<N>k[x<dim>])");
            }
        };
    }

    private static VectorDataset texmex(
            Path folder, String name, DistanceSpace space, String base, String query, String truth) throws IOException {
        if (!Files.isRegularFile(folder.resolve(base))) {
            return null;
        }
        return new VectorDataset(
                name,
                space,
                readFvecs(folder.resolve(base)),
                readFvecs(folder.resolve(query)),
                readIvecs(folder.resolve(truth)));
    }

    /**
     * {@code generated100k} (or {@code generated1000kx128}): clustered Gaussian data, 1000 queries drawn from the
     * same distribution, ground truth by exhaustive search (parallel). A {@code cos} suffix
     * ({@code generated1kx1536cos}, {@code generated1kx384cos}) makes unit-norm vectors compared in the cosine space
     * (embedding-model-like: 48 latent dimensions instead of 24).
     */
    static VectorDataset generated(String name) {
        String spec = name.substring("generated".length());
        boolean cosine = spec.endsWith("cos");
        if (cosine) {
            spec = spec.substring(0, spec.length() - 3);
        }
        int x = spec.indexOf('x');
        if (x >= 0) {
            spec = spec.substring(0, x);
        }
        int count = Integer.parseInt(spec.replace("k", "")) * (spec.endsWith("k") ? 1000 : 1);
        return generated(name, count, 1000, cosine);
    }

    /**
     * A generated set named like {@link #generated(String)} ({@code generated<count>x<dim>[cos]}; the count in the
     * name is ignored in favour of {@code count}) with {@code queryCount} queries, seeded (42).
     */
    static VectorDataset generated(String name, int count, int queryCount, boolean cosine) {
        String spec = name.substring("generated".length());
        if (spec.endsWith("cos")) {
            spec = spec.substring(0, spec.length() - 3);
        }
        int dimension = 128;
        int x = spec.indexOf('x');
        if (x >= 0) {
            dimension = Integer.parseInt(spec.substring(x + 1));
        }
        Random random = new Random(42);
        // Real embeddings have a low intrinsic dimension: draw clustered points in a 24-dimensional latent space
        // and map them linearly to the target dimension, plus a little isotropic noise.
        int latent = Math.min(cosine ? 48 : 24, dimension);
        int clusters = Math.max(16, count / 1000);
        float[][] centers = gaussian(random, clusters, latent, 1f);
        float[][] projection = gaussian(random, latent, dimension, (float) (1 / Math.sqrt(latent)));
        float[][] base = sample(random, centers, projection, count);
        float[][] queries = sample(random, centers, projection, queryCount);
        DistanceSpace space = DistanceSpace.L2;
        if (cosine) {
            space = DistanceSpace.COSINE;
            for (float[] v : base) {
                VectorKernels.normalize(v);
            }
            for (float[] v : queries) {
                VectorKernels.normalize(v);
            }
        }
        DistanceSpace truthSpace = space;
        int[] ordinals = IntStream.range(0, count).toArray();
        int[][] truth = IntStream.range(0, queries.length)
                .parallel()
                .mapToObj(q -> {
                    List<ScoredOffset> top = ExactSearch.search(truthSpace, queries[q], 10, ordinals, base);
                    return top.stream().mapToInt(ScoredOffset::offset).toArray();
                })
                .toArray(int[][]::new);
        return new VectorDataset(name, space, base, queries, truth);
    }

    private static float[][] gaussian(Random random, int rows, int columns, float scale) {
        float[][] matrix = new float[rows][columns];
        for (float[] row : matrix) {
            for (int i = 0; i < columns; i++) {
                row[i] = (float) random.nextGaussian() * scale;
            }
        }
        return matrix;
    }

    private static float[][] sample(Random random, float[][] centers, float[][] projection, int count) {
        int latent = projection.length;
        int dimension = projection[0].length;
        float[][] vectors = new float[count][dimension];
        float[] point = new float[latent];
        for (float[] v : vectors) {
            float[] center = centers[random.nextInt(centers.length)];
            for (int j = 0; j < latent; j++) {
                point[j] = center[j] + (float) random.nextGaussian() * 0.35f;
            }
            for (int j = 0; j < latent; j++) {
                for (int i = 0; i < dimension; i++) {
                    v[i] += point[j] * projection[j][i];
                }
            }
            for (int i = 0; i < dimension; i++) {
                v[i] += (float) random.nextGaussian() * 0.02f;
            }
        }
        return vectors;
    }

    static float[][] readFvecs(Path file) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int dimension = buffer.getInt(0);
        int count = buffer.capacity() / (4 + 4 * dimension);
        float[][] vectors = new float[count][dimension];
        for (float[] v : vectors) {
            int d = buffer.getInt();
            if (d != dimension) {
                throw new IOException(file + ": record dimension " + d + " differs from " + dimension);
            }
            for (int i = 0; i < dimension; i++) {
                v[i] = buffer.getFloat();
            }
        }
        return vectors;
    }

    static int[][] readIvecs(Path file) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int dimension = buffer.getInt(0);
        int count = buffer.capacity() / (4 + 4 * dimension);
        int[][] rows = new int[count][dimension];
        for (int[] row : rows) {
            buffer.getInt();
            for (int i = 0; i < dimension; i++) {
                row[i] = buffer.getInt();
            }
        }
        return rows;
    }
}
