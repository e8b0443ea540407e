package dev.chromaj;

import dev.chromaj.index.text.Bm25Analyzer;
import dev.chromaj.index.text.TermFrequencies;
import dev.chromaj.segment.log.LogOperation;
import dev.chromaj.segment.log.RecordChange;
import dev.chromaj.segment.log.SparseValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns validated records of a write call into the log operations stored in the WAL. */
final class LogOperations {
    private LogOperations() {}

    static List<LogOperation> of(
            RecordValidator.Operation operation, List<ChromaRecord> records, CollectionOptions options) {
        List<LogOperation> ops = new ArrayList<>(records.size());
        for (ChromaRecord r : records) {
            RecordChange change =
                    new RecordChange(r.embeddingView(), r.document(), r.metadata(), r.uri(), sparse(r, options));
            ops.add(
                    switch (operation) {
                        case ADD -> new LogOperation.Add(r.id(), change);
                        case UPSERT -> new LogOperation.Upsert(r.id(), change);
                        case UPDATE -> new LogOperation.Update(r.id(), change);
                    });
        }
        return ops;
    }

    /**
     * The record's sparse vector changes: the supplied ones, plus for every BM25 key the term frequencies of the
     * document when the call sets one (a document without any indexed term removes the key's vector; a call that
     * leaves the document unset leaves it unchanged). Null when nothing changes.
     */
    private static Map<String, SparseValues> sparse(ChromaRecord r, CollectionOptions options) {
        Map<String, SparseValues> out = new LinkedHashMap<>();
        for (Map.Entry<String, SparseVector> e : r.sparse().entrySet()) {
            out.put(
                    e.getKey(),
                    new SparseValues(e.getValue().indicesView(), e.getValue().valuesView()));
        }
        if (r.document() != null) {
            SparseValues bm25 = null;
            boolean analyzed = false;
            for (Map.Entry<String, SparseIndex> e : options.sparseIndexes().entrySet()) {
                if (e.getValue().isBm25()) {
                    if (!analyzed) {
                        bm25 = termFrequencies(r.document());
                        analyzed = true;
                    }
                    out.put(e.getKey(), bm25);
                }
            }
        }
        return out.isEmpty() ? null : out;
    }

    /** The BM25 vector of a document: analyzed term indices with their counts; null when no term is indexed. */
    static SparseValues termFrequencies(String document) {
        TermFrequencies tf = Bm25Analyzer.chroma().analyze(document);
        if (tf.size() == 0) {
            return null;
        }
        float[] values = new float[tf.size()];
        int[] frequencies = tf.frequencies();
        for (int i = 0; i < values.length; i++) {
            values[i] = frequencies[i];
        }
        return new SparseValues(tf.termIndices(), values);
    }
}
