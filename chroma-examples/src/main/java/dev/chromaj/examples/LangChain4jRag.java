package dev.chromaj.examples;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;

import dev.chromaj.langchain4j.ChromaEmbeddingStore;
import dev.chromaj.langchain4j.MiniLmEmbeddingModel;
import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.document.splitter.DocumentSplitters;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.content.retriever.EmbeddingStoreContentRetriever;
import dev.langchain4j.rag.query.Query;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingStoreIngestor;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retrieval half of a LangChain4j RAG application on chromaj: splits documents into segments, embeds them with
 * the built-in all-MiniLM-L6-v2 model ({@link MiniLmEmbeddingModel}, in-process, nothing downloaded), stores them in
 * a {@link ChromaEmbeddingStore} on a local folder, and retrieves the segments relevant to a question, restricted by
 * a metadata filter. Run it with
 *
 * <pre>
 * mvn -q -DskipTests -pl chroma-examples -am package exec:exec \
 *     -Dexample.main=dev.chromaj.examples.LangChain4jRag -Dexample.args=rag_data
 * </pre>
 */
public final class LangChain4jRag {
    private static final Logger LOG = LoggerFactory.getLogger(LangChain4jRag.class);

    private LangChain4jRag() {}

    public static void main(String[] args) {
        Path folder = Path.of(args.length > 0 ? args[0] : "rag_data");
        List<Document> documents = List.of(
                Document.from(
                        "Chroma is an open-source vector database. It stores embeddings with their documents and "
                                + "metadata, and answers nearest-neighbour queries filtered by metadata. "
                                + "Collections have a distance space: squared L2, cosine or inner product.",
                        Metadata.from("source", "chroma-docs").put("year", 2023)),
                Document.from(
                        "chromaj runs Chroma's data model inside the JVM. Collection data lives in Apache Arrow "
                                + "blockfiles on a local folder or on S3. Writes are acknowledged once the write-ahead "
                                + "log is fsynced, and a background compactor folds them into segment versions.",
                        Metadata.from("source", "chromaj-readme").put("year", 2025)),
                Document.from(
                        "Whales are marine mammals. The blue whale is the largest animal known to have lived. "
                                + "Whales breathe air through blowholes and communicate with songs.",
                        Metadata.from("source", "encyclopedia").put("year", 2019)));

        EmbeddingModel model = MiniLmEmbeddingModel.shared();
        try (ChromaEmbeddingStore store = ChromaEmbeddingStore.builder()
                .path(folder)
                .collectionName("rag")
                .build()) {
            store.removeAll(); // start from an empty collection on every run

            EmbeddingStoreIngestor.builder()
                    .documentSplitter(DocumentSplitters.recursive(120, 20))
                    .embeddingModel(model)
                    .embeddingStore(store)
                    .build()
                    .ingest(documents);
            LOG.info(
                    "Stored {} segments of {} documents in {}",
                    store.collection().count(),
                    documents.size(),
                    folder.toAbsolutePath());

            // LangChain4j's retriever, as an AI service would use it: only sources from 2020 on
            ContentRetriever retriever = EmbeddingStoreContentRetriever.builder()
                    .embeddingStore(store)
                    .embeddingModel(model)
                    .maxResults(2)
                    .minScore(0.5)
                    .filter(metadataKey("year").isGreaterThanOrEqualTo(2020))
                    .build();
            String question = "Where does chromaj keep collection data?";
            List<Content> contents = retriever.retrieve(Query.from(question));
            LOG.info("Question: {}", question);
            for (Content content : contents) {
                TextSegment segment = content.textSegment();
                LOG.info("  [{}] {}", segment.metadata().getString("source"), segment.text());
            }

            // the same store searched directly, with scores and another filter
            EmbeddingSearchRequest request = EmbeddingSearchRequest.builder()
                    .queryEmbedding(model.embed("the largest animal").content())
                    .maxResults(1)
                    .filter(metadataKey("source").isNotEqualTo("chromaj-readme"))
                    .build();
            for (EmbeddingMatch<TextSegment> match : store.search(request).matches()) {
                LOG.info(
                        "'the largest animal' -> score {} [{}] {}",
                        String.format(Locale.ROOT, "%.3f", match.score()),
                        match.embedded().metadata().getString("source"),
                        match.embedded().text());
            }
        }
    }
}
