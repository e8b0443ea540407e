package dev.chromaj.index.sparse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.testing.TestRandom;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BlockMaxWandTest {

    private static final float[] TIE_PRONE_VALUES = {0.5f, 1f, 1.5f, 2f};

    /** A generated collection: per document offset, its postings (term to value) and its length. */
    private record Corpus(
            boolean bm25,
            TreeMap<Integer, Map<Integer, Float>> docs,
            Map<Integer, Integer> lengths,
            Map<Integer, PostingList> postings,
            Map<Integer, AtomicInteger> loads,
            double avgLength) {}

    @Test
    void dotProductTopKEqualsExhaustiveOnRandomData() {
        runRandomRounds(false, 100);
    }

    @Test
    void bm25TopKEqualsExhaustiveOnRandomData() {
        runRandomRounds(true, 100);
    }

    private void runRandomRounds(boolean bm25, int rounds) {
        long baseSeed = TestRandom.seed();
        for (int round = 0; round < rounds; round++) {
            Random random = new Random(baseSeed + round);
            Corpus corpus = corpus(random, bm25);
            for (int q = 0; q < 5; q++) {
                SparseQuery query = randomQuery(random, corpus);
                String context = (bm25 ? "bm25" : "dot product") + " query " + q + " k " + query.k();
                List<ScoredDoc> wand = BlockMaxWand.search(query);
                List<ScoredDoc> exhaustive = Exhaustive.search(query);
                assertEquals(exhaustive, wand, context);
                assertEquals(exhaustive, BlockMaxMaxScore.search(query), "MaxScore " + context);
                assertEquals(naiveTopK(corpus, query), exhaustive, context);
            }
        }
    }

    @Test
    void negativeWeightsAndValuesStayExact() {
        Random random = TestRandom.random();
        for (int round = 0; round < 40; round++) {
            Corpus corpus = corpus(random, false);
            SparseQuery.Builder builder = SparseQuery.builder().k(1 + random.nextInt(20));
            List<Integer> terms = new ArrayList<>(corpus.postings().keySet());
            for (int i = 0; i < 4 && !terms.isEmpty(); i++) {
                int term = terms.get(random.nextInt(terms.size()));
                builder.term(corpus.postings().get(term), TermWeight.dotProduct(random.nextFloat() * 4 - 2));
            }
            SparseQuery query = builder.build();
            assertEquals(Exhaustive.search(query), BlockMaxWand.search(query), "round " + round);
            assertEquals(Exhaustive.search(query), BlockMaxMaxScore.search(query), "round " + round);
            assertEquals(naiveTopK(corpus, query), BlockMaxWand.search(query), "round " + round);
        }
    }

    @Test
    void wandSkipsBlocksThatCannotEnterTheTopK() {
        // Term 0: a long list of low values with a few high ones; term 1: short list of high values.
        PostingListBuilder common = PostingListBuilder.weights();
        PostingListBuilder rare = PostingListBuilder.weights();
        for (int doc = 0; doc < 100_000; doc++) {
            common.add(doc, doc % 25_000 == 7 ? 10f : 0.1f);
            if (doc % 1000 == 0) {
                rare.add(doc, 5f);
            }
        }
        List<PostingBlock> commonBlocks = common.blocks();
        AtomicInteger loads = new AtomicInteger();
        PostingList commonList = PostingList.of(PostingSkips.of(commonBlocks), n -> {
            loads.incrementAndGet();
            return commonBlocks.get(n);
        });
        SparseQuery query = SparseQuery.builder()
                .k(5)
                .term(commonList, TermWeight.dotProduct(1f))
                .term(rare.build(), TermWeight.dotProduct(1f))
                .build();
        List<ScoredDoc> wand = BlockMaxWand.search(query);
        int wandLoads = loads.get();
        assertEquals(Exhaustive.search(query), wand);
        assertEquals(
                List.of(7, 25_007, 50_007, 75_007),
                wand.subList(0, 4).stream().map(ScoredDoc::offset).toList());
        assertTrue(wandLoads < commonBlocks.size() / 2, "WAND loaded " + wandLoads + " of " + commonBlocks.size());
    }

    @Test
    void filtersAndExclusionsRemoveDocumentsBeforeRanking() {
        PostingListBuilder builder = PostingListBuilder.weights();
        for (int doc = 0; doc < 1000; doc++) {
            builder.add(doc, doc);
        }
        PostingList list = builder.build();
        SparseQuery query = SparseQuery.builder()
                .k(3)
                .term(list, TermWeight.dotProduct(1f))
                .allowed(doc -> doc % 2 == 0)
                .excluded(doc -> doc == 998)
                .build();
        List<ScoredDoc> expected =
                List.of(new ScoredDoc(996, 996f), new ScoredDoc(994, 994f), new ScoredDoc(992, 992f));
        assertEquals(expected, BlockMaxWand.search(query));
        assertEquals(expected, BlockMaxMaxScore.search(query));
        assertEquals(expected, Exhaustive.search(query));
    }

    @Test
    void tiesAreBrokenByLowerOffset() {
        PostingListBuilder builder = PostingListBuilder.weights();
        for (int doc = 0; doc < 500; doc++) {
            builder.add(doc * 3, 1f);
        }
        SparseQuery query = SparseQuery.builder()
                .k(4)
                .term(builder.build(), TermWeight.dotProduct(2f))
                .build();
        List<ScoredDoc> expected =
                List.of(new ScoredDoc(0, 2f), new ScoredDoc(3, 2f), new ScoredDoc(6, 2f), new ScoredDoc(9, 2f));
        assertEquals(expected, BlockMaxWand.search(query));
    }

    @Test
    void queriesWithoutPostingsReturnNothing() {
        assertEquals(List.of(), BlockMaxWand.search(SparseQuery.builder().build()));
        SparseQuery missing = SparseQuery.builder()
                .term(PostingList.empty(), TermWeight.dotProduct(1f))
                .term(PostingList.empty(), TermWeight.bm25(Bm25Scorer.CHROMA, 1f, 10f, 1f))
                .build();
        assertEquals(List.of(), BlockMaxWand.search(missing));
        assertEquals(List.of(), BlockMaxMaxScore.search(missing));
        assertEquals(List.of(), Exhaustive.search(missing));
    }

    @Test
    void longSkewedListsAcrossManyBlocksAndWindowsStayExact() {
        Random random = TestRandom.random();
        for (int round = 0; round < 12; round++) {
            boolean bm25 = random.nextBoolean();
            int docCount = 2_000 + random.nextInt(30_000);
            int vocabulary = 2 + random.nextInt(40);
            Map<Integer, PostingList> postings = denseCorpus(random, bm25, docCount, vocabulary);
            for (int q = 0; q < 4; q++) {
                int termCount = 1 + random.nextInt(10);
                // k beyond the number of matching documents included.
                int k = new int[] {1, 10, 100, 1000, 50_000}[random.nextInt(5)];
                SparseQuery.Builder builder = SparseQuery.builder().k(k);
                for (int i = 0; i < termCount; i++) {
                    // Some terms are absent from the index.
                    PostingList list = postings.getOrDefault(random.nextInt(vocabulary + 3), PostingList.empty());
                    // Skewed weights: a few terms dominate.
                    float weight = random.nextInt(4) == 0 ? 5 + random.nextFloat() * 20 : 0.05f + random.nextFloat();
                    builder.term(
                            list,
                            bm25
                                    ? TermWeight.bm25(
                                            Bm25Scorer.CHROMA,
                                            Bm25Scorer.CHROMA.idf(docCount, list.postingCount()),
                                            40f,
                                            weight)
                                    : TermWeight.dotProduct(weight));
                }
                assertAllEqual(builder.build(), "round " + round + " query " + q + " k " + k);
            }
        }
    }

    @Test
    void completedCandidatesAreSummedInQueryOrder() {
        // Documents 1000 and 2000 score (2^70 + 2^-10) - 2^70 + v in query order: the 2^-10 of the weak term is lost
        // in double, so the score is exactly v; summing the strong terms first would give v + 2^-10. The weak term is
        // non-essential when they are scored (the top 3 is full from the first block), and it precedes essential
        // terms in query order: document 1000 is completed after its window dropped no candidate, document 2000 in
        // the next window, scored in one pass.
        float huge = (float) Math.pow(2, 70);
        float tiny = (float) Math.pow(2, -10);
        PostingListBuilder first = PostingListBuilder.weights();
        PostingListBuilder weak = PostingListBuilder.weights();
        PostingListBuilder negative = PostingListBuilder.weights();
        PostingListBuilder last = PostingListBuilder.weights();
        for (int doc : new int[] {1000, 2000}) {
            first.add(doc, huge);
            weak.add(doc, tiny);
        }
        negative.add(500, -0.75f);
        negative.add(1000, huge);
        negative.add(2000, huge);
        for (int doc = 0; doc < 128; doc++) {
            last.add(doc, doc < 3 ? 0.5f / (1 << doc) : 0x1p-20f);
        }
        for (int doc = 1000; doc < 1128; doc++) {
            last.add(doc, doc == 1000 ? 1f : 0x1p-20f);
        }
        last.add(2000, 2f);
        SparseQuery query = SparseQuery.builder()
                .k(3)
                .term(first.build(), TermWeight.dotProduct(1f))
                .term(weak.build(), TermWeight.dotProduct(1f))
                .term(negative.build(), TermWeight.dotProduct(-1f))
                .term(last.build(), TermWeight.dotProduct(1f))
                .build();
        List<ScoredDoc> expected = List.of(new ScoredDoc(2000, 2f), new ScoredDoc(1000, 1f), new ScoredDoc(500, 0.75f));
        assertEquals(expected, Exhaustive.search(query));
        assertEquals(expected, BlockMaxWand.search(query));
        assertEquals(expected, BlockMaxMaxScore.search(query));
    }

    @Test
    void burstsBetweenSparseStretchesStayExactWhateverTheQueryOrder() {
        // Common weak terms (non-essential once the top k fills) are listed before and after the strong ones, so that
        // completing candidates must restore query order; bursts of strong documents keep candidates window after
        // window, the stretches between them keep none, so windows alternate between reading the non-essential terms
        // in one pass with the essential ones and reading them only when a candidate is left.
        Random random = TestRandom.random();
        for (int round = 0; round < 16; round++) {
            boolean bm25 = random.nextBoolean();
            int docCount = 5_000 + random.nextInt(20_000);
            int burstEvery = 500 + random.nextInt(3_000);
            int burstLength = 20 + random.nextInt(400);
            PostingListBuilder[] builders = new PostingListBuilder[4];
            for (int t = 0; t < builders.length; t++) {
                builders[t] = bm25 ? PostingListBuilder.termFrequencies() : PostingListBuilder.weights();
            }
            for (int doc = 0; doc < docCount; doc++) {
                boolean inBurst = doc % burstEvery < burstLength;
                int length = 5 + random.nextInt(300);
                // Terms 0 and 3: common and weak; 1 and 2: strong, mostly inside the bursts.
                double[] chance = {0.7, inBurst ? 0.6 : 0.002, inBurst ? 0.5 : 0.001, 0.4};
                for (int t = 0; t < builders.length; t++) {
                    if (random.nextDouble() < chance[t]) {
                        if (bm25) {
                            int tf = 1 + random.nextInt(t == 1 || t == 2 ? 9 : 2);
                            builders[t].add(doc, tf, Math.max(length, tf));
                        } else {
                            builders[t].add(doc, (t == 1 || t == 2 ? 3 : 0.2f) * random.nextFloat());
                        }
                    }
                }
            }
            PostingList[] lists = new PostingList[builders.length];
            for (int t = 0; t < lists.length; t++) {
                lists[t] = builders[t].build();
            }
            for (int k : new int[] {1, 10, 100, 1_000}) {
                SparseQuery.Builder builder = SparseQuery.builder().k(k);
                for (int t : new int[] {0, 1, 3, 2}) {
                    float weight = t == 1 || t == 2 ? 2 + random.nextFloat() * 5 : 0.1f + random.nextFloat();
                    builder.term(
                            lists[t],
                            bm25
                                    ? TermWeight.bm25(
                                            Bm25Scorer.CHROMA,
                                            Bm25Scorer.CHROMA.idf(docCount, lists[t].postingCount()),
                                            150f,
                                            weight)
                                    : TermWeight.dotProduct(weight));
                }
                assertAllEqual(builder.build(), "round " + round + " k " + k + " bm25 " + bm25);
            }
        }
    }

    @Test
    void queriesWithMoreThan62TermsStayExact() {
        // Many terms: most are non-essential in most windows, and many precede essential ones in query order.
        Random random = TestRandom.random();
        for (int round = 0; round < 10; round++) {
            boolean bm25 = random.nextBoolean();
            int docCount = 500 + random.nextInt(5_000);
            int vocabulary = 70 + random.nextInt(80);
            Map<Integer, PostingList> postings = denseCorpus(random, bm25, docCount, vocabulary);
            SparseQuery.Builder builder = SparseQuery.builder().k(new int[] {3, 10, 100}[random.nextInt(3)]);
            int termCount = 63 + random.nextInt(60);
            for (int i = 0; i < termCount; i++) {
                PostingList list = postings.getOrDefault(random.nextInt(vocabulary), PostingList.empty());
                float weight = 0.1f + random.nextFloat() * 3;
                builder.term(
                        list,
                        bm25
                                ? TermWeight.bm25(
                                        Bm25Scorer.CHROMA,
                                        Bm25Scorer.CHROMA.idf(docCount, list.postingCount()),
                                        40f,
                                        weight)
                                : TermWeight.dotProduct(random.nextInt(5) == 0 ? -weight : weight));
            }
            assertAllEqual(builder.build(), "round " + round);
        }
    }

    @Test
    void singleTermsAndTiesStayExact() {
        Random random = TestRandom.random();
        for (int round = 0; round < 30; round++) {
            PostingListBuilder builder = PostingListBuilder.weights();
            int doc = random.nextInt(5);
            int count = 1 + random.nextInt(3_000);
            for (int i = 0; i < count; i++) {
                builder.add(doc, TIE_PRONE_VALUES[random.nextInt(TIE_PRONE_VALUES.length)]);
                doc += 1 + random.nextInt(random.nextBoolean() ? 3 : 2_000);
            }
            PostingList list = builder.build();
            int k = 1 + random.nextInt(count + 10);
            String context = "round " + round + " k " + k;
            assertAllEqual(
                    SparseQuery.builder()
                            .k(k)
                            .term(list, TermWeight.dotProduct(1.5f))
                            .build(),
                    context);
            // The same list twice: every document ties with itself term by term.
            assertAllEqual(
                    SparseQuery.builder()
                            .k(k)
                            .term(list, TermWeight.dotProduct(1f))
                            .term(list, TermWeight.dotProduct(1f))
                            .term(PostingList.empty(), TermWeight.dotProduct(9f))
                            .build(),
                    context);
        }
    }

    private static void assertAllEqual(SparseQuery query, String context) {
        List<ScoredDoc> exhaustive = Exhaustive.search(query);
        assertEquals(exhaustive, BlockMaxWand.search(query), "WAND " + context);
        assertEquals(exhaustive, BlockMaxMaxScore.search(query), "MaxScore " + context);
    }

    /** Long lists: term t holds a document with probability falling with t, so low terms span many blocks. */
    private static Map<Integer, PostingList> denseCorpus(Random random, boolean bm25, int docCount, int vocabulary) {
        Map<Integer, PostingListBuilder> builders = new HashMap<>();
        int offset = 0;
        for (int d = 0; d < docCount; d++) {
            offset += 1 + (random.nextInt(50) == 0 ? random.nextInt(3_000) : 0);
            int length = 1 + random.nextInt(200);
            for (int t = 0; t < vocabulary; t++) {
                if (random.nextDouble() < 0.6 / (1 + t)) {
                    PostingListBuilder builder = builders.computeIfAbsent(
                            t, x -> bm25 ? PostingListBuilder.termFrequencies() : PostingListBuilder.weights());
                    if (bm25) {
                        int tf = 1 + (random.nextInt(5) == 0 ? random.nextInt(8) : 0);
                        builder.add(offset, tf, Math.max(length, tf));
                    } else {
                        builder.add(offset, random.nextInt(3) == 0 ? 1f : random.nextFloat() * 4);
                    }
                }
            }
        }
        Map<Integer, PostingList> postings = new HashMap<>();
        builders.forEach((term, builder) -> postings.put(term, builder.build()));
        return postings;
    }

    private static Corpus corpus(Random random, boolean bm25) {
        int docCount = 1 + random.nextInt(random.nextBoolean() ? 200 : 4000);
        int vocabulary = 1 + random.nextInt(150);
        boolean tieProne = random.nextBoolean();
        boolean negatives = !bm25 && random.nextInt(4) == 0;
        TreeMap<Integer, Map<Integer, Float>> docs = new TreeMap<>();
        Map<Integer, Integer> lengths = new HashMap<>();
        int offset = random.nextInt(10);
        long totalLength = 0;
        for (int d = 0; d < docCount; d++) {
            offset += 1 + (random.nextInt(10) == 0 ? random.nextInt(500) : 0);
            Map<Integer, Float> terms = new HashMap<>();
            int termCount = 1 + random.nextInt(12);
            int length = 0;
            for (int t = 0; t < termCount; t++) {
                // Skewed term choice: low term ids are common, like real vocabularies.
                int term = (int) (vocabulary * Math.pow(random.nextDouble(), 3));
                float value;
                if (bm25) {
                    value = 1 + (random.nextInt(4) == 0 ? random.nextInt(6) : 0);
                } else if (tieProne) {
                    value = TIE_PRONE_VALUES[random.nextInt(TIE_PRONE_VALUES.length)];
                } else {
                    value = random.nextFloat() * 3;
                }
                if (negatives && random.nextInt(3) == 0) {
                    value = -value;
                }
                Float previous = terms.put(term, value);
                length += (int) value - (previous == null || !bm25 ? 0 : (int) (float) previous);
            }
            length += random.nextInt(30);
            docs.put(offset, terms);
            lengths.put(offset, bm25 ? Math.max(length, 1) : 0);
            totalLength += lengths.get(offset);
        }
        Map<Integer, PostingListBuilder> builders = new TreeMap<>();
        for (Map.Entry<Integer, Map<Integer, Float>> doc : docs.entrySet()) {
            for (Map.Entry<Integer, Float> posting : doc.getValue().entrySet()) {
                PostingListBuilder builder = builders.computeIfAbsent(
                        posting.getKey(),
                        t -> bm25 ? PostingListBuilder.termFrequencies() : PostingListBuilder.weights());
                if (bm25) {
                    builder.add(doc.getKey(), (int) (float) posting.getValue(), lengths.get(doc.getKey()));
                } else {
                    builder.add(doc.getKey(), posting.getValue());
                }
            }
        }
        Map<Integer, PostingList> postings = new HashMap<>();
        Map<Integer, AtomicInteger> loads = new HashMap<>();
        for (Map.Entry<Integer, PostingListBuilder> entry : builders.entrySet()) {
            List<PostingBlock> blocks = entry.getValue().blocks();
            AtomicInteger counter = new AtomicInteger();
            loads.put(entry.getKey(), counter);
            // Lazy source through encoded bytes, as a segment would read them from a blockfile.
            List<byte[]> encoded = blocks.stream().map(PostingBlock::encode).toList();
            PostingSkips skips = PostingSkips.decode(PostingSkips.of(blocks).encode());
            postings.put(entry.getKey(), PostingList.of(skips, n -> {
                counter.incrementAndGet();
                return PostingBlock.decode(encoded.get(n));
            }));
        }
        return new Corpus(bm25, docs, lengths, postings, loads, (double) totalLength / docCount);
    }

    private static SparseQuery randomQuery(Random random, Corpus corpus) {
        int[] ks = {1, 2, 3, 5, 10, 50, 100, 1000};
        SparseQuery.Builder builder = SparseQuery.builder().k(ks[random.nextInt(ks.length)]);
        int termCount = 1 + random.nextInt(8);
        int vocabulary = corpus.postings().keySet().stream()
                        .mapToInt(Integer::intValue)
                        .max()
                        .orElse(0)
                + 2;
        boolean equalWeights = random.nextBoolean();
        for (int i = 0; i < termCount; i++) {
            int term = random.nextInt(vocabulary);
            PostingList list = corpus.postings().getOrDefault(term, PostingList.empty());
            float weight = equalWeights ? 1f : 0.1f + random.nextFloat() * 2;
            if (corpus.bm25()) {
                long docFreq = list.postingCount();
                float idf = Bm25Scorer.CHROMA.idf(corpus.docs().size(), docFreq);
                builder.term(
                        list,
                        TermWeight.bm25(
                                Bm25Scorer.CHROMA,
                                idf,
                                (float) corpus.avgLength(),
                                equalWeights ? 1 + random.nextInt(2) : weight));
            } else {
                builder.term(list, TermWeight.dotProduct(weight));
            }
        }
        int filterKind = random.nextInt(4);
        if (filterKind > 0) {
            BitSet allowed = new BitSet();
            double density = filterKind == 1 ? 0.5 : filterKind == 2 ? 0.05 : 0.9;
            for (int offset : corpus.docs().keySet()) {
                if (random.nextDouble() < density) {
                    allowed.set(offset);
                }
            }
            builder.allowed(allowed::get);
        }
        if (random.nextBoolean()) {
            BitSet deleted = new BitSet();
            for (int offset : corpus.docs().keySet()) {
                if (random.nextDouble() < 0.1) {
                    deleted.set(offset);
                }
            }
            builder.excluded(deleted::get);
        }
        return builder.build();
    }

    /** Scores every document straight from the generated data, independently of cursors and blocks. */
    private static List<ScoredDoc> naiveTopK(Corpus corpus, SparseQuery query) {
        List<ScoredDoc> all = new ArrayList<>();
        List<Integer> queryTerms = new ArrayList<>();
        for (SparseQuery.QueryTerm term : query.terms()) {
            queryTerms.add(termOf(corpus, term.postings()));
        }
        for (Map.Entry<Integer, Map<Integer, Float>> doc : corpus.docs().entrySet()) {
            int offset = doc.getKey();
            double sum = 0;
            boolean matched = false;
            for (int i = 0; i < queryTerms.size(); i++) {
                Float value = doc.getValue().get(queryTerms.get(i));
                if (value != null) {
                    matched = true;
                    sum += query.terms()
                            .get(i)
                            .weight()
                            .contribution(value, corpus.lengths().get(offset));
                }
            }
            if (matched && query.allowed().test(offset) && !query.excluded().test(offset)) {
                all.add(new ScoredDoc(offset, (float) sum));
            }
        }
        all.sort(null);
        return List.copyOf(all.subList(0, Math.min(query.k(), all.size())));
    }

    private static int termOf(Corpus corpus, PostingList list) {
        for (Map.Entry<Integer, PostingList> entry : corpus.postings().entrySet()) {
            if (entry.getValue() == list) {
                return entry.getKey();
            }
        }
        return -1;
    }
}
