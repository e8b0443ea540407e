package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives every public method of the API with null and extreme arguments (null, empty, Integer.MIN/MAX_VALUE,
 * negative, NaN, huge strings) and checks that whatever reaches the caller is of the library's own types: the
 * expected {@link ChromaException} subtype, never a NullPointerException, IllegalArgumentException or an internal
 * exception of a lower module; that failed writes change nothing; and that extreme but valid arguments give the
 * right result. Also: a stored block damaged on disk is reported as a {@link CorruptionException} naming it.
 */
class HostileInputTest {
    private static final String HUGE = "x".repeat(200_000);

    @TempDir
    Path dir;

    private ChromaClient client;
    private ChromaCollection c;
    private final List<String> problems = new ArrayList<>();

    @BeforeEach
    void open() {
        client = CollectionStates.quietClient(dir);
        c = client.createCollection(
                "hostile",
                CollectionOptions.builder()
                        .sparseIndex("splade", SparseIndex.provided())
                        .sparseIndex("bm25", SparseIndex.bm25())
                        .build());
        List<ChromaRecord> records = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            records.add(ChromaRecord.builder("id" + i)
                    .embedding(new float[] {i, 1, 0})
                    .document("doc number " + i)
                    .metadata(Map.of("n", i))
                    .sparse("splade", SparseVector.of(new int[] {i % 3}, new float[] {1f}))
                    .build());
        }
        c.add(records);
        c.compact();
        c.add(List.of(ChromaRecord.builder("tail")
                .embedding(new float[] {5, 5, 5})
                .document("doc in the tail")
                .build()));
    }

    @AfterEach
    void close() {
        client.close();
    }

    /** Runs a call that must fail with {@code type}; records a problem otherwise (all are reported together). */
    private void rejects(Class<? extends ChromaException> type, String what, Executable call) {
        try {
            call.execute();
            problems.add(what + ": no exception");
        } catch (Throwable t) {
            if (!type.isInstance(t)) {
                problems.add(what + ": " + t.getClass().getName() + ": " + t.getMessage());
            } else if (t.getMessage() == null || t.getMessage().isBlank()) {
                problems.add(what + ": no message");
            }
        }
    }

    private void invalid(String what, Executable call) {
        rejects(InvalidArgumentException.class, what, call);
    }

    /** A write that must fail with InvalidArgumentException and change nothing. */
    private void invalidWrite(String what, Executable call) {
        GetResult before = c.get(GetRequest.builder()
                .include(Include.DOCUMENTS, Include.METADATAS, Include.URIS, Include.EMBEDDINGS)
                .build());
        invalid(what, call);
        GetResult after = c.get(GetRequest.builder()
                .include(Include.DOCUMENTS, Include.METADATAS, Include.URIS, Include.EMBEDDINGS)
                .build());
        if (!before.ids().equals(after.ids())
                || !before.documents().equals(after.documents())
                || !before.metadatas().equals(after.metadatas())) {
            problems.add(what + ": the failed write changed the collection");
        }
    }

    private void assertNoProblems() {
        if (!problems.isEmpty()) {
            fail(problems.size() + " calls misbehaved:\n" + String.join("\n", problems));
        }
    }

    @Test
    void clientBuilderAndDatabaseMethods() {
        invalid("builder().path(null)", () -> ChromaClient.builder().path(null));
        invalid("builder().build() without path", () -> ChromaClient.builder().build());
        invalid("blockCacheBytes(MIN)", () -> ChromaClient.builder().blockCacheBytes(Long.MIN_VALUE));
        invalid("diskCache(null, 1)", () -> ChromaClient.builder().diskCache(null, 1));
        invalid("diskCache(dir, -1)", () -> ChromaClient.builder().diskCache(dir, -1));
        invalid("compactionInterval(null)", () -> ChromaClient.builder().compactionInterval(null));
        invalid("compactionInterval(ZERO)", () -> ChromaClient.builder().compactionInterval(Duration.ZERO));
        invalid("compactionInterval(-1s)", () -> ChromaClient.builder().compactionInterval(Duration.ofSeconds(-1)));
        invalid("compactionThreshold(MIN)", () -> ChromaClient.builder().compactionThreshold(Integer.MIN_VALUE));
        invalid("walSync(null)", () -> ChromaClient.builder().walSync(null));
        invalid("gcKeepVersions(0)", () -> ChromaClient.builder().gcKeepVersions(0));
        invalid("gcVersionTtl(null)", () -> ChromaClient.builder().gcVersionTtl(null));
        invalid("gcVersionTtl(-1s)", () -> ChromaClient.builder().gcVersionTtl(Duration.ofSeconds(-1)));
        invalid("gcInterval(null)", () -> ChromaClient.builder().gcInterval(null));
        invalid("maxBlockBytes(MIN)", () -> ChromaClient.builder().maxBlockBytes(Integer.MIN_VALUE));
        invalid("walArchiveInterval(null)", () -> ChromaClient.builder().walArchiveInterval(null));
        invalid("followInterval(null)", () -> ChromaClient.builder().followInterval(null));
        invalid("vectorIndexBytes(-1)", () -> ChromaClient.builder().vectorIndexBytes(-1));
        invalid(
                "diskCache without s3",
                () -> ChromaClient.builder()
                        .path(dir.resolve("other"))
                        .diskCache(dir.resolve("cache"), 1 << 20)
                        .build());
        invalid("WalSync.interval(null)", () -> WalSync.interval(null));
        invalid("WalSync.interval(-1ms)", () -> WalSync.interval(Duration.ofMillis(-1)));

        invalid("database(null, db)", () -> client.database(null, ChromaClient.DEFAULT_DATABASE));
        invalid("database(tenant, null)", () -> client.database(ChromaClient.DEFAULT_TENANT, null));
        invalid("database(huge, huge)", () -> client.database(HUGE, HUGE));
        rejects(NotFoundException.class, "database(missing)", () -> client.database("missing", "missing"));
        invalid("createTenant(null)", () -> client.createTenant(null));
        invalid("createTenant('')", () -> client.createTenant(""));
        invalid("createTenant(huge)", () -> client.createTenant(HUGE));
        invalid("createDatabase(null, null)", () -> client.createDatabase(null, null));
        invalid("createDatabase(tenant, huge)", () -> client.createDatabase(ChromaClient.DEFAULT_TENANT, HUGE));
        invalid("listDatabases(null)", () -> client.listDatabases(null));
        rejects(NotFoundException.class, "listDatabases(missing)", () -> client.listDatabases("missing"));
        invalid("deleteDatabase(null, null)", () -> client.deleteDatabase(null, null));
        rejects(
                NotFoundException.class,
                "deleteDatabase(missing)",
                () -> client.deleteDatabase(ChromaClient.DEFAULT_TENANT, "missing"));
        rejects(ChromaException.class, "reset() without allowReset", client::reset);

        invalid("createCollection(null)", () -> client.createCollection(null));
        invalid("createCollection('')", () -> client.createCollection(""));
        invalid("createCollection(huge)", () -> client.createCollection(HUGE));
        invalid("createCollection(null, options)", () -> client.createCollection(null, CollectionOptions.defaults()));
        rejects(AlreadyExistsException.class, "createCollection(existing)", () -> client.createCollection("hostile"));
        invalid("getCollection(null)", () -> client.getCollection(null));
        rejects(NotFoundException.class, "getCollection(missing)", () -> client.getCollection("missing"));
        rejects(NotFoundException.class, "getCollection(huge)", () -> client.getCollection(HUGE));
        invalid("getOrCreateCollection(null)", () -> client.getOrCreateCollection(null));
        invalid("getOrCreateCollection(null, null)", () -> client.getOrCreateCollection(null, null));
        invalid("listCollections(0, 0)", () -> client.listCollections(0, 0));
        invalid("listCollections(MIN, 0)", () -> client.listCollections(Integer.MIN_VALUE, 0));
        invalid("listCollections(1, MIN)", () -> client.listCollections(1, Integer.MIN_VALUE));
        invalid("deleteCollection(null)", () -> client.deleteCollection(null));
        rejects(NotFoundException.class, "deleteCollection(missing)", () -> client.deleteCollection("missing"));
        Database db = client.database(ChromaClient.DEFAULT_TENANT, ChromaClient.DEFAULT_DATABASE);
        invalid("db.getCollection(null)", () -> db.getCollection(null));
        invalid("db.deleteCollection(null)", () -> db.deleteCollection(null));
        assertNoProblems();

        assertEquals(List.of(), client.listCollections(Integer.MAX_VALUE, Integer.MAX_VALUE));
        assertEquals(
                List.of("hostile"),
                client.listCollections(Integer.MAX_VALUE, 0).stream()
                        .map(ChromaCollection::name)
                        .toList());
        assertEquals(1, client.countCollections());
        assertEquals(List.of(ChromaClient.DEFAULT_DATABASE), client.listDatabases(ChromaClient.DEFAULT_TENANT));
        assertTrue(client.heartbeat() > 0);
    }

    @Test
    void collectionWrites() {
        float[] v = {1, 2, 3};
        invalidWrite("add(null)", () -> c.add(null));
        invalidWrite("add([])", () -> c.add(List.of()));
        invalidWrite("add([null])", () -> c.add(Arrays.asList((ChromaRecord) null)));
        invalidWrite("upsert(null)", () -> c.upsert(null));
        invalidWrite("update(null)", () -> c.update(null));
        invalidWrite(
                "add NaN embedding",
                () -> c.add(List.of(ChromaRecord.builder("n")
                        .embedding(new float[] {Float.NaN, 0, 0})
                        .build())));
        invalidWrite(
                "add infinite embedding",
                () -> c.add(List.of(ChromaRecord.builder("n")
                        .embedding(new float[] {Float.POSITIVE_INFINITY, 0, 0})
                        .build())));
        invalidWrite(
                "add empty embedding",
                () -> c.add(List.of(
                        ChromaRecord.builder("n").embedding(new float[0]).build())));
        invalidWrite(
                "add wrong dimension",
                () -> c.add(List.of(
                        ChromaRecord.builder("n").embedding(new float[] {1, 2}).build())));
        invalidWrite(
                "add NaN metadata",
                () -> c.add(List.of(ChromaRecord.builder("n")
                        .embedding(v)
                        .metadata(Map.of("k", Double.NaN))
                        .build())));
        Map<String, Object> nullKey = new HashMap<>();
        nullKey.put(null, 1);
        invalidWrite(
                "add null metadata key",
                () -> c.add(List.of(
                        ChromaRecord.builder("n").embedding(v).metadata(nullKey).build())));
        invalidWrite(
                "add metadata list with null",
                () -> c.add(List.of(ChromaRecord.builder("n")
                        .embedding(v)
                        .metadata(Map.of("k", Arrays.asList("a", null)))
                        .build())));
        invalidWrite(
                "add metadata of an unsupported type",
                () -> c.add(List.of(ChromaRecord.builder("n")
                        .embedding(v)
                        .metadata(Map.of("k", new Object()))
                        .build())));
        invalidWrite(
                "add undeclared sparse key",
                () -> c.add(List.of(ChromaRecord.builder("n")
                        .embedding(v)
                        .sparse("nope", SparseVector.of(new int[] {1}, new float[] {1}))
                        .build())));
        invalidWrite(
                "add bm25 vector",
                () -> c.add(List.of(ChromaRecord.builder("n")
                        .embedding(v)
                        .sparse("bm25", SparseVector.of(new int[] {1}, new float[] {1}))
                        .build())));
        invalidWrite(
                "add duplicate ids",
                () -> c.add(List.of(
                        ChromaRecord.builder("d").build(),
                        ChromaRecord.builder("d").build())));
        invalidWrite("add(null ids, ...)", () -> c.add(null, null, null, null));
        invalidWrite("add(ids, shorter embeddings)", () -> c.add(List.of("p", "q"), List.of(v), null, null));
        invalidWrite("add(ids with null)", () -> c.add(Arrays.asList("p", null), null, null, null));
        invalidWrite("upsert(ids, ..., longer documents)", () -> c.upsert(List.of("p"), null, null, List.of("a", "b")));
        invalidWrite("update(empty ids)", () -> c.update(List.of(), null, null, null));
        invalidWrite("delete((List) null)", () -> c.delete((List<String>) null));
        invalidWrite("delete((DeleteRequest) null)", () -> c.delete((DeleteRequest) null));
        invalidWrite("delete([null])", () -> c.delete(Arrays.asList("id1", null)));
        invalidWrite("delete([''])", () -> c.delete(List.of("")));
        invalidWrite("modify(bad name)", () -> c.modify("no spaces allowed", null));
        invalidWrite("modify(huge name)", () -> c.modify(HUGE, null));
        Map<String, Object> nullValue = new HashMap<>();
        nullValue.put("k", null);
        invalidWrite("modify(null metadata value)", () -> c.modify(null, nullValue));
        invalidWrite(
                "modify(hnsw m changed)",
                () -> c.modify(null, null, HnswParams.builder().m(32).build()));
        assertNoProblems();

        // Extreme but valid writes work and survive compaction.
        assertEquals(0, c.delete(List.of()));
        assertEquals(
                0,
                c.delete(DeleteRequest.builder()
                        .ids("missing")
                        .limit(Integer.MAX_VALUE)
                        .build()));
        c.add(List.of(ChromaRecord.builder(HUGE)
                .embedding(v)
                .document(HUGE + HUGE)
                .metadata(Map.of("big", HUGE))
                .build()));
        c.modify(null, null);
        c.compact();
        GetResult big = c.get(List.of(HUGE));
        assertEquals(List.of(HUGE + HUGE), big.documents());
        assertEquals(List.of(Map.of("big", HUGE)), big.metadatas());
        assertEquals(22, c.count());
        assertEquals(
                1,
                c.delete(DeleteRequest.builder()
                        .where(Where.eq("big", HUGE))
                        .limit(Integer.MAX_VALUE)
                        .build()));
        assertEquals(21, c.count());
    }

    @Test
    void collectionReads() {
        invalid("get((GetRequest) null)", () -> c.get((GetRequest) null));
        invalid("get((List) null)", () -> c.get((List<String>) null));
        invalid("query(null)", () -> c.query(null));
        invalid("search(null)", () -> c.search(null));
        invalid("peek(-1)", () -> c.peek(-1));
        invalid("peek(MIN)", () -> c.peek(Integer.MIN_VALUE));
        invalid(
                "query wrong dimension",
                () -> c.query(
                        QueryRequest.builder().queryEmbedding(new float[] {1}).build()));
        invalid(
                "search knn wrong dimension",
                () -> c.search(Search.builder().rank(Rank.knn(new float[] {1})).build()));
        invalid(
                "search undeclared sparse key",
                () -> c.search(Search.builder()
                        .rank(Rank.knn("nope", SparseVector.of(new int[] {1}, new float[] {1})))
                        .build()));
        invalid(
                "search text on a provided key",
                () -> c.search(Search.builder().rank(Rank.knn("splade", "text")).build()));
        assertNoProblems();

        // Integer.MAX_VALUE everywhere a count is given: clamped to what exists, on compacted data and the tail.
        QueryResult q = c.query(QueryRequest.builder()
                .queryEmbedding(new float[] {0, 1, 0})
                .nResults(Integer.MAX_VALUE)
                .build());
        assertEquals(21, q.ids().get(0).size());
        assertEquals("id0", q.ids().get(0).get(0));
        q = c.query(QueryRequest.builder()
                .queryEmbedding(new float[] {0, 1, 0})
                .nResults(Integer.MAX_VALUE)
                .where(Where.lt("n", 3))
                .build());
        assertEquals(List.of("id0", "id1", "id2"), q.ids().get(0));
        assertEquals(
                21,
                c.get(GetRequest.builder().limit(Integer.MAX_VALUE).build())
                        .ids()
                        .size());
        assertEquals(
                List.of(),
                c.get(GetRequest.builder()
                                .limit(Integer.MAX_VALUE)
                                .offset(Integer.MAX_VALUE)
                                .build())
                        .ids());
        assertEquals(
                List.of("id19", "tail"),
                c.get(GetRequest.builder().offset(19).limit(Integer.MAX_VALUE).build())
                        .ids());
        assertEquals(21, c.peek(Integer.MAX_VALUE).ids().size());
        SearchResult dense = c.search(Search.builder()
                .rank(Rank.knn(new float[] {0, 1, 0}).limit(Integer.MAX_VALUE))
                .limit(Integer.MAX_VALUE)
                .build());
        assertEquals(21, dense.hits().size());
        SearchResult sparse = c.search(Search.builder()
                .rank(Rank.knn("splade", SparseVector.of(new int[] {1}, new float[] {1}))
                        .limit(Integer.MAX_VALUE))
                .limit(Integer.MAX_VALUE)
                .offset(Integer.MAX_VALUE)
                .build());
        assertEquals(List.of(), sparse.hits());
        sparse = c.search(Search.builder()
                .rank(Rank.knn("splade", SparseVector.of(new int[] {1}, new float[] {1}))
                        .limit(Integer.MAX_VALUE))
                .limit(Integer.MAX_VALUE)
                .build());
        assertEquals(7, sparse.hits().size());
        SearchResult bm25 = c.search(Search.builder()
                .rank(Rank.knn("bm25", "tail " + HUGE).limit(Integer.MAX_VALUE))
                .limit(Integer.MAX_VALUE)
                .build());
        assertEquals("tail", bm25.hits().get(0).id());
        SearchResult fused = c.search(Search.builder()
                .rank(Rank.rrf(
                        Integer.MAX_VALUE,
                        Rank.knn(new float[] {0, 1, 0}).limit(Integer.MAX_VALUE),
                        Rank.knn("splade", SparseVector.of(new int[] {0}, new float[] {1}))
                                .limit(Integer.MAX_VALUE)))
                .limit(Integer.MAX_VALUE)
                .build());
        assertEquals(21, fused.hits().size());
        assertEquals(List.of(), c.get(List.of(HUGE)).ids());
        assertEquals(
                List.of(),
                c.get(GetRequest.builder()
                                .where(Where.eq("n", Long.MAX_VALUE))
                                .whereDocument(WhereDocument.contains(HUGE))
                                .build())
                        .ids());
        assertEquals(
                List.of("id0"),
                c.get(GetRequest.builder()
                                .where(Where.lte("n", Double.MIN_VALUE))
                                .build())
                        .ids());
        assertEquals(21, c.count());
    }

    @Test
    void requestAndValueBuilders() {
        invalid("Where.eq(null, 1)", () -> Where.eq(null, 1));
        invalid("Where.eq(k, null)", () -> Where.eq("k", null));
        invalid("Where.eq(k, list)", () -> Where.eq("k", List.of(1)));
        invalid("Where.gt(k, NaN)", () -> Where.gt("k", Double.NaN));
        invalid("Where.gt(k, null)", () -> Where.gt("k", null));
        invalid("Where.in(k, null)", () -> Where.in("k", null));
        invalid("Where.in(k, [])", () -> Where.in("k", List.of()));
        invalid("Where.in(k, [null])", () -> Where.in("k", Arrays.asList((Object) null)));
        invalid("Where.contains(k, null)", () -> Where.contains("k", null));
        invalid("Where.idIn((List) null)", () -> Where.idIn((List<String>) null));
        invalid("Where.idIn((String[]) null)", () -> Where.idIn((String[]) null));
        invalid("Where.and((Where[]) null)", () -> Where.and((Where[]) null));
        invalid("Where.or((Where[]) null)", () -> Where.or((Where[]) null));
        invalid("Where.and()", () -> Where.and());
        invalid("Where.and((List) null)", () -> Where.and((List<Where>) null));
        invalid("Where.parse(null)", () -> Where.parse(null));
        invalid("Where.parse('')", () -> Where.parse(""));
        invalid("Where.parse('{')", () -> Where.parse("{"));
        invalid("Where.parse(deep)", () -> Where.parse("{\"$and\": [".repeat(20_000)));
        invalid("Where.fromMap(null)", () -> Where.fromMap(null));
        invalid("WhereDocument.contains(null)", () -> WhereDocument.contains(null));
        invalid("WhereDocument.regex(null)", () -> WhereDocument.regex(null));
        invalid("WhereDocument.notRegex('(')", () -> WhereDocument.notRegex("("));
        invalid("WhereDocument.and((WhereDocument[]) null)", () -> WhereDocument.and((WhereDocument[]) null));
        invalid("WhereDocument.or((WhereDocument[]) null)", () -> WhereDocument.or((WhereDocument[]) null));
        invalid("WhereDocument.parse(null)", () -> WhereDocument.parse(null));
        invalid("WhereDocument.parse(deep)", () -> WhereDocument.parse("{\"$or\": [".repeat(20_000)));
        invalid("WhereDocument.fromMap(null)", () -> WhereDocument.fromMap(null));

        invalid("Rank.knn((float[]) null)", () -> Rank.knn((float[]) null));
        invalid("Rank.knn(NaN)", () -> Rank.knn(new float[] {Float.NaN}));
        invalid("Rank.knn(v).limit(0)", () -> Rank.knn(new float[] {1}).limit(0));
        invalid("Rank.knn(v).limit(MIN)", () -> Rank.knn(new float[] {1}).limit(Integer.MIN_VALUE));
        invalid("Rank.knn(null, text)", () -> Rank.knn(null, "text"));
        invalid("Rank.knn(key, (String) null)", () -> Rank.knn("bm25", (String) null));
        invalid("Rank.knn(key, (SparseVector) null)", () -> Rank.knn("splade", (SparseVector) null));
        invalid("Rank.rrf(0, r)", () -> Rank.rrf(0, Rank.knn(new float[] {1})));
        invalid("Rank.rrf(MIN, r)", () -> Rank.rrf(Integer.MIN_VALUE, Rank.knn(new float[] {1})));
        invalid("Rank.rrf(k, (Rank[]) null)", () -> Rank.rrf(60, (Rank[]) null));
        invalid("Rank.rrf(k, null weights, r)", () -> Rank.rrf(60, (double[]) null, Rank.knn(new float[] {1})));
        invalid("Rank.rrf(k, NaN weight, r)", () -> Rank.rrf(60, new double[] {Double.NaN}, Rank.knn(new float[] {1})));
        invalid("Search.limit(0)", () -> Search.builder().limit(0));
        invalid("Search.offset(MIN)", () -> Search.builder().offset(Integer.MIN_VALUE));
        invalid("Search.select((Field[]) null)", () -> Search.builder().select((Field[]) null));
        invalid("Search.select([null])", () -> Search.builder().select((Field) null));
        invalid("Field.metadata(null)", () -> Field.metadata(null));

        invalid("GetRequest.limit(MIN)", () -> GetRequest.builder().limit(Integer.MIN_VALUE));
        invalid("GetRequest.offset(-1)", () -> GetRequest.builder().offset(-1));
        invalid("GetRequest.ids((String[]) null)", () -> GetRequest.builder().ids((String[]) null));
        invalid(
                "GetRequest.include((Include[]) null)",
                () -> GetRequest.builder().include((Include[]) null));
        invalid("GetRequest.include(DISTANCES)", () -> GetRequest.builder().include(Include.DISTANCES));
        invalid(
                "QueryRequest.queryEmbedding(null)",
                () -> QueryRequest.builder().queryEmbedding(null));
        invalid(
                "QueryRequest.queryEmbeddings(null)",
                () -> QueryRequest.builder().queryEmbeddings(null));
        invalid("QueryRequest.nResults(0)", () -> QueryRequest.builder().nResults(0));
        invalid("QueryRequest.nResults(MIN)", () -> QueryRequest.builder().nResults(Integer.MIN_VALUE));
        invalid(
                "QueryRequest.build() without embeddings",
                () -> QueryRequest.builder().build());
        invalid(
                "QueryRequest.include((Include[]) null)",
                () -> QueryRequest.builder().include((Include[]) null));
        invalid("QueryRequest.ids([null])", () -> QueryRequest.builder().ids(Arrays.asList((String) null)));
        invalid("DeleteRequest.build() empty", () -> DeleteRequest.builder().build());
        invalid("DeleteRequest.limit(MIN)", () -> DeleteRequest.builder().limit(Integer.MIN_VALUE));
        invalid(
                "DeleteRequest.ids((String[]) null)",
                () -> DeleteRequest.builder().ids((String[]) null));
        invalid("DeleteRequest.ofIds(null)", () -> DeleteRequest.ofIds(null));

        invalid("ChromaRecord.builder(null)", () -> ChromaRecord.builder(null));
        invalid("ChromaRecord.builder('')", () -> ChromaRecord.builder(""));
        invalid(
                "ChromaRecord.sparse(null, v)",
                () -> ChromaRecord.builder("a").sparse(null, SparseVector.of(new int[] {1}, new float[] {1})));
        invalid("ChromaRecord.sparse(k, null)", () -> ChromaRecord.builder("a").sparse("k", null));
        invalid(
                "ChromaRecord.sparse((Map) null)",
                () -> ChromaRecord.builder("a").sparse(null));
        invalid("SparseVector.of(null, null)", () -> SparseVector.of(null, null));
        invalid("SparseVector.of(lengths differ)", () -> SparseVector.of(new int[] {1, 2}, new float[] {1}));
        invalid("SparseVector.of(NaN)", () -> SparseVector.of(new int[] {1}, new float[] {Float.NaN}));
        invalid("SparseVector.of(not ascending)", () -> SparseVector.of(new int[] {2, 1}, new float[] {1, 1}));
        invalid("HnswParams.m(0)", () -> HnswParams.builder().m(0).build());
        invalid(
                "HnswParams.m(MAX)",
                () -> HnswParams.builder().m(Integer.MAX_VALUE).build());
        invalid("HnswParams.m(1)", () -> HnswParams.builder().m(1).build());
        invalid(
                "HnswParams.efConstruction(MIN)",
                () -> HnswParams.builder().efConstruction(Integer.MIN_VALUE).build());
        invalid(
                "HnswParams.efSearch(-1)",
                () -> HnswParams.builder().efSearch(-1).build());
        invalid("SparseIndex.bm25(NaN, b)", () -> SparseIndex.bm25(Double.NaN, 0.75));
        invalid("SparseIndex.bm25(k1, 2)", () -> SparseIndex.bm25(1.2, 2));
        invalid(
                "CollectionOptions.space(null)",
                () -> CollectionOptions.builder().space(null));
        invalid(
                "CollectionOptions.hnsw(null)",
                () -> CollectionOptions.builder().hnsw(null));
        invalid(
                "CollectionOptions.sparseIndex(null, i)",
                () -> CollectionOptions.builder().sparseIndex(null, SparseIndex.bm25()));
        invalid(
                "CollectionOptions.sparseIndex(k, null)",
                () -> CollectionOptions.builder().sparseIndex("k", null));
        invalid(
                "CollectionOptions.metadata({k: NaN})",
                () -> CollectionOptions.builder().metadata(Map.of("k", Double.NaN)));
        invalid("Space.fromChromaName(null)", () -> Space.fromChromaName(null));
        invalid("Space.fromChromaName(x)", () -> Space.fromChromaName("x"));
        invalid("S3Config.bucket(null)", () -> S3Config.builder().bucket(null).build());
        invalid("S3Config.build() without bucket", () -> S3Config.builder().build());
        invalid("S3Config.bucket('')", () -> S3Config.builder().bucket("").build());
        invalid("S3Config.bucket(huge)", () -> S3Config.builder().bucket(HUGE).build());
        invalid(
                "S3Config.endpoint(no scheme)",
                () -> S3Config.builder()
                        .bucket("b")
                        .endpoint(URI.create("localhost"))
                        .build());
        invalid(
                "S3Config.credentials(null, null)",
                () -> S3Config.builder().bucket("b").credentials(null, null).build());
        assertNoProblems();
    }

    @Test
    void extremeButValidHnswParametersWork() {
        ChromaCollection big = client.createCollection(
                "extreme-hnsw",
                CollectionOptions.builder()
                        .hnsw(HnswParams.builder()
                                .m(HnswParams.MAX_M)
                                .efConstruction(Integer.MAX_VALUE)
                                .efSearch(Integer.MAX_VALUE)
                                .build())
                        .build());
        List<ChromaRecord> records = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            records.add(
                    ChromaRecord.builder("r" + i).embedding(new float[] {i, 1}).build());
        }
        big.add(records);
        big.compact();
        QueryResult q = big.query(QueryRequest.builder()
                .queryEmbedding(new float[] {3, 1})
                .nResults(Integer.MAX_VALUE)
                .build());
        assertEquals(50, q.ids().get(0).size());
        assertEquals("r3", q.ids().get(0).get(0));
    }

    @Test
    void closedClientThrowsIllegalState() {
        client.close();
        for (Executable call : List.<Executable>of(
                c::count,
                () -> c.get(GetRequest.builder().build()),
                () -> c.add(List.of(ChromaRecord.builder("z").build())),
                client::listCollections,
                c::compact,
                () -> client.getCollection("hostile"),
                c::stats)) {
            try {
                call.execute();
                fail("a call on a closed client succeeded");
            } catch (Throwable t) {
                assertInstanceOf(IllegalStateException.class, t);
            }
        }
    }

    @Test
    void damagedBlockIsReportedAsCorruptionNamingTheObject() throws IOException {
        String id = c.id().toString();
        client.close();
        Path blocks = dir.resolve("data").resolve("collection").resolve(id).resolve("block");
        List<Path> files;
        try (Stream<Path> s = Files.list(blocks)) {
            files = s.toList();
        }
        assertFalse(files.isEmpty());
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            bytes[bytes.length / 2] ^= 0x5A;
            Files.write(file, bytes);
        }
        CorruptionException e = null;
        ChromaClient reopened = null;
        try {
            reopened = CollectionStates.quietClient(dir);
            ChromaCollection damaged = reopened.getCollection("hostile");
            damaged.get(GetRequest.builder()
                    .include(Include.DOCUMENTS, Include.EMBEDDINGS)
                    .build());
            fail("reading damaged blocks succeeded");
        } catch (CorruptionException expected) {
            e = expected;
        } finally {
            if (reopened != null) {
                reopened.close();
            }
            client = CollectionStates.quietClient(dir.resolve("fresh")); // for @AfterEach
        }
        assertTrue(e.getMessage().contains("collection/" + id + "/block/"), e.getMessage());
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    }
}
