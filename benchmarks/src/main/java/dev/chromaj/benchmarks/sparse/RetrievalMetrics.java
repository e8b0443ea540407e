package dev.chromaj.benchmarks.sparse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * trec_eval's definitions, as BEIR reports them through pytrec_eval: {@code ndcg_cut_k} with linear gains (the
 * qrels grade) and {@code log2(rank + 1)} discounts, ideal DCG from the query's judged documents; {@code recall_k} as
 * the share of relevant (grade > 0) documents in the top k. Averages are over every query that has judgments; a
 * query without results scores 0.
 */
final class RetrievalMetrics {

    private RetrievalMetrics() {}

    static double ndcg(List<String> ranking, Map<String, Integer> judged, int k) {
        double dcg = 0;
        for (int i = 0; i < Math.min(k, ranking.size()); i++) {
            int gain = judged.getOrDefault(ranking.get(i), 0);
            dcg += gain / log2(i + 2);
        }
        List<Integer> ideal = new ArrayList<>(judged.values());
        ideal.sort((a, b) -> Integer.compare(b, a));
        double idcg = 0;
        for (int i = 0; i < Math.min(k, ideal.size()); i++) {
            idcg += ideal.get(i) / log2(i + 2);
        }
        return idcg == 0 ? 0 : dcg / idcg;
    }

    static double recall(List<String> ranking, Map<String, Integer> judged, int k) {
        long relevant = judged.values().stream().filter(grade -> grade > 0).count();
        if (relevant == 0) {
            return 0;
        }
        long found = ranking.subList(0, Math.min(k, ranking.size())).stream()
                .filter(id -> judged.getOrDefault(id, 0) > 0)
                .count();
        return (double) found / relevant;
    }

    /** Mean nDCG@10 and recall@100 of rankings (query id to ranked corpus ids) over the qrels' queries. */
    static Scores evaluate(Map<String, List<String>> rankings, Map<String, Map<String, Integer>> qrels) {
        double ndcg = 0;
        double recall = 0;
        for (Map.Entry<String, Map<String, Integer>> query : qrels.entrySet()) {
            List<String> ranking = rankings.getOrDefault(query.getKey(), List.of());
            ndcg += ndcg(ranking, query.getValue(), 10);
            recall += recall(ranking, query.getValue(), 100);
        }
        return new Scores(ndcg / qrels.size(), recall / qrels.size());
    }

    record Scores(double ndcg10, double recall100) {}

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
