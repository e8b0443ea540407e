package dev.chromaj.benchmarks.embeddings;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chromaj.embeddings.MiniLmEmbeddingFunction;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embedding candidates for all-MiniLM-L6-v2 on BEIR SciFact: throughput, agreement with each other, and retrieval
 * quality of chromaj's function.
 *
 * <p>Arguments: {@code [datasetsDir (default ../shared/datasets)] [throughputDocs (default 1000)] [rounds (default
 * 2)] [ablation: true|false (default false)]}. Skips cleanly when the dataset is absent.
 *
 * <p>Texts: a document is {@code (title + " " + text).strip()}, as BEIR's and MTEB's dense retrieval evaluators build
 * it; a query is its text. Candidates, all on the same fp32 ONNX model: (a) LangChain4j's
 * {@code AllMiniLmL6V2EmbeddingModel}, one text per model run on its executor of 1 or 2 threads (its ONNX Runtime
 * session uses its default intra-op threads); (b) ONNX Runtime with the Hugging Face tokenizers (Rust, through DJL),
 * batches of 32 sorted by length, under three thread layouts; (c) chromaj's {@link MiniLmEmbeddingFunction} with 1
 * and 2 threads. Throughput: the first {@code throughputDocs} documents per measurement, candidates interleaved in
 * each round after one warm-up call each; documents per second per round are printed.
 *
 * <p>Quality: chromaj's function embeds the whole corpus and the 300 test queries; exact cosine ranks all documents;
 * nDCG@10 and recall@100 with trec_eval's definitions. With ablation, also text without title, and truncation at 128
 * and 512 tokens through candidate (b)'s code, to show what each choice is worth.
 */
