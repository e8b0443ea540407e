package dev.chromaj.benchmarks.sparse;

import dev.chromaj.index.sparse.ScoredDoc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BM25, dense and hybrid retrieval quality on BEIR SciFact at index level, and BM25 query throughput against Lucene.
 *
 * <p>Arguments: {@code [datasetsDir (default ../shared/datasets)] [measuredPasses (default 7)]}. Skips cleanly when
 * the dataset is absent. Quality: nDCG@10 and recall@100 on the 300 test queries for our BM25 (analyzer + block
 * posting lists + Block-Max WAND), Lucene 9 BM25 with the same analysis, exact dense cosine on the MiniLM vectors,
 * and RRF (k = 60) of the BM25 and dense top-100 lists. Throughput: all queries per pass, passes interleaved in a
 * rotating order after warm-up, median queries per second reported.
 */
public final class SciFactEvaluation {

    private static final Logger LOG = LoggerFactory.getLogger(SciFactEvaluation.class);
    private static final int WARMUP_PASSES = 3;
    private static final int RRF_K = 60;

    private SciFactEvaluation() {}

    /** Runs the evaluation; see the class description for arguments. */
    public static void main(String[] args) throws IOException {
        Path datasets = Path.of(args.length > 0 ? args[0] : "../shared/datasets");
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        if (!Files.isRegularFile(datasets.resolve("scifact").resolve("corpus.jsonl"))) {
            LOG.warn("SciFact not found under {}: skipping", datasets.toAbsolutePath());
            return;
        }
        SciFact data = SciFact.load(datasets);
        List<String> testIds = data.testQueryIds();
        LOG.info(
                "SciFact: {} documents, {} queries, {} test queries",
                data.docIds().size(),
                data.queries().size(),
                testIds.size());

        long start = System.nanoTime();
        Bm25MemoryIndex ours = new Bm25MemoryIndex(data.docTexts());
        long oursBuildMs = (System.nanoTime() - start) / 1_000_000;
        start = System.nanoTime();
        try (LuceneBm25Index lucene = new LuceneBm25Index(data.docTexts())) {
            long luceneBuildMs = (System.nanoTime() - start) / 1_000_000;
            LOG.info(
                    "index build: ours {} ms ({} terms, {} postings, avg length {}), Lucene {} ms",
                    oursBuildMs,
                    ours.termCount(),
                    ours.postingCount(),
                    String.format(Locale.ROOT, "%.2f", ours.avgDocLength()),
                    luceneBuildMs);

            evaluateQuality(data, testIds, ours, lucene);
            measureThroughput(data, ours, lucene, passes);
        }
    }

    private static void evaluateQuality(
            SciFact data, List<String> testIds, Bm25MemoryIndex ours, LuceneBm25Index lucene) throws IOException {
        Map<String, List<String>> oursRankings = new LinkedHashMap<>();
        Map<String, List<String>> luceneRankings = new LinkedHashMap<>();
        Map<String, List<String>> denseRankings = new LinkedHashMap<>();
        Map<String, List<String>> hybridRankings = new LinkedHashMap<>();
        int wandMismatches = 0;
        double top10Overlap = 0;
        for (String queryId : testIds) {
            String text = data.queries().get(queryId);
            List<ScoredDoc> wand = ours.searchWand(text, 100);
            if (!wand.equals(ours.searchExhaustive(text, 100)) || !wand.equals(ours.searchMaxScore(text, 100))) {
                wandMismatches++;
            }
            List<String> oursIds =
                    ids(data, wand.stream().mapToInt(ScoredDoc::offset).toArray());
            List<String> luceneIds = ids(data, lucene.search(text, 100));
            oursRankings.put(queryId, oursIds);
            luceneRankings.put(queryId, luceneIds);
            top10Overlap += overlap(oursIds, luceneIds, 10);
            if (data.queryVectors() != null) {
                List<String> denseIds = ids(
                        data,
                        exactCosineTop(data.docVectors(), data.queryVectors().get(queryId), 100));
                denseRankings.put(queryId, denseIds);
                hybridRankings.put(queryId, reciprocalRankFusion(List.of(oursIds, denseIds), 100));
            }
        }
        RetrievalMetrics.Scores oursScores = RetrievalMetrics.evaluate(oursRankings, data.qrels());
        RetrievalMetrics.Scores luceneScores = RetrievalMetrics.evaluate(luceneRankings, data.qrels());
        StringBuilder table = new StringBuilder("\n| retrieval (SciFact test, 300 queries) | nDCG@10 | recall@100 |\n")
                .append("|---|---|---|\n");
        row(table, "BM25 chromaj (analyzer + Block-Max WAND)", oursScores);
        row(table, "BM25 Lucene 9.12.3 (same analysis)", luceneScores);
        if (data.queryVectors() != null) {
            row(table, "dense exact cosine (MiniLM, PCA 128)", RetrievalMetrics.evaluate(denseRankings, data.qrels()));
            row(
                    table,
                    "RRF k=60 of BM25 chromaj + dense top-100",
                    RetrievalMetrics.evaluate(hybridRankings, data.qrels()));
        } else {
            LOG.warn("scifact-minilm not found: dense and hybrid rows skipped");
        }
        LOG.info("{}", table);
        LOG.info(
                "nDCG@10 difference chromaj - Lucene: {}; mean top-10 overlap with Lucene: {}; WAND or MaxScore "
                        + "top-100 different from exhaustive on {} of {} queries",
                String.format(Locale.ROOT, "%+.4f", oursScores.ndcg10() - luceneScores.ndcg10()),
                String.format(Locale.ROOT, "%.3f", top10Overlap / testIds.size()),
                wandMismatches,
                testIds.size());
    }

