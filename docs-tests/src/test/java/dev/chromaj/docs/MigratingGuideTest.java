package dev.chromaj.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaRecord;
import dev.chromaj.CollectionOptions;
import dev.chromaj.DeleteRequest;
import dev.chromaj.GetRequest;
import dev.chromaj.GetResult;
import dev.chromaj.HnswParams;
import dev.chromaj.Include;
import dev.chromaj.QueryRequest;
import dev.chromaj.QueryResult;
import dev.chromaj.Space;
import dev.chromaj.Where;
import dev.chromaj.WhereDocument;
import dev.chromaj.importer.ChromaImport;
import dev.chromaj.importer.ImportResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The code of docs/migrating-from-chroma.md, run. */
class MigratingGuideTest {

    @TempDir
    Path tmp;

    @Test
    void chromaTutorialInJava() {
        Path folder = tmp.resolve("chroma_data");
        // region tutorial
        // client = chromadb.PersistentClient(path="chroma_data")
        try (ChromaClient client = ChromaClient.persistent(folder)) {
            // collection = client.get_or_create_collection("docs", configuration={"hnsw": {"space": "cosine"}})
            ChromaCollection collection = client.getOrCreateCollection(
                    "docs",
                    CollectionOptions.builder()
                            .space(Space.COSINE)
                            .hnsw(HnswParams.builder().efSearch(200).build())
                            .build());
            // collection.add(ids=[...], documents=[...], metadatas=[...])
            collection.add(List.of(
                    ChromaRecord.builder("id1")
                            .document("This is a document about pineapple")
                            .metadata(Map.of("source", "notion"))
                            .build(),
                    ChromaRecord.builder("id2")
                            .document("This is a document about oranges")
                            .metadata(Map.of("source", "google-docs"))
                            .build()));
            // collection.query(query_texts=["..."], n_results=1, where={"source": "notion"})
            QueryResult results = collection.query(QueryRequest.builder()
                    .queryTexts("This is a query document about hawaii")
                    .nResults(1)
                    .where(Where.eq("source", "notion"))
                    .build());
            // collection.get(where_document={"$contains": "oranges"}, include=["documents"])
            GetResult oranges = collection.get(GetRequest.builder()
                    .whereDocument(WhereDocument.contains("oranges"))
                    .include(Include.DOCUMENTS)
                    .build());
            // collection.delete(ids=["id2"])
            collection.delete(DeleteRequest.ofIds(List.of("id2")));
            // endregion
            assertEquals(List.of(List.of("id1")), results.ids());
            assertEquals(List.of("id2"), oranges.ids());
            assertEquals(1, collection.count());
        }
    }

    @Test
    void importAChromaFolder() throws IOException {
        Path chromaDb = copySample("repomind-1.5-hnsw-populated");
        Path chromajData = tmp.resolve("chromaj_data");
        // region import
        try (ChromaClient client = ChromaClient.persistent(chromajData)) {
            ImportResult result = ChromaImport.builder()
                    .source(chromaDb) // the folder of chromadb.PersistentClient(path=...): read, never changed
                    .target(client)
                    .build()
                    .run();
            System.out.println(
                    result.records() + " records in " + result.collections().size() + " collections");
        }
        // endregion
        try (ChromaClient client = ChromaClient.persistent(chromajData)) {
            assertEquals(
                    69, client.getCollection("session_1Navneet23_LegalMind").count());
        }
    }

    /** A copy of a Chroma persist folder kept as a fixture of chroma-import's tests. */
    private Path copySample(String name) throws IOException {
        Path from = GuidePages.root().resolve("chroma-import/src/test/resources/chroma-persist-samples/" + name);
        Path to = tmp.resolve("chroma_db");
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return to;
    }
}
