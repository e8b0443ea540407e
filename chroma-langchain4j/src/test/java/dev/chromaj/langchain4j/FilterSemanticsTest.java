package dev.chromaj.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.ChromaClient;
import dev.chromaj.InvalidArgumentException;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.filter.Filter;
import dev.langchain4j.store.embedding.filter.comparison.IsEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThan;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsIn;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThan;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotIn;
import dev.langchain4j.store.embedding.filter.logical.And;
import dev.langchain4j.store.embedding.filter.logical.Not;
import dev.langchain4j.store.embedding.filter.logical.Or;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LangChain4j's own evaluation ({@link Filter#test(Object)} on each segment's original metadata, what its in-memory
 * store runs) is the oracle: for random filter trees over records whose numeric key holds Integer, Long, Float and
 * Double values (and is often missing), the store returns exactly the records the oracle selects, or the filter is
 * rejected by {@link FilterMapper} for a stated reason. Seeded; the seed is in every failure message.
 */
class FilterSemanticsTest {

    private static final long SEED = 0x5EED_1C4AL;
    private static final int RECORDS = 60;
    private static final int FILTERS = 400;

    private static final Comparable<?>[] NUMBERS = {
        0,
        1,
        2,
        42,
        -1,
        1L,
        2L,
        42L,
        3_000_000_000L,
        1.1f,
        2.5f,
        42.0f,
        0.1f,
        1.1d,
        2.5d,
        42.0d,
        0.1d,
        0.30000000000000004d
    };
    private static final String[] STRINGS = {"a", "b", "Klaus", "", "a a", "A"};
    private static final UUID[] UUIDS = {
        UUID.fromString("00000000-0000-0000-0000-000000000001"),
        UUID.fromString("00000000-0000-0000-0000-000000000002"),
        UUID.fromString("00000000-0000-0000-0000-000000000003")
    };

    @Test
    void storeSelectsExactlyWhatLangChain4jSelects(@TempDir Path dir) {
        Random random = new Random(SEED);
        List<Metadata> metadatas = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        try (ChromaClient client = ChromaClient.persistent(dir);
                ChromaEmbeddingStore store = StoreFixtures.storeOn(client)) {
            List<Embedding> embeddings = new ArrayList<>();
            List<TextSegment> segments = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                Metadata md = new Metadata();
                if (random.nextInt(4) > 0) {
                    putNumber(md, "n", NUMBERS[random.nextInt(NUMBERS.length)]);
                }
                if (random.nextInt(4) > 0) {
                    md.put("s", STRINGS[random.nextInt(STRINGS.length)]);
                }
                if (random.nextInt(3) > 0) {
                    md.put("u", UUIDS[random.nextInt(UUIDS.length)]);
                }
                metadatas.add(md);
                ids.add("r" + i);
                embeddings.add(Embedding.from(new float[] {1f, i % 7, i % 3}));
                segments.add(TextSegment.from("text " + i, md));
            }
            store.addAll(ids, embeddings, segments);

            int compared = 0;
            int rejected = 0;
            for (int f = 0; f < FILTERS; f++) {
                Filter filter = randomFilter(random, 3);
                String context = "seed=" + SEED + " filter #" + f + ": " + filter;
                Set<String> expected = new TreeSet<>();
                for (int i = 0; i < RECORDS; i++) {
                    if (filter.test(metadatas.get(i))) {
                        expected.add(ids.get(i));
                    }
                }
                Set<String> actual;
                try {
                    actual = new TreeSet<>();
                    for (EmbeddingMatch<TextSegment> m : store.search(EmbeddingSearchRequest.builder()
                                    .queryEmbedding(Embedding.from(new float[] {1f, 0f, 0f}))
                                    .maxResults(RECORDS)
                                    .filter(filter)
                                    .build())
                            .matches()) {
                        actual.add(m.embeddingId());
                    }
                } catch (InvalidArgumentException e) {
                    // the one reason a generated filter may be rejected: Not over an ordering comparison
                    assertTrue(e.getMessage().contains("without the key"), context + ": " + e.getMessage());
                    rejected++;
                    continue;
                }
                assertEquals(expected, actual, context);
                compared++;
            }
            assertTrue(compared > FILTERS / 2, "seed=" + SEED + ": only " + compared + " filters compared");
            assertTrue(rejected > 0, "seed=" + SEED + ": no filter exercised the rejection");
        }
    }

    private static void putNumber(Metadata md, String key, Object number) {
        if (number instanceof Integer i) {
            md.put(key, i);
        } else if (number instanceof Long l) {
            md.put(key, l);
        } else if (number instanceof Float x) {
            md.put(key, x);
        } else {
            md.put(key, (Double) number);
        }
    }

    /** Leaves compare each key only with values of its own type, so LangChain4j never throws a type mismatch. */
    private static Filter randomFilter(Random random, int depth) {
        int kind = random.nextInt(depth > 0 ? 4 : 1);
        return switch (kind) {
            case 1 -> new And(randomFilter(random, depth - 1), randomFilter(random, depth - 1));
            case 2 -> new Or(randomFilter(random, depth - 1), randomFilter(random, depth - 1));
            case 3 -> new Not(randomFilter(random, depth - 1));
            default -> randomLeaf(random);
        };
    }

    private static Filter randomLeaf(Random random) {
        int key = random.nextInt(3);
        if (key == 0) {
            Comparable<?> n = NUMBERS[random.nextInt(NUMBERS.length)];
            return switch (random.nextInt(8)) {
                case 0 -> new IsEqualTo("n", n);
                case 1 -> new IsNotEqualTo("n", n);
                case 2 -> new IsGreaterThan("n", n);
                case 3 -> new IsGreaterThanOrEqualTo("n", n);
                case 4 -> new IsLessThan("n", n);
                case 5 -> new IsLessThanOrEqualTo("n", n);
                case 6 -> new IsIn("n", List.of(n, NUMBERS[random.nextInt(NUMBERS.length)]));
                default -> new IsNotIn("n", List.of(n, NUMBERS[random.nextInt(NUMBERS.length)]));
            };
        }
        Object v = key == 1 ? STRINGS[random.nextInt(STRINGS.length)] : UUIDS[random.nextInt(UUIDS.length)];
        Object w = key == 1 ? STRINGS[random.nextInt(STRINGS.length)] : UUIDS[random.nextInt(UUIDS.length)];
        String k = key == 1 ? "s" : "u";
        return switch (random.nextInt(4)) {
            case 0 -> new IsEqualTo(k, v);
            case 1 -> new IsNotEqualTo(k, v);
            case 2 -> new IsIn(k, List.of(v, w));
            default -> new IsNotIn(k, List.of(v, w));
        };
    }
}