    private static void row(StringBuilder table, String name, RetrievalMetrics.Scores scores) {
        table.append("| ")
                .append(name)
                .append(" | ")
                .append(String.format(Locale.ROOT, "%.4f", scores.ndcg10()))
                .append(" | ")
                .append(String.format(Locale.ROOT, "%.4f", scores.recall100()))
                .append(" |\n");
    }

    private static void measureThroughput(SciFact data, Bm25MemoryIndex ours, LuceneBm25Index lucene, int passes)
            throws IOException {
        List<String> queries = List.copyOf(data.queries().values());
        StringBuilder table = InterleavedThroughput.header(queries.size());
        for (int k : new int[] {10, 100}) {
            Map<String, InterleavedThroughput.Contender> contenders = new LinkedHashMap<>();
            contenders.put("chromaj query analysis only (included in the chromaj rows)", qs -> {
                long sum = 0;
                for (String q : qs) {
                    sum += ours.query(q, k).terms().size();
                }
                return sum;
            });
            contenders.put("chromaj Block-Max WAND (windowed, MaxScore partition; used by search)", qs -> {
                long sum = 0;
                for (String q : qs) {
                    for (ScoredDoc doc : ours.searchWand(q, k)) {
                        sum += doc.offset();
                    }
                }
                return sum;
            });
            contenders.put("chromaj block-max MaxScore", qs -> {
                long sum = 0;
                for (String q : qs) {
                    for (ScoredDoc doc : ours.searchMaxScore(q, k)) {
                        sum += doc.offset();
                    }
                }
                return sum;
            });
            contenders.put("chromaj exhaustive (document at a time)", qs -> {
                long sum = 0;
                for (String q : qs) {
                    for (ScoredDoc doc : ours.searchExhaustive(q, k)) {
                        sum += doc.offset();
                    }
                }
                return sum;
            });
            contenders.put("Lucene 9.12.3", qs -> {
                long sum = 0;
                for (String q : qs) {
                    for (int offset : lucene.search(q, k)) {
                        sum += offset;
                    }
                }
                return sum;
            });
            InterleavedThroughput.rows(table, contenders, queries, k, WARMUP_PASSES, passes);
        }
        LOG.info("{}", table);
    }

    private static List<String> ids(SciFact data, int[] offsets) {
        List<String> ids = new ArrayList<>(offsets.length);
        for (int offset : offsets) {
            ids.add(data.docIds().get(offset));
        }
        return ids;
    }

    private static double overlap(List<String> a, List<String> b, int k) {
        List<String> top = a.subList(0, Math.min(k, a.size()));
        long common = b.subList(0, Math.min(k, b.size())).stream()
                .filter(top::contains)
                .count();
        return (double) common / k;
    }

    /** Exact top-k by cosine; the vectors are unit norm, so the dot product is the cosine. Ties by offset. */
    static int[] exactCosineTop(float[][] docs, float[] query, int k) {
        double[] scores = new double[docs.length];
        Integer[] order = new Integer[docs.length];
        double queryNorm = Math.sqrt(dot(query, query));
        for (int i = 0; i < docs.length; i++) {
            scores[i] = dot(docs[i], query) / (Math.sqrt(dot(docs[i], docs[i])) * queryNorm);
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> {
            int byScore = Double.compare(scores[y], scores[x]);
            return byScore != 0 ? byScore : Integer.compare(x, y);
        });
        int[] top = new int[Math.min(k, docs.length)];
        for (int i = 0; i < top.length; i++) {
            top[i] = order[i];
        }
        return top;
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }

    /** RRF: {@code sum 1 / (k + rank)} over the lists, ranks from 1; ties by first appearance. */
    static List<String> reciprocalRankFusion(List<List<String>> rankings, int limit) {
        Map<String, Double> scores = new LinkedHashMap<>();
        for (List<String> ranking : rankings) {
            for (int rank = 0; rank < ranking.size(); rank++) {
                scores.merge(ranking.get(rank), 1.0 / (RRF_K + rank + 1), Double::sum);
            }
        }
        List<Map.Entry<String, Double>> entries = new ArrayList<>(scores.entrySet());
        entries.sort((x, y) -> Double.compare(y.getValue(), x.getValue()));
        List<String> fused = new ArrayList<>();
        for (int i = 0; i < Math.min(limit, entries.size()); i++) {
            fused.add(entries.get(i).getKey());
        }
        return fused;
    }
}
