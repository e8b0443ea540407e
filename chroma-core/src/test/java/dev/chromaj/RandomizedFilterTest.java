package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.chromaj.testing.TestRandom;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random records and random {@link Where} / {@link WhereDocument} trees against a reference evaluator written here
 * from the documented semantics, through {@code get}, {@code query} and {@code delete}, with the data in the log
 * tail, compacted, and compacted with updates and deletes in the tail. Three data sets per run, drawn from the test's
 * {@link TestRandom} seed; a failure prints the REPRODUCE line that runs them again.
 */
class RandomizedFilterTest {
    private static final String[] STRINGS = {"red", "green", "blue", "Red", "5"};
    private static final String[] WORDS = {
        "apple", "banana", "cherry", "Apple", "date", "elder", "fig", "kiwi", "an", "nana"
    };
    private static final String[] KEYS = {"s", "i", "f", "b", "n", "tags", "nums", "missing"};
    private static final int DIM = 4;

    @TempDir
    Path dir;

    @Test
    void randomFiltersAgreeWithTheReferenceInEveryState() {
        List<Long> seeds = new ArrayList<>();
        Random r = TestRandom.random();
        for (int i = 0; i < 3; i++) {
            seeds.add(r.nextLong());
        }
        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            for (int i = 0; i < seeds.size(); i++) {
                try {
                    runSeed(client, seeds.get(i));
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError(
                            "Failed with data set " + (i + 1) + " of " + seeds.size() + ": " + e.getMessage(), e);
                }
            }
        }
    }

    private void runSeed(ChromaClient client, long seed) {
        Random random = new Random(seed);
        ChromaCollection c = client.createCollection("filters-" + Long.toUnsignedString(seed, 36));
        Map<String, Model> model = new LinkedHashMap<>();
        int n = 80 + random.nextInt(60);
        List<ChromaRecord> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Model m = randomModel(random, true);
            String id = "r" + i;
            batch.add(m.toRecord(id));
            model.put(id, m);
            if (batch.size() == 25 || i == n - 1) {
                c.add(batch);
                batch = new ArrayList<>();
            }
        }
        checkMany(c, model, random, "tail");
        c.compact();
        checkMany(c, model, random, "compacted");
        for (int i = 0; i < 40; i++) {
            mutate(c, model, random);
        }
        checkMany(c, model, random, "mixed");
        c.compact();
        checkMany(c, model, random, "recompacted");
    }

    private void checkMany(ChromaCollection c, Map<String, Model> model, Random random, String state) {
        assertEquals(model.size(), c.count(), state + ": count");
        assertEquals(
                new ArrayList<>(model.keySet()),
                c.get(GetRequest.builder().include().build()).ids(),
                state + ": every id in collection order");
        for (int i = 0; i < 60; i++) {
            Node where = random.nextInt(5) == 0 ? null : randomWhere(random, model, 0);
            DocNode doc = random.nextInt(3) == 0 ? randomDoc(random, 0) : null;
            if (where == null && doc == null) {
                doc = randomDoc(random, 0);
            }
            String label = state + ": where=" + (where == null ? null : where.json()) + " whereDocument="
                    + (doc == null ? null : doc.json());
            List<String> expected = new ArrayList<>();
            for (Map.Entry<String, Model> e : model.entrySet()) {
                if (matches(where, doc, e.getKey(), e.getValue())) {
                    expected.add(e.getKey());
                }
            }
            GetRequest.Builder get = GetRequest.builder().include(Include.METADATAS, Include.DOCUMENTS);
            Where w = where == null ? null : toWhere(where, random);
            WhereDocument d = doc == null ? null : toWhereDocument(doc, random);
            if (w != null) {
                get.where(w);
            }
            if (d != null) {
                get.whereDocument(d);
            }
            GetResult got = c.get(get.build());
            assertEquals(expected, got.ids(), label);
            for (int k = 0; k < got.ids().size(); k++) {
                Model m = model.get(got.ids().get(k));
                assertEquals(
                        m.document,
                        got.documents().get(k),
                        label + " document of " + got.ids().get(k));
                assertEquals(
                        m.metadata.isEmpty() ? null : m.metadata,
                        got.metadatas().get(k),
                        label + " metadata of " + got.ids().get(k));
            }
            checkQuery(c, model, random, w, d, where, doc, label);
        }
    }

    private void checkQuery(
            ChromaCollection c,
            Map<String, Model> model,
            Random random,
            Where w,
            WhereDocument d,
            Node where,
            DocNode doc,
            String label) {
        float[] query = randomVector(random);
        int nResults = 1 + random.nextInt(model.size() + 5);
        List<String> expected = model.entrySet().stream()
                .filter(e -> e.getValue().embedding != null && matches(where, doc, e.getKey(), e.getValue()))
                .sorted(Comparator.<Map.Entry<String, Model>>comparingDouble(e -> l2(query, e.getValue().embedding))
                        .thenComparing(Map.Entry::getKey))
                .limit(nResults)
                .map(Map.Entry::getKey)
                .collect(Collectors.toList());
        QueryRequest.Builder q =
                QueryRequest.builder().queryEmbedding(query).nResults(nResults).include(Include.DISTANCES);
        if (w != null) {
            q.where(w);
        }
        if (d != null) {
            q.whereDocument(d);
        }
        QueryResult got = c.query(q.build());
        assertEquals(expected, got.ids().get(0), label + " query " + Arrays.toString(query) + " n=" + nResults);
        for (int k = 0; k < expected.size(); k++) {
            assertEquals(
                    l2(query, model.get(expected.get(k)).embedding),
                    got.distances().get(0).get(k),
                    1e-6,
                    label + " distance");
        }
    }

    // ------------------------------------------------------------------------------------ mutations

    private void mutate(ChromaCollection c, Map<String, Model> model, Random random) {
        List<String> ids = new ArrayList<>(model.keySet());
        String existing = ids.isEmpty() ? "r0" : ids.get(random.nextInt(ids.size()));
        String fresh = "t" + random.nextInt(1_000_000);
        String any = random.nextBoolean() ? existing : fresh;
        switch (random.nextInt(6)) {
            case 0 -> { // add: skipped when the id exists
                Model m = randomModel(random, true);
                c.add(List.of(m.toRecord(any)));
                model.putIfAbsent(any, m);
            }
            case 1 -> { // upsert
                Model change = randomModel(random, false);
                c.upsert(List.of(change.toChange(any)));
                Model old = model.get(any);
                if (old == null) {
                    model.put(any, change.asInserted());
                } else {
                    old.merge(change);
                }
            }
            case 2 -> { // update: ignored when missing
                Model change = randomModel(random, false);
                c.update(List.of(change.toChange(any)));
                Model old = model.get(any);
                if (old != null) {
                    old.merge(change);
                }
            }
            case 3 -> { // delete by ids
                int deleted = c.delete(List.of(any, "never-" + fresh));
                assertEquals(model.remove(any) == null ? 0 : 1, deleted, "delete count of " + any);
            }
            case 4 -> { // delete by filter, bounded
                Node where = randomWhere(random, model, 1);
                List<String> matching = model.entrySet().stream()
                        .filter(e -> where.matches(e.getKey(), e.getValue().metadata))
                        .map(Map.Entry::getKey)
                        .limit(3)
                        .collect(Collectors.toList());
                int deleted = c.delete(DeleteRequest.builder()
                        .where(toWhere(where, random))
                        .limit(3)
                        .build());
                assertEquals(matching.size(), deleted, "delete count of " + where.json());
                matching.forEach(model::remove);
            }
            default -> { // delete then add again: moves to the end
                c.delete(List.of(existing));
                model.remove(existing);
                Model m = randomModel(random, true);
                c.add(List.of(m.toRecord(existing)));
                model.put(existing, m);
            }
        }
    }

    // ------------------------------------------------------------------------------------ records

    /** A record of the reference model; for changes, absent fields are null and null metadata values delete. */
    private static final class Model {
        float[] embedding;
        String document;
        Map<String, Object> metadata = new HashMap<>();
        /** Only for changes: keys to delete. */
        List<String> deletes = new ArrayList<>();

        ChromaRecord toRecord(String id) {
            ChromaRecord.Builder b = ChromaRecord.builder(id);
            if (embedding != null) {
                b.embedding(embedding);
            }
            if (document != null) {
                b.document(document);
            }
            if (!metadata.isEmpty()) {
                b.metadata(metadata);
            }
            return b.build();
        }

        ChromaRecord toChange(String id) {
            ChromaRecord.Builder b = ChromaRecord.builder(id);
            if (embedding != null) {
                b.embedding(embedding);
            }
            if (document != null) {
                b.document(document);
            }
            if (!metadata.isEmpty() || !deletes.isEmpty()) {
                Map<String, Object> m = new HashMap<>(metadata);
                for (String k : deletes) {
                    m.put(k, null);
                }
                b.metadata(m);
            }
            return b.build();
        }

        Model asInserted() {
            Model m = new Model();
            m.embedding = embedding;
            m.document = document;
            m.metadata = new HashMap<>(metadata);
            return m;
        }

        void merge(Model change) {
            if (change.embedding != null) {
                embedding = change.embedding;
            }
            if (change.document != null) {
                document = change.document;
            }
            metadata.putAll(change.metadata);
            for (String k : change.deletes) {
                metadata.remove(k);
            }
        }
    }

    private static Model randomModel(Random random, boolean full) {
        Model m = new Model();
        int p = full ? 7 : 3;
        if (full ? random.nextInt(10) > 0 : random.nextInt(3) == 0) {
            m.embedding = randomVector(random);
        }
        if (full ? random.nextInt(8) > 0 : random.nextInt(3) == 0) {
            StringBuilder sb = new StringBuilder();
            int words = 1 + random.nextInt(4);
            for (int w = 0; w < words; w++) {
                sb.append(w == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
            }
            m.document = sb.toString();
        }
        for (String key : List.of("s", "i", "f", "b", "n", "tags", "nums")) {
            if (random.nextInt(10) < p) {
                m.metadata.put(key, randomValueFor(key, random));
            } else if (!full && random.nextInt(6) == 0) {
                m.deletes.add(key);
            }
        }
        return m;
    }

    private static Object randomValueFor(String key, Random random) {
        return switch (key) {
            case "s" -> STRINGS[random.nextInt(STRINGS.length)];
            case "i" -> (long) (random.nextInt(9) - 4);
            case "f" -> new double[] {-1.5, 0.0, 2.0, 2.5, 5.0, 3.25}[random.nextInt(6)];
            case "b" -> random.nextBoolean();
            case "n" -> randomScalar(random); // the same key with different types across records
            case "tags" -> {
                List<Object> tags = new ArrayList<>();
                int size = 1 + random.nextInt(3);
                for (int i = 0; i < size; i++) {
                    tags.add(STRINGS[random.nextInt(STRINGS.length)]);
                }
                yield tags;
            }
            default -> {
                List<Object> nums = new ArrayList<>();
                int size = 1 + random.nextInt(3);
                boolean floats = random.nextBoolean();
                for (int i = 0; i < size; i++) {
                    nums.add(floats ? (Object) (random.nextInt(9) / 2.0 - 2) : (Object) (long) (random.nextInt(7) - 3));
                }
                yield nums;
            }
        };
    }

    /** A scalar of a random type; numbers are small so that 5 and 5.0 collide often. */
    private static Object randomScalar(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> STRINGS[random.nextInt(STRINGS.length)];
            case 1 -> (long) (random.nextInt(9) - 4);
            case 2 -> random.nextInt(9) / 2.0 - 2;
            case 3 -> random.nextBoolean();
            default -> random.nextBoolean() ? (Object) 5L : (Object) 5.0;
        };
    }

    private static Number randomNumber(Random random) {
        return random.nextBoolean()
                ? (Number) (long) (random.nextInt(11) - 5)
                : (Number) (random.nextInt(11) / 2.0 - 2.5);
    }

    private static float[] randomVector(Random random) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = random.nextInt(7) - 3; // integers: distances are exact, ties are common
        }
        return v;
    }

    private static double l2(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            s += d * d;
        }
        return s;
    }

    private static boolean matches(Node where, DocNode doc, String id, Model m) {
        return (where == null || where.matches(id, m.metadata)) && (doc == null || doc.matches(m.document));
    }

    // ------------------------------------------------------------------------------------ the reference

    /** A metadata filter node with its own evaluation: the reference semantics. */
    private interface Node {
        boolean matches(String id, Map<String, Object> metadata);

        String json();
    }

    private record Leaf(String key, String op, Object value) implements Node {
        @Override
        public boolean matches(String id, Map<String, Object> metadata) {
            Object v = metadata.get(key);
            List<?> values = v == null ? List.of() : v instanceof List<?> l ? l : List.of(v);
            return switch (op) {
                case "$eq", "$contains" -> values.stream().anyMatch(x -> same(x, value));
                case "$ne", "$not_contains" -> values.stream().noneMatch(x -> same(x, value));
                case "$in" ->
                    values.stream().anyMatch(x -> ((List<?>) value).stream().anyMatch(y -> same(x, y)));
                case "$nin" ->
                    values.stream().noneMatch(x -> ((List<?>) value).stream().anyMatch(y -> same(x, y)));
                default -> values.stream().anyMatch(x -> x instanceof Number xn && order(xn, (Number) value));
            };
        }

        private boolean order(Number x, Number operand) {
            int cmp = Double.compare(x.doubleValue(), operand.doubleValue());
            return switch (op) {
                case "$gt" -> cmp > 0;
                case "$gte" -> cmp >= 0;
                case "$lt" -> cmp < 0;
                default -> cmp <= 0;
            };
        }

        @Override
        public String json() {
            return "{" + quote(key) + ": {" + quote(op) + ": " + jsonValue(value) + "}}";
        }
    }

    private record IdIn(List<String> ids) implements Node {
        @Override
        public boolean matches(String id, Map<String, Object> metadata) {
            return ids.contains(id);
        }

        @Override
        public String json() {
            return "{\"#id\": {\"$in\": " + jsonValue(ids) + "}}";
        }
    }

    private record Bool(boolean and, List<Node> children) implements Node {
        @Override
        public boolean matches(String id, Map<String, Object> metadata) {
            return and
                    ? children.stream().allMatch(c -> c.matches(id, metadata))
                    : children.stream().anyMatch(c -> c.matches(id, metadata));
        }

        @Override
        public String json() {
            return "{" + quote(and ? "$and" : "$or") + ": ["
                    + children.stream().map(Node::json).collect(Collectors.joining(", ")) + "]}";
        }
    }

    /** Chroma equality: numbers numerically (5 == 5.0), strings and booleans only with their own type. */
    private static boolean same(Object a, Object b) {
        boolean an = a instanceof Number;
        boolean bn = b instanceof Number;
        if (an || bn) {
            return an && bn && ((Number) a).doubleValue() == ((Number) b).doubleValue();
        }
        return a.equals(b);
    }

    private static Node randomWhere(Random random, Map<String, Model> model, int depth) {
        int kind = random.nextInt(depth >= 2 ? 10 : 14);
        if (kind >= 10) {
            List<Node> children = new ArrayList<>();
            int size = 2 + random.nextInt(2);
            for (int i = 0; i < size; i++) {
                children.add(randomWhere(random, model, depth + 1));
            }
            return new Bool(kind % 2 == 0, children);
        }
        String key = KEYS[random.nextInt(KEYS.length)];
        return switch (kind) {
            case 0 -> new Leaf(key, "$eq", randomScalar(random));
            case 1 -> new Leaf(key, "$ne", randomScalar(random));
            case 2 ->
                new Leaf(key, new String[] {"$gt", "$gte", "$lt", "$lte"}[random.nextInt(4)], randomNumber(random));
            case 3 -> new Leaf(key, "$in", randomList(random));
            case 4 -> new Leaf(key, "$nin", randomList(random));
            case 5 -> new Leaf(key, "$contains", randomScalar(random));
            case 6 -> new Leaf(key, "$not_contains", randomScalar(random));
            case 7 -> {
                List<String> all = new ArrayList<>(model.keySet());
                List<String> ids = new ArrayList<>();
                int size = 1 + random.nextInt(6);
                for (int i = 0; i < size; i++) {
                    ids.add(all.isEmpty() || random.nextInt(4) == 0 ? "nope" + i : all.get(random.nextInt(all.size())));
                }
                yield new IdIn(ids.stream().distinct().collect(Collectors.toList()));
            }
            default ->
                new Leaf(
                        key,
                        random.nextBoolean() ? "$eq" : "$ne",
                        randomValueFor(List.of("s", "i", "f", "b").get(random.nextInt(4)), random));
        };
    }

    /** A non-empty list of values of one type (Chroma rejects lists mixing integers and floats). */
    private static List<Object> randomList(Random random) {
        List<Object> out = new ArrayList<>();
        int type = random.nextInt(4);
        int size = 1 + random.nextInt(3);
        for (int i = 0; i < size; i++) {
            out.add(
                    switch (type) {
                        case 0 -> STRINGS[random.nextInt(STRINGS.length)];
                        case 1 -> (long) (random.nextInt(11) - 5);
                        case 2 -> random.nextInt(11) / 2.0 - 2.5;
                        default -> random.nextBoolean();
                    });
        }
        return out.stream().distinct().collect(Collectors.toList());
    }

    /** Builds the engine's filter either with the factories or by parsing the JSON form. */
    private static Where toWhere(Node node, Random random) {
        if (random.nextBoolean()) {
            return Where.parse(node.json());
        }
        return build(node);
    }

    private static Where build(Node node) {
        if (node instanceof Bool b) {
            List<Where> children =
                    b.children().stream().map(RandomizedFilterTest::build).collect(Collectors.toList());
            return b.and() ? Where.and(children) : Where.or(children);
        }
        if (node instanceof IdIn idIn) {
            return Where.idIn(idIn.ids());
        }
        Leaf l = (Leaf) node;
        return switch (l.op()) {
            case "$eq" -> Where.eq(l.key(), l.value());
            case "$ne" -> Where.ne(l.key(), l.value());
            case "$gt" -> Where.gt(l.key(), (Number) l.value());
            case "$gte" -> Where.gte(l.key(), (Number) l.value());
            case "$lt" -> Where.lt(l.key(), (Number) l.value());
            case "$lte" -> Where.lte(l.key(), (Number) l.value());
            case "$in" -> Where.in(l.key(), (List<?>) l.value());
            case "$nin" -> Where.nin(l.key(), (List<?>) l.value());
            case "$contains" -> Where.contains(l.key(), l.value());
            default -> Where.notContains(l.key(), l.value());
        };
    }

    /** A document filter node with its own evaluation. A missing document reads as the empty string. */
    private record DocNode(String op, String text, List<DocNode> children) {
        boolean matches(String document) {
            String d = document == null ? "" : document;
            return switch (op) {
                case "$contains" -> d.contains(text);
                case "$not_contains" -> !d.contains(text);
                case "$regex" -> Pattern.compile(text).matcher(d).find();
                case "$not_regex" -> !Pattern.compile(text).matcher(d).find();
                case "$and" -> children.stream().allMatch(c -> c.matches(document));
                default -> children.stream().anyMatch(c -> c.matches(document));
            };
        }

        String json() {
            if (children != null) {
                return "{" + quote(op) + ": ["
                        + children.stream().map(DocNode::json).collect(Collectors.joining(", ")) + "]}";
            }
            return "{" + quote(op) + ": " + quote(text) + "}";
        }
    }

    private static final String[] FRAGMENTS = {"apple", "Apple", "an", "nan", "e d", "fig", "x", "a", "ana", "kiwi"};
    private static final String[] PATTERNS = {
        "^a", "an+a", "[Aa]pple", "fig$", "e.e", "^(kiwi|date)", "n{2}", "(?i)APPLE", "\\bnana\\b", "z*"
    };

    private static DocNode randomDoc(Random random, int depth) {
        int kind = random.nextInt(depth >= 2 ? 4 : 6);
        return switch (kind) {
            case 0 -> new DocNode("$contains", FRAGMENTS[random.nextInt(FRAGMENTS.length)], null);
            case 1 -> new DocNode("$not_contains", FRAGMENTS[random.nextInt(FRAGMENTS.length)], null);
            case 2 -> new DocNode("$regex", PATTERNS[random.nextInt(PATTERNS.length)], null);
            case 3 -> new DocNode("$not_regex", PATTERNS[random.nextInt(PATTERNS.length)], null);
            default -> {
                List<DocNode> children = new ArrayList<>();
                int size = 2 + random.nextInt(2);
                for (int i = 0; i < size; i++) {
                    children.add(randomDoc(random, depth + 1));
                }
                yield new DocNode(kind == 4 ? "$and" : "$or", null, children);
            }
        };
    }

    private static WhereDocument toWhereDocument(DocNode node, Random random) {
        if (random.nextBoolean()) {
            return WhereDocument.parse(node.json());
        }
        return buildDocument(node);
    }

    private static WhereDocument buildDocument(DocNode node) {
        return switch (node.op()) {
            case "$contains" -> WhereDocument.contains(node.text());
            case "$not_contains" -> WhereDocument.notContains(node.text());
            case "$regex" -> WhereDocument.regex(node.text());
            case "$not_regex" -> WhereDocument.notRegex(node.text());
            case "$and" ->
                WhereDocument.and(node.children().stream()
                        .map(RandomizedFilterTest::buildDocument)
                        .collect(Collectors.toList()));
            default ->
                WhereDocument.or(node.children().stream()
                        .map(RandomizedFilterTest::buildDocument)
                        .collect(Collectors.toList()));
        };
    }

    // ------------------------------------------------------------------------------------ JSON

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String jsonValue(Object v) {
        if (v instanceof String s) {
            return quote(s);
        }
        if (v instanceof List<?> l) {
            return "[" + l.stream().map(RandomizedFilterTest::jsonValue).collect(Collectors.joining(", ")) + "]";
        }
        if (v instanceof Double d) {
            return d == Math.rint(d) ? String.format(Locale.ROOT, "%.1f", d) : d.toString();
        }
        return String.valueOf(v);
    }
}