public final class EmbeddingBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddingBenchmark.class);
    private static final int DIMENSION = 384;

    private EmbeddingBenchmark() {}

    /** Runs the benchmark; see the class description for arguments. */
    public static void main(String[] args) throws Exception {
        Path datasets = Path.of(args.length > 0 ? args[0] : "../shared/datasets");
        int throughputDocs = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        boolean ablation = args.length > 3 && Boolean.parseBoolean(args[3]);
        Path scifact = datasets.resolve("scifact");
        if (!Files.isRegularFile(scifact.resolve("corpus.jsonl"))) {
            LOG.warn("SciFact not found under {}: skipping", datasets.toAbsolutePath());
            return;
        }
        Corpus corpus = Corpus.load(scifact, true);
        LOG.info(
                "SciFact: {} documents, {} test queries; {} processors",
                corpus.docIds.size(),
                corpus.qrels.size(),
                Runtime.getRuntime().availableProcessors());
        List<String> sample = corpus.docTexts.subList(0, Math.min(throughputDocs, corpus.docTexts.size()));

        Map<String, Function<List<String>, List<float[]>>> candidates = new LinkedHashMap<>();
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            for (int threads : new int[] {1, 2}) {
                ExecutorService executor = Executors.newFixedThreadPool(threads, daemon("langchain4j"));
                resources.add(executor::shutdownNow);
                AllMiniLmL6V2EmbeddingModel model = new AllMiniLmL6V2EmbeddingModel(executor);
                candidates.put("(a) langchain4j, executor " + threads, texts -> langchain4j(model, texts));
            }
            HfOrtEncoder.Layout[] layouts = {
                new HfOrtEncoder.Layout(1, 1),
                new HfOrtEncoder.Layout(2, 1),
                new HfOrtEncoder.Layout(1, 2),
                new HfOrtEncoder.Layout(2, 2)
            };
            for (HfOrtEncoder.Layout layout : layouts) {
                HfOrtEncoder encoder = new HfOrtEncoder(layout, 256);
                resources.add(encoder);
                candidates.put(
                        "(b) ORT + HF tokenizers, intra-op " + layout.intraOp() + " x batch workers "
                                + layout.workers(),
                        encoder::embed);
            }
            for (int threads : new int[] {1, 2}) {
                MiniLmEmbeddingFunction function =
                        MiniLmEmbeddingFunction.builder().threads(threads).build();
                resources.add(function);
                candidates.put("(c) chromaj MiniLmEmbeddingFunction, threads " + threads, function::embedDocuments);
            }
            Map<String, List<float[]>> lastVectors = measureThroughput(candidates, sample, rounds);
            reportAgreement(lastVectors, sample);
            evaluateQuality(
                    corpus,
                    candidates.get("(c) chromaj MiniLmEmbeddingFunction, threads 2"),
                    "(c) chromaj, title + text, 256 tokens");
            if (ablation) {
                runAblation(scifact, corpus);
            }
        } finally {
            for (AutoCloseable resource : resources) {
                resource.close();
            }
        }
    }

    private static Map<String, List<float[]>> measureThroughput(
            Map<String, Function<List<String>, List<float[]>>> candidates, List<String> sample, int rounds) {
        for (Map.Entry<String, Function<List<String>, List<float[]>>> candidate : candidates.entrySet()) {
            List<float[]> warm = candidate.getValue().apply(sample.subList(0, Math.min(64, sample.size())));
            if (warm.isEmpty()) { // warm-up: the result is checked so the call is never dead code
                throw new IllegalStateException(candidate.getKey() + " returned no vectors");
            }
        }
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        Map<String, List<float[]>> vectors = new HashMap<>();
        List<String> names = new ArrayList<>(candidates.keySet());
        for (int round = 0; round < rounds; round++) {
            // rotate the order so that no candidate always runs first or last
            for (int i = 0; i < names.size(); i++) {
                String name = names.get((i + round) % names.size());
                long start = System.nanoTime();
                List<float[]> result = candidates.get(name).apply(sample);
                double seconds = (System.nanoTime() - start) / 1e9;
                rates.computeIfAbsent(name, n -> new ArrayList<>()).add(sample.size() / seconds);
                vectors.put(name, result);
                LOG.info(
                        "round {} {}: {} docs/s",
                        round + 1,
                        name,
                        String.format(Locale.ROOT, "%.1f", sample.size() / seconds));
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%nThroughput, %d SciFact documents per measurement, %d rounds (docs/s per round, median)%n",
                sample.size(),
                rounds);
        for (Map.Entry<String, List<Double>> entry : rates.entrySet()) {
            List<Double> sorted = new ArrayList<>(entry.getValue());
            sorted.sort(null);
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %s | %.1f |%n",
                    entry.getKey(),
                    entry.getValue().stream()
                            .map(r -> String.format(Locale.ROOT, "%.1f", r))
                            .toList(),
                    sorted.get(sorted.size() / 2));
        }
        return vectors;
    }

    private static void reportAgreement(Map<String, List<float[]>> vectors, List<String> sample) {
        List<float[]> reference = vectors.get("(b) ORT + HF tokenizers, intra-op 1 x batch workers 1");
        System.out.printf(
                Locale.ROOT,
                "%nAgreement with (b) (Hugging Face tokenizers, truncation 256 like Chroma), %d documents%n",
                sample.size());
        for (Map.Entry<String, List<float[]>> entry : vectors.entrySet()) {
            double minCosine = 1;
            double maxDiff = 0;
            int below = 0;
            for (int i = 0; i < sample.size(); i++) {
                double cosine = cosine(reference.get(i), entry.getValue().get(i));
                minCosine = Math.min(minCosine, cosine);
                maxDiff = Math.max(
                        maxDiff,
                        maxAbsDifference(reference.get(i), entry.getValue().get(i)));
                below += cosine < 0.9999 ? 1 : 0;
            }
            System.out.printf(
                    Locale.ROOT,
                    "| %s | min cosine %.6f | max abs diff %.2e | docs with cosine < 0.9999: %d |%n",
                    entry.getKey(),
                    minCosine,
                    maxDiff,
                    below);
        }
    }

    private static void evaluateQuality(Corpus corpus, Function<List<String>, List<float[]>> embed, String label) {
        long start = System.nanoTime();
        List<float[]> docs = embed.apply(corpus.docTexts);
        double docSeconds = (System.nanoTime() - start) / 1e9;
        List<String> queryIds = new ArrayList<>(corpus.qrels.keySet());
        List<float[]> queries =
                embed.apply(queryIds.stream().map(corpus.queries::get).toList());
        double ndcg = 0;
        double recall = 0;
        for (int q = 0; q < queryIds.size(); q++) {
            List<String> ranking = rank(queries.get(q), docs, corpus.docIds, 100);
            Map<String, Integer> judged = corpus.qrels.get(queryIds.get(q));
            ndcg += ndcg(ranking, judged, 10);
            recall += recall(ranking, judged, 100);
        }
        System.out.printf(
                Locale.ROOT,
                "%nQuality %s: whole corpus (%d docs) embedded in %.1f s (%.1f docs/s); %d test queries: "
                        + "nDCG@10 %.4f, recall@100 %.4f%n",
                label,
                docs.size(),
                docSeconds,
                docs.size() / docSeconds,
                queryIds.size(),
                ndcg / queryIds.size(),
                recall / queryIds.size());
    }

    private static void runAblation(Path scifact, Corpus corpus) throws Exception {
        Corpus textOnly = Corpus.load(scifact, false);
        try (HfOrtEncoder at256 = new HfOrtEncoder(new HfOrtEncoder.Layout(1, 2), 256);
                HfOrtEncoder at128 = new HfOrtEncoder(new HfOrtEncoder.Layout(1, 2), 128);
                HfOrtEncoder at512 = new HfOrtEncoder(new HfOrtEncoder.Layout(2, 2), 512)) {
            evaluateQuality(textOnly, at256::embed, "(b) text without title, 256 tokens");
            evaluateQuality(corpus, at128::embed, "(b) title + text, 128 tokens (tokenizer.json's own setting)");
            evaluateQuality(corpus, at512::embed, "(b) title + text, 512 tokens (the model's position limit)");
        }
    }

    private static List<float[]> langchain4j(AllMiniLmL6V2EmbeddingModel model, List<String> texts) {
        List<Embedding> embeddings =
                model.embedAll(texts.stream().map(TextSegment::from).toList()).content();
        return embeddings.stream().map(Embedding::vector).toList();
    }

    static List<String> rank(float[] query, List<float[]> docs, List<String> ids, int k) {
        Integer[] order = new Integer[docs.size()];
        double[] scores = new double[docs.size()];
        for (int i = 0; i < docs.size(); i++) {
            order[i] = i;
            scores[i] = cosine(query, docs.get(i));
        }
        Arrays.sort(
                order,
                (a, b) -> scores[a] != scores[b]
                        ? Double.compare(scores[b], scores[a])
                        : ids.get(a).compareTo(ids.get(b)));
        List<String> ranking = new ArrayList<>(k);
        for (int i = 0; i < Math.min(k, order.length); i++) {
            ranking.add(ids.get(order[i]));
        }
        return ranking;
    }

    /** trec_eval ndcg_cut: linear gains, log2(rank + 1) discounts, ideal DCG from the judged documents. */
    static double ndcg(List<String> ranking, Map<String, Integer> judged, int k) {
        double dcg = 0;
        for (int i = 0; i < Math.min(k, ranking.size()); i++) {
            dcg += judged.getOrDefault(ranking.get(i), 0) / log2(i + 2);
        }
        List<Integer> ideal = new ArrayList<>(judged.values());
        ideal.sort(Comparator.reverseOrder());
        double idcg = 0;
        for (int i = 0; i < Math.min(k, ideal.size()); i++) {
            idcg += ideal.get(i) / log2(i + 2);
        }
        return idcg == 0 ? 0 : dcg / idcg;
    }

    static double recall(List<String> ranking, Map<String, Integer> judged, int k) {
        long relevant = judged.values().stream().filter(g -> g > 0).count();
        long found = ranking.subList(0, Math.min(k, ranking.size())).stream()
                .filter(id -> judged.getOrDefault(id, 0) > 0)
                .count();
        return relevant == 0 ? 0 : (double) found / relevant;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    static double maxAbsDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread t = new Thread(runnable, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** SciFact documents (title + text, or text only), test queries and qrels. */
    static final class Corpus {
        final List<String> docIds = new ArrayList<>();
        final List<String> docTexts = new ArrayList<>();
        final Map<String, String> queries = new HashMap<>();
        final Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();

        static Corpus load(Path dir, boolean withTitle) throws IOException {
            Corpus corpus = new Corpus();
            ObjectMapper json = new ObjectMapper();
            try (BufferedReader in = Files.newBufferedReader(dir.resolve("corpus.jsonl"), StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (!line.isBlank()) {
                        JsonNode doc = json.readTree(line);
                        corpus.docIds.add(doc.get("_id").asText());
                        String text = doc.path("text").asText("");
                        corpus.docTexts.add(
                                withTitle ? (doc.path("title").asText("") + " " + text).strip() : text.strip());
                    }
                }
            }
            try (BufferedReader in = Files.newBufferedReader(dir.resolve("queries.jsonl"), StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (!line.isBlank()) {
                        JsonNode query = json.readTree(line);
                        corpus.queries.put(
                                query.get("_id").asText(), query.get("text").asText());
                    }
                }
            }
            List<String> lines = Files.readAllLines(dir.resolve("qrels").resolve("test.tsv"), StandardCharsets.UTF_8);
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.split("\t", -1);
                if (fields.length == 3) {
                    corpus.qrels
                            .computeIfAbsent(fields[0], q -> new HashMap<>())
                            .put(fields[1], Integer.parseInt(fields[2]));
                }
            }
            return corpus;
        }
    }

    /**
     * Candidate (b): ONNX Runtime and the Hugging Face tokenizers library (through DJL), batches of 32 sorted by
     * length, mean pooling and normalization as Chroma; the thread layout is configurable.
     */
    static final class HfOrtEncoder implements AutoCloseable {
        record Layout(int intraOp, int workers) {}

        private final HuggingFaceTokenizer tokenizer;
        private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
        private final OrtSession session;
        private final ExecutorService workers;

        HfOrtEncoder(Layout layout, int maxTokens) throws IOException, OrtException {
            try (InputStream json =
                    MiniLmEmbeddingFunction.class.getResourceAsStream("model/all-minilm-l6-v2-tokenizer.json")) {
                tokenizer = HuggingFaceTokenizer.newInstance(
                        json,
                        Map.of("truncation", "true", "maxLength", Integer.toString(maxTokens), "padding", "false"));
            }
            byte[] model;
            try (InputStream onnx = MiniLmEmbeddingFunction.class.getResourceAsStream("model/all-minilm-l6-v2.onnx")) {
                model = onnx.readAllBytes();
            }
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                options.setIntraOpNumThreads(layout.intraOp());
                options.setInterOpNumThreads(1);
                options.addConfigEntry("session.intra_op.allow_spinning", "0");
                session = environment.createSession(model, options);
            }
            workers = layout.workers() > 1 ? Executors.newFixedThreadPool(layout.workers(), daemon("hf-ort")) : null;
        }

        List<float[]> embed(List<String> texts) {
            long[][] ids = new long[texts.size()][];
            for (int i = 0; i < texts.size(); i++) {
                Encoding encoding = tokenizer.encode(texts.get(i));
                ids[i] = encoding.getIds();
            }
            Integer[] order = new Integer[texts.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingInt(i -> ids[i].length));
            float[][] vectors = new float[texts.size()][];
            List<Future<?>> pending = new ArrayList<>();
            for (int from = 0; from < order.length; from += 32) {
                int start = from;
                int end = Math.min(order.length, from + 32);
                Runnable batch = () -> runBatch(ids, order, start, end, vectors);
                if (workers == null) {
                    batch.run();
                } else {
                    pending.add(workers.submit(batch));
                }
            }
            for (Future<?> future : pending) {
                try {
                    future.get();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return Arrays.asList(vectors);
        }

        private void runBatch(long[][] ids, Integer[] order, int from, int to, float[][] vectors) {
            int rows = to - from;
            int length = 0;
            for (int r = from; r < to; r++) {
                length = Math.max(length, ids[order[r]].length);
            }
            long[] input = new long[rows * length];
            long[] mask = new long[rows * length];
            for (int r = 0; r < rows; r++) {
                long[] row = ids[order[from + r]];
                System.arraycopy(row, 0, input, r * length, row.length);
                Arrays.fill(mask, r * length, r * length + row.length, 1L);
            }
            long[] shape = {rows, length};
            try (OnnxTensor inputIds = OnnxTensor.createTensor(environment, LongBuffer.wrap(input), shape);
                    OnnxTensor attention = OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape);
                    OnnxTensor types =
                            OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[rows * length]), shape);
                    OrtSession.Result result = session.run(
                            Map.of("input_ids", inputIds, "attention_mask", attention, "token_type_ids", types))) {
                FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
                for (int r = 0; r < rows; r++) {
                    int tokens = ids[order[from + r]].length;
                    double[] sum = new double[DIMENSION];
                    for (int t = 0; t < tokens; t++) {
                        for (int d = 0; d < DIMENSION; d++) {
                            sum[d] += hidden.get((r * length + t) * DIMENSION + d);
                        }
                    }
                    double norm = 0;
                    for (int d = 0; d < DIMENSION; d++) {
                        sum[d] /= tokens;
                        norm += sum[d] * sum[d];
                    }
                    norm = Math.sqrt(norm);
                    float[] vector = new float[DIMENSION];
                    for (int d = 0; d < DIMENSION; d++) {
                        vector[d] = (float) (sum[d] / norm);
                    }
                    vectors[order[from + r]] = vector;
                }
            } catch (OrtException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() throws OrtException {
            if (workers != null) {
                workers.shutdownNow();
            }
            session.close();
            tokenizer.close();
        }
    }
}
