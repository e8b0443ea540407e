package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.chromaj.segment.filter.FilterEvaluator;
import dev.chromaj.testing.TestRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random filters built with the factories, written with {@code toJson()} and parsed back, must be equal and must
 * select the same random records.
 */
class WhereRoundTripTest {

    private static final String[] KEYS = {"a", "b", "c", "tags"};
    private static final String[] WORDS = {"x", "y", "z", "news", ""};

    @Test
    void randomWhereTreesSurviveJsonAndEvaluateIdentically() {
        Random random = TestRandom.random();
        List<Map<String, Object>> records = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            records.add(randomMetadata(random));
        }
        for (int round = 0; round < 300; round++) {
            Where where = randomWhere(random, 3);
            String json = where.toJson();
            Where parsed = Where.parse(json);
            assertEquals(where, parsed, "" + json);
            FilterEvaluator.MetadataMatcher expected = FilterEvaluator.compile(where.filter());
            FilterEvaluator.MetadataMatcher actual = FilterEvaluator.compile(parsed.filter());
            for (int i = 0; i < records.size(); i++) {
                String id = "id" + i;
                assertEquals(
                        expected.matches(id, records.get(i)),
                        actual.matches(id, records.get(i)),
                        "" + json + " on " + records.get(i));
            }
        }
    }

    @Test
    void randomWhereDocumentTreesSurviveJsonAndEvaluateIdentically() {
        Random random = TestRandom.random();
        String[] docs = {null, "", "news of the day", "Vector databases", "x y z", "draft: xyz"};
        for (int round = 0; round < 300; round++) {
            WhereDocument d = randomWhereDocument(random, 3);
            WhereDocument parsed = WhereDocument.parse(d.toJson());
            assertEquals(d, parsed);
            for (String doc : docs) {
                assertEquals(
                        FilterEvaluator.matches(d.filter(), doc),
                        FilterEvaluator.matches(parsed.filter(), doc),
                        "" + d.toJson() + " on " + doc);
            }
        }
    }

    private static Map<String, Object> randomMetadata(Random random) {
        Map<String, Object> md = new LinkedHashMap<>();
        for (String key : KEYS) {
            if (random.nextInt(4) == 0) {
                continue;
            }
            md.put(key, random.nextInt(5) == 0 ? randomList(random) : randomScalar(random));
        }
        return md;
    }

    private static Object randomScalar(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> (long) random.nextInt(5);
            case 1 -> random.nextInt(5) + (random.nextBoolean() ? 0.0 : 0.5);
            case 2 -> WORDS[random.nextInt(WORDS.length - 1)];
            default -> random.nextBoolean();
        };
    }

    private static List<Object> randomList(Random random) {
        int type = random.nextInt(4);
        List<Object> out = new ArrayList<>();
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            Object v = randomScalar(random);
            while (typeOf(v) != type) {
                v = randomScalar(random);
            }
            out.add(v);
        }
        return out;
    }

    private static int typeOf(Object v) {
        return v instanceof Long ? 0 : v instanceof Double ? 1 : v instanceof String ? 2 : 3;
    }

    private static Object randomNumber(Random random) {
        return random.nextBoolean() ? (Object) (long) random.nextInt(5) : (Object) (random.nextInt(10) / 2.0);
    }

    private static Where randomWhere(Random random, int depth) {
        int choice = random.nextInt(depth > 0 ? 13 : 11);
        String key = KEYS[random.nextInt(KEYS.length)];
        return switch (choice) {
            case 0 -> Where.eq(key, randomScalar(random));
            case 1 -> Where.ne(key, randomScalar(random));
            case 2 -> Where.gt(key, (Number) randomNumber(random));
            case 3 -> Where.gte(key, (Number) randomNumber(random));
            case 4 -> Where.lt(key, (Number) randomNumber(random));
            case 5 -> Where.lte(key, (Number) randomNumber(random));
            case 6 -> Where.in(key, randomList(random));
            case 7 -> Where.nin(key, randomList(random));
            case 8 -> Where.contains(key, randomScalar(random));
            case 9 -> Where.notContains(key, randomScalar(random));
            case 10 -> Where.idIn("id" + random.nextInt(200), "id" + random.nextInt(200));
            default -> {
                List<Where> children = new ArrayList<>();
                int n = 2 + random.nextInt(2);
                for (int i = 0; i < n; i++) {
                    children.add(randomWhere(random, depth - 1));
                }
                yield choice == 11 ? Where.and(children) : Where.or(children);
            }
        };
    }

    private static WhereDocument randomWhereDocument(Random random, int depth) {
        String[] texts = {"news", "x", "Vector", "draft", "z*", "(?i)vector", "^x"};
        String text = texts[random.nextInt(texts.length)];
        int choice = random.nextInt(depth > 0 ? 6 : 4);
        return switch (choice) {
            case 0 -> WhereDocument.contains(text);
            case 1 -> WhereDocument.notContains(text);
            case 2 -> WhereDocument.regex(text);
            case 3 -> WhereDocument.notRegex(text);
            default -> {
                List<WhereDocument> children =
                        List.of(randomWhereDocument(random, depth - 1), randomWhereDocument(random, depth - 1));
                yield choice == 4 ? WhereDocument.and(children) : WhereDocument.or(children);
            }
        };
    }
}
