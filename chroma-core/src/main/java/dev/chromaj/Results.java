package dev.chromaj;

import dev.chromaj.blockstore.DataRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds the public result types from records, keeping only the included fields. */
final class Results {
    private Results() {}

    static GetResult get(List<DataRecord> records, Set<Include> include) {
        List<String> ids = new ArrayList<>(records.size());
        List<String> documents = include.contains(Include.DOCUMENTS) ? new ArrayList<>(records.size()) : null;
        List<Map<String, Object>> metadatas =
                include.contains(Include.METADATAS) ? new ArrayList<>(records.size()) : null;
        List<float[]> embeddings = include.contains(Include.EMBEDDINGS) ? new ArrayList<>(records.size()) : null;
        List<String> uris = include.contains(Include.URIS) ? new ArrayList<>(records.size()) : null;
        for (DataRecord r : records) {
            ids.add(r.id());
            if (documents != null) {
                documents.add(r.document());
            }
            if (metadatas != null) {
                metadatas.add(metadata(r));
            }
            if (embeddings != null) {
                embeddings.add(r.embedding());
            }
            if (uris != null) {
                uris.add(r.uri());
            }
        }
        return new GetResult(ids, documents, metadatas, embeddings, uris);
    }

    static QueryResult query(List<List<DataRecord>> records, List<List<Float>> distances, Set<Include> include) {
        List<List<String>> ids = new ArrayList<>(records.size());
        List<List<String>> documents = include.contains(Include.DOCUMENTS) ? new ArrayList<>() : null;
        List<List<Map<String, Object>>> metadatas = include.contains(Include.METADATAS) ? new ArrayList<>() : null;
        List<List<float[]>> embeddings = include.contains(Include.EMBEDDINGS) ? new ArrayList<>() : null;
        List<List<String>> uris = include.contains(Include.URIS) ? new ArrayList<>() : null;
        for (List<DataRecord> rs : records) {
            GetResult g = get(rs, include);
            ids.add(g.ids());
            if (documents != null) {
                documents.add(g.documents());
            }
            if (metadatas != null) {
                metadatas.add(g.metadatas());
            }
            if (embeddings != null) {
                embeddings.add(g.embeddings());
            }
            if (uris != null) {
                uris.add(g.uris());
            }
        }
        return new QueryResult(
                ids, include.contains(Include.DISTANCES) ? distances : null, documents, metadatas, embeddings, uris);
    }

    /** Chroma returns {@code null} for a record without metadata. */
    private static Map<String, Object> metadata(DataRecord r) {
        return r.metadata() == null || r.metadata().isEmpty() ? null : r.metadata();
    }
}
