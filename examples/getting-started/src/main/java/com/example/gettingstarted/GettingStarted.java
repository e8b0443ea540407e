package com.example.gettingstarted;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaRecord;
import dev.chromaj.CollectionOptions;
import dev.chromaj.Field;
import dev.chromaj.Hit;
import dev.chromaj.QueryRequest;
import dev.chromaj.QueryResult;
import dev.chromaj.Rank;
import dev.chromaj.Search;
import dev.chromaj.SearchResult;
import dev.chromaj.SparseIndex;
import dev.chromaj.Where;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Documents in, a query by text, and a BM25 + dense hybrid search, on a local folder. */
public final class GettingStarted {

    public static void main(String[] args) {
        Path folder = Path.of(args.length > 0 ? args[0] : "chroma_data");
        try (ChromaClient client = ChromaClient.persistent(folder)) {
            Answers answers = run(client);
            System.out.println("query by text: " + answers.queryIds());
            System.out.println("hybrid search: " + answers.hybridIds());
        }
    }

    /** What the program found: the ids of the nearest documents, best first. */
    public record Answers(List<String> queryIds, List<String> hybridIds) {}

    public static Answers run(ChromaClient client) {
        // Documents without embeddings are embedded with Chroma's default model (chroma-embeddings);
        // the "bm25" sparse index scores the same documents by keyword.
        ChromaCollection notes = client.getOrCreateCollection("notes", CollectionOptions.builder()
                .sparseIndex("bm25", SparseIndex.bm25())
                .build());
        notes.upsert(List.of(
                note("n1", "Whales are marine mammals that sing to each other", "nature"),
                note("n2", "The Eiffel Tower is a wrought-iron tower in Paris", "travel"),
                note("n3", "Pineapples grow on a low tropical plant", "food"),
                note("n4", "Dolphins and orcas hunt fish in the ocean", "nature")));

        // Dense query by text: the text is embedded with the collection's function.
        QueryResult nearest = notes.query(QueryRequest.builder()
                .queryTexts("animals that live in the sea")
                .nResults(2)
                .build());

        // Hybrid: dense and BM25 rankings fused by reciprocal rank fusion, filtered on metadata.
        String question = "which mammals sing";
        SearchResult hybrid = notes.search(Search.builder()
                .where(Where.eq("topic", "nature"))
                .rank(Rank.rrf(60, Rank.knn(question).limit(10), Rank.knn("bm25", question).limit(10)))
                .limit(2)
                .select(Field.DOCUMENT, Field.SCORE)
                .build());

        return new Answers(
                nearest.ids().get(0), hybrid.hits().stream().map(Hit::id).toList());
    }

    private static ChromaRecord note(String id, String text, String topic) {
        return ChromaRecord.builder(id).document(text).metadata(Map.of("topic", topic)).build();
    }
}
