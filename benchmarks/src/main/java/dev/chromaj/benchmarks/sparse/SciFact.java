package dev.chromaj.benchmarks.sparse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * BEIR SciFact as laid out in the shared datasets folder: corpus, queries, test qrels, and the MiniLM embeddings of
 * {@code scifact-minilm} (PCA to 128 dimensions, unit norm) when present.
 *
 * @param docIds       corpus ids in file order (the document offset is the index)
 * @param docTexts     {@code title + " " + text} per document, as BEIR's flat BM25 baselines index it
 * @param queries      query id to text, all queries
 * @param qrels        test split: query id to relevant corpus id to grade
 * @param docVectors   dense vectors aligned with {@code docIds}, or null without scifact-minilm
 * @param queryVectors query id to dense vector, or null without scifact-minilm
 */
record SciFact(
        List<String> docIds,
        List<String> docTexts,
        Map<String, String> queries,
        Map<String, Map<String, Integer>> qrels,
        float[][] docVectors,
        Map<String, float[]> queryVectors) {

    static SciFact load(Path datasets) throws IOException {
        Path dir = datasets.resolve("scifact");
        ObjectMapper json = new ObjectMapper();
        List<String> ids = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(dir.resolve("corpus.jsonl"), StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode doc = json.readTree(line);
                ids.add(doc.get("_id").asText());
                texts.add(doc.path("title").asText("") + " " + doc.path("text").asText(""));
            }
        }
        Map<String, String> queries = new LinkedHashMap<>();
        try (BufferedReader reader = Files.newBufferedReader(dir.resolve("queries.jsonl"), StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    JsonNode query = json.readTree(line);
                    queries.put(query.get("_id").asText(), query.get("text").asText());
                }
            }
        }
        Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(dir.resolve("qrels").resolve("test.tsv"), StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split("\t", -1);
            if (fields.length == 3) {
                qrels.computeIfAbsent(fields[0], q -> new HashMap<>()).put(fields[1], Integer.parseInt(fields[2]));
            }
        }

        float[][] docVectors = null;
        Map<String, float[]> queryVectors = null;
        Path minilm = datasets.resolve("scifact-minilm");
        if (Files.isDirectory(minilm)) {
            List<String> embeddingIds = readIds(json, minilm.resolve("embedding_ids_minilm.jsonl"), "doc_id");
            float[][] base = readFvecs(minilm.resolve("scifact_minilm_pca128_base.fvecs"));
            Map<String, Integer> offsetOf = new HashMap<>();
            for (int i = 0; i < ids.size(); i++) {
                offsetOf.put(ids.get(i), i);
            }
            docVectors = new float[ids.size()][];
            for (int i = 0; i < embeddingIds.size(); i++) {
                docVectors[offsetOf.get(embeddingIds.get(i))] = base[i];
            }
            List<String> queryIds = readIds(json, minilm.resolve("query_ids_minilm.jsonl"), "query_id");
            float[][] queryBase = readFvecs(minilm.resolve("scifact_minilm_pca128_query.fvecs"));
            queryVectors = new HashMap<>();
            for (int i = 0; i < queryIds.size(); i++) {
                queryVectors.put(queryIds.get(i), queryBase[i]);
            }
        }
        return new SciFact(ids, texts, queries, qrels, docVectors, queryVectors);
    }

    private static List<String> readIds(ObjectMapper json, Path file, String field) throws IOException {
        List<String> ids = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                ids.add(json.readTree(line).get(field).asText());
            }
        }
        return ids;
    }

    /** Reads texmex .fvecs: per vector a little-endian int32 dimension, then that many float32. */
    private static float[][] readFvecs(Path file) throws IOException {
        List<float[]> vectors = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file);
                DataInputStream data = new DataInputStream(in)) {
            byte[] header = new byte[4];
            while (data.read(header, 0, 1) == 1) {
                data.readFully(header, 1, 3);
                int dimension =
                        ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt();
                byte[] body = new byte[dimension * 4];
                data.readFully(body);
                float[] vector = new float[dimension];
                ByteBuffer.wrap(body)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .asFloatBuffer()
                        .get(vector);
                vectors.add(vector);
            }
        }
        return vectors.toArray(new float[0][]);
    }

    /** Test query ids in qrels order. */
    List<String> testQueryIds() {
        return List.copyOf(qrels.keySet());
    }
}
