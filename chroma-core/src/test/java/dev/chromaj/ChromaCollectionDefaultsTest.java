package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The default methods of {@link ChromaCollection} and {@link Database} delegate to the abstract ones. */
class ChromaCollectionDefaultsTest {

    /** Records what the abstract methods received. */
    private static final class RecordingCollection implements ChromaCollection, Database {
        final List<String> calls = new ArrayList<>();
        List<ChromaRecord> records;
        Object request;

        @Override
        public UUID id() {
            return new UUID(0, 1);
        }

        @Override
        public String name() {
            return "c";
        }

        @Override
        public String tenant() {
            return "t";
        }

        @Override
        public String database() {
            return "d";
        }

        @Override
        public Map<String, Object> metadata() {
            return Map.of();
        }

        @Override
        public CollectionOptions options() {
            return CollectionOptions.defaults();
        }

        @Override
        public OptionalInt dimension() {
            return OptionalInt.empty();
        }

        @Override
        public void add(List<ChromaRecord> r) {
            calls.add("add");
            records = r;
        }

        @Override
        public void upsert(List<ChromaRecord> r) {
            calls.add("upsert");
            records = r;
        }

        @Override
        public void update(List<ChromaRecord> r) {
            calls.add("update");
            records = r;
        }

        @Override
        public int delete(DeleteRequest r) {
            request = r;
            return 0;
        }

        @Override
        public GetResult get(GetRequest r) {
            request = r;
            return GetResult.empty(r.include());
        }

        @Override
        public QueryResult query(QueryRequest r) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SearchResult search(Search s) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long count() {
            return 0;
        }

        @Override
        public void modify(String n, Map<String, Object> m) {}

        @Override
        public void compact() {}

        @Override
        public CollectionStats stats() {
            throw new UnsupportedOperationException();
        }

        @Override
        public ChromaCollection createCollection(String name, CollectionOptions options) {
            request = options;
            return this;
        }

        @Override
        public ChromaCollection getCollection(String name) {
            return this;
        }

        @Override
        public ChromaCollection getOrCreateCollection(String name, CollectionOptions options) {
            request = options;
            return this;
        }

        @Override
        public List<ChromaCollection> listCollections(int limit, int offset) {
            request = limit;
            return List.of();
        }

        @Override
        public int countCollections() {
            return 0;
        }

        @Override
        public void deleteCollection(String name) {}
    }

    @Test
    void columnWiseAddBuildsOneRecordPerId() {
        RecordingCollection c = new RecordingCollection();
        c.add(List.of("a", "b"), List.of(new float[] {1f}, new float[] {2f}), null, Arrays.asList("doc", null));
        assertEquals(List.of("add"), c.calls);
        assertEquals(2, c.records.size());
        assertEquals("doc", c.records.get(0).document());
        assertNull(c.records.get(1).document());
        assertNull(c.records.get(0).metadata());
    }

    @Test
    void columnWiseUpsertAndUpdateDelegate() {
        RecordingCollection c = new RecordingCollection();
        c.upsert(List.of("a"), null, List.of(Map.of("k", 1)), null);
        c.update(List.of("a"), null, null, List.of("d"));
        assertEquals(List.of("upsert", "update"), c.calls);
        assertEquals("d", c.records.get(0).document());
    }

    @Test
    void columnWiseListsOfUnequalLengthAreRejected() {
        RecordingCollection c = new RecordingCollection();
        assertThrows(InvalidArgumentException.class, () -> c.add(List.of("a", "b"), null, null, List.of("x")));
        assertEquals(List.of(), c.calls);
    }

    @Test
    void convenienceReadsAndDeletesBuildRequests() {
        RecordingCollection c = new RecordingCollection();
        c.get(List.of("a"));
        assertEquals(List.of("a"), ((GetRequest) c.request).ids());
        c.peek(5);
        assertEquals(OptionalInt.of(5), ((GetRequest) c.request).limit());
        c.delete(List.of("x"));
        assertEquals(List.of("x"), ((DeleteRequest) c.request).ids());
    }

    @Test
    void databaseDefaultsUseDefaultOptionsAndListEverything() {
        RecordingCollection c = new RecordingCollection();
        c.createCollection("abc");
        assertEquals(CollectionOptions.defaults(), c.request);
        c.getOrCreateCollection("abc");
        assertEquals(CollectionOptions.defaults(), c.request);
        c.listCollections();
        assertEquals(Integer.MAX_VALUE, c.request);
    }
}
