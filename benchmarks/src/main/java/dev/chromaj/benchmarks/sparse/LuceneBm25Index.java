package dev.chromaj.benchmarks.sparse;

import dev.chromaj.index.text.Bm25Analyzer;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * Lucene 9 BM25 over the same text and the same analysis pipeline ({@link Bm25Analyzer#newLuceneAnalyzer()}),
 * {@code BM25Similarity(1.2, 0.75)}, in a {@link ByteBuffersDirectory}, force-merged to one segment. Each document
 * stores its corpus offset, mapped once after indexing.
 */
final class LuceneBm25Index implements AutoCloseable {

    private static final String FIELD = "contents";

    private final Bm25Analyzer analyzer = Bm25Analyzer.chroma();
    private final ByteBuffersDirectory directory = new ByteBuffersDirectory();
    private final DirectoryReader reader;
    private final IndexSearcher searcher;
    private final int[] offsetOfDoc;

    LuceneBm25Index(List<String> documents) throws IOException {
        BM25Similarity similarity = new BM25Similarity(1.2f, 0.75f);
        try (Analyzer luceneAnalyzer = Bm25Analyzer.newLuceneAnalyzer();
                IndexWriter writer =
                        new IndexWriter(directory, new IndexWriterConfig(luceneAnalyzer).setSimilarity(similarity))) {
            for (int offset = 0; offset < documents.size(); offset++) {
                Document doc = new Document();
                doc.add(new StoredField("offset", offset));
                doc.add(new TextField(FIELD, documents.get(offset), Field.Store.NO));
                writer.addDocument(doc);
            }
            writer.forceMerge(1);
        }
        reader = DirectoryReader.open(directory);
        searcher = new IndexSearcher(reader);
        searcher.setSimilarity(similarity);
        offsetOfDoc = new int[reader.maxDoc()];
        StoredFields stored = searcher.storedFields();
        for (int doc = 0; doc < offsetOfDoc.length; doc++) {
            offsetOfDoc[doc] =
                    stored.document(doc).getField("offset").numericValue().intValue();
        }
    }

    /** Same query as ours: one SHOULD clause per distinct analyzed term, boosted by its count in the text. */
    Query query(String text) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String token : analyzer.tokens(text)) {
            counts.merge(token, 1, Integer::sum);
        }
        BooleanQuery.Builder builder = new BooleanQuery.Builder();
        for (Map.Entry<String, Integer> term : counts.entrySet()) {
            Query clause = new TermQuery(new Term(FIELD, term.getKey()));
            if (term.getValue() > 1) {
                clause = new BoostQuery(clause, term.getValue());
            }
            builder.add(clause, BooleanClause.Occur.SHOULD);
        }
        return builder.build();
    }

    /** Document offsets of the top k, best first. */
    int[] search(String text, int k) throws IOException {
        TopDocs top = searcher.search(query(text), k);
        int[] offsets = new int[top.scoreDocs.length];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = offsetOfDoc[top.scoreDocs[i].doc];
        }
        return offsets;
    }

    @Override
    public void close() throws IOException {
        try (directory) {
            reader.close();
        }
    }
}
