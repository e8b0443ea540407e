package dev.chromaj.benchmarks.s3cost;

import dev.chromaj.ChromaRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The records of the small S3 workload: 384-d unit vectors with Gaussian components (the shape of sentence-model
 * embeddings), a document of about 500 bytes of pseudo-English (words drawn by Zipf(1.0) from a generated
 * 10,000-word vocabulary, so its compressibility is close to English text), and 5 metadata fields:
 * {@code category} (string, 20 values), {@code author} (string, 1,000 values), {@code year} (int 1990..2025),
 * {@code score} (float in [0, 1)) and {@code published} (bool).
 *
 * <p>Record {@code (i, generation)} depends only on the seed, {@code i} and {@code generation}: an update is the same
 * id with the next generation. Ids are {@code doc-<i>} with {@code i} zero-padded to 8 digits.
 */
final class WorkloadRecords {
    static final int DIMENSION = 384;
    static final int DOCUMENT_BYTES = 500;
    private static final int VOCABULARY = 10_000;

    private final long seed;
    private final String[] words;
    /** Cumulative Zipf(1.0) weights over the vocabulary, for inverse-transform sampling. */
    private final double[] cumulative;

    WorkloadRecords(long seed) {
        this.seed = seed;
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        String[] onsets = {"b", "c", "d", "f", "g", "h", "l", "m", "n", "p", "r", "s", "t", "v", "w", "st", "tr", "pl"};
        String[] vowels = {"a", "e", "i", "o", "u", "ea", "io", "ou"};
        String[] codas = {"", "", "n", "r", "s", "t", "l", "nd", "ng", "st"};
        words = new String[VOCABULARY];
        for (int w = 0; w < VOCABULARY; w++) {
            // frequent words are short, as in natural language
            int syllables = w < 100 ? 1 : (w < 2_000 ? 1 + r.nextInt(2) : 2 + r.nextInt(2));
            StringBuilder word = new StringBuilder();
            for (int s = 0; s < syllables; s++) {
                word.append(onsets[r.nextInt(onsets.length)])
                        .append(vowels[r.nextInt(vowels.length)])
                        .append(codas[r.nextInt(codas.length)]);
            }
            words[w] = word.toString();
        }
        cumulative = new double[VOCABULARY];
        double sum = 0;
        for (int w = 0; w < VOCABULARY; w++) {
            sum += 1.0 / (w + 1);
            cumulative[w] = sum;
        }
        for (int w = 0; w < VOCABULARY; w++) {
            cumulative[w] /= sum;
        }
    }

    static String id(int i) {
        return String.format(Locale.ROOT, "doc-%08d", i);
    }

    /** Record {@code i} in its {@code generation} (0: as first added). */
    ChromaRecord record(int i, int generation) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i * 1_000_003L + generation);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("category", "category-" + r.nextInt(20));
        metadata.put("author", "author-" + r.nextInt(1_000));
        metadata.put("year", 1990 + r.nextInt(36));
        metadata.put("score", r.nextDouble());
        metadata.put("published", r.nextBoolean());
        return ChromaRecord.builder(id(i))
                .embedding(vector(r))
                .document(document(r))
                .metadata(metadata)
                .build();
    }

    List<ChromaRecord> records(int from, int count, int generation) {
        List<ChromaRecord> out = new ArrayList<>(count);
        for (int i = from; i < from + count; i++) {
            out.add(record(i, generation));
        }
        return out;
    }

    /** A query vector of the same distribution as the records' embeddings. */
    static float[] vector(SplittableRandom r) {
        float[] v = new float[DIMENSION];
        double norm = 0;
        for (int d = 0; d < DIMENSION; d++) {
            double g = gaussian(r);
            v[d] = (float) g;
            norm += g * g;
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int d = 0; d < DIMENSION; d++) {
            v[d] *= scale;
        }
        return v;
    }

    private String document(SplittableRandom r) {
        StringBuilder doc = new StringBuilder(DOCUMENT_BYTES + 16);
        boolean sentenceStart = true;
        while (doc.length() < DOCUMENT_BYTES) {
            String w = words[word(r)];
            if (sentenceStart) {
                doc.append(Character.toUpperCase(w.charAt(0))).append(w, 1, w.length());
                sentenceStart = false;
            } else {
                doc.append(' ').append(w);
            }
            if (r.nextInt(12) == 0) {
                doc.append(". ");
                sentenceStart = true;
            }
        }
        return doc.toString().trim();
    }

    private int word(SplittableRandom r) {
        double u = r.nextDouble();
        int lo = 0;
        int hi = VOCABULARY - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static double gaussian(SplittableRandom r) {
        double u = r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    /**
     * Raw bytes of a record as the user handed them: id, 4 bytes per vector component, UTF-8 document, metadata keys
     * and values (strings as UTF-8, numbers 8 bytes, booleans 1 byte).
     */
    static long rawBytes(ChromaRecord rec) {
        long bytes = utf8(rec.id());
        if (rec.embedding() != null) {
            bytes += 4L * rec.embedding().length;
        }
        if (rec.document() != null) {
            bytes += utf8(rec.document());
        }
        if (rec.metadata() != null) {
            for (Map.Entry<String, Object> e : rec.metadata().entrySet()) {
                bytes += utf8(e.getKey());
                Object v = e.getValue();
                bytes += v instanceof String s ? utf8(s) : (v instanceof Boolean ? 1 : 8);
            }
        }
        return bytes;
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
