package dev.chromaj.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.chromaj.segment.filter.DocumentFilter;
import dev.chromaj.segment.filter.FilterEvaluator;
import dev.chromaj.segment.filter.MetadataFilter;
import dev.chromaj.testing.TestRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

class BitmapFilterTest {

    @SafeVarargs // only reads the array
    private static InMemoryIndexView view(Map<String, Object>... metadatas) {
        InMemoryIndexView view = new InMemoryIndexView();
        for (int i = 0; i < metadatas.length; i++) {
            view.add(i, "id" + i, metadatas[i], null);
        }
        return view;
    }

    private static RoaringBitmap eval(IndexView view, MetadataFilter where) {
        return new BitmapFilter(view).evaluate(where, null);
    }

    @Test
    @SuppressWarnings("unchecked")
    void integerEqualsFloat() {
        InMemoryIndexView v = view(Map.of("k", 5L), Map.of("k", 5.0), Map.of("k", 5.5), Map.of("k", "5"));
        assertEquals(
                RoaringBitmap.bitmapOf(0, 1), eval(v, new MetadataFilter.Comparison("k", MetadataFilter.Op.EQ, 5L)));
        assertEquals(
                RoaringBitmap.bitmapOf(0, 1), eval(v, new MetadataFilter.Comparison("k", MetadataFilter.Op.EQ, 5.0)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void negationsMatchRecordsLackingTheKeyOrOfAnotherType() {
        InMemoryIndexView v = view(Map.of("k", 1L), Map.of("other", 1L), Map.of("k", "1"));
        assertEquals(
                RoaringBitmap.bitmapOf(1, 2), eval(v, new MetadataFilter.Comparison("k", MetadataFilter.Op.NE, 1L)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void rangesCompareLongsBeyondDoublePrecisionExactly() {
        long big = (1L << 53) + 1;
        InMemoryIndexView v = view(Map.of("k", big), Map.of("k", 0x1p53), Map.of("k", 2.5), Map.of("k", 3L));
        assertEquals(
                RoaringBitmap.bitmapOf(0), eval(v, new MetadataFilter.Comparison("k", MetadataFilter.Op.GT, 0x1p53)));
        assertEquals(
                RoaringBitmap.bitmapOf(1, 2, 3),
                eval(v, new MetadataFilter.Comparison("k", MetadataFilter.Op.LT, big)));
        assertEquals(
                RoaringBitmap.bitmapOf(0, 1, 3),
                eval(v, new MetadataFilter.Comparison("k", MetadataFilter.Op.GT, 2.5)));
        assertEquals(
                RoaringBitmap.bitmapOf(0, 1),
                eval(v, new MetadataFilter.Comparison("k", MetadataFilter.Op.GTE, 0x1p53)));
        assertEquals(RoaringBitmap.bitmapOf(2), eval(v, new MetadataFilter.Comparison("k", MetadataFilter.Op.LT, 3L)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void arraysMatchPerElement() {
        InMemoryIndexView v =
                view(Map.of("tags", List.of("a", "b")), Map.of("tags", "a"), Map.of("tags", List.of(1L, 7L)));
        assertEquals(RoaringBitmap.bitmapOf(0, 1), eval(v, new MetadataFilter.ArrayContains("tags", false, "a")));
        assertEquals(
                RoaringBitmap.bitmapOf(2), eval(v, new MetadataFilter.Comparison("tags", MetadataFilter.Op.GT, 5L)));
        assertEquals(RoaringBitmap.bitmapOf(2), eval(v, new MetadataFilter.ArrayContains("tags", true, "a")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void orderingOperatorOnStringIsRejected() {
        InMemoryIndexView v = view(Map.of("k", "a"));
        assertThrows(
                IllegalArgumentException.class,
                () -> eval(v, new MetadataFilter.Comparison("k", MetadataFilter.Op.GT, "a")));
    }

    @Test
    void randomFiltersAgreeWithFilterEvaluator() {
        Random rnd = TestRandom.random();
        RandomData data = new RandomData(rnd);
        for (int round = 0; round < 30; round++) {
            InMemoryIndexView view = new InMemoryIndexView();
            List<String> ids = new ArrayList<>();
            Map<Integer, Map<String, Object>> metadata = new HashMap<>();
            Map<Integer, String> documents = new HashMap<>();
            int n = 1 + rnd.nextInt(60);
            for (int i = 0; i < n; i++) {
                Map<String, Object> md = data.metadata();
                if (md != null) {
                    md = dev.chromaj.segment.log.RecordChange.of(null, null, md, null)
                            .metadata();
                }
                String doc = data.document();
                view.add(i * 2, "id" + i, md, doc);
                ids.add("id" + i);
                metadata.put(i * 2, md);
                documents.put(i * 2, doc);
            }
            for (int q = 0; q < 40; q++) {
                MetadataFilter where = rnd.nextInt(4) == 0 ? null : data.where(2, ids);
                DocumentFilter whereDoc = rnd.nextInt(3) == 0 ? data.whereDocument(2) : null;
                RoaringBitmap expected = new RoaringBitmap();
                for (int i = 0; i < n; i++) {
                    boolean ok = (where == null || FilterEvaluator.matches(where, "id" + i, metadata.get(i * 2)))
                            && (whereDoc == null || FilterEvaluator.matches(whereDoc, documents.get(i * 2)));
                    if (ok) {
                        expected.add(i * 2);
                    }
                }
                assertEquals(
                        expected,
                        new BitmapFilter(view).evaluate(where, whereDoc),
                        "where " + where + " whereDocument " + whereDoc);
            }
        }
    }
}
