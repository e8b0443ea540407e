package dev.chromaj.importer;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A deliberately simple reader of a Chroma persist directory, written separately from the importer to check it:
 * plain SQL over the segment tables, a from-scratch replay of the whole {@code embeddings_queue} for vectors (valid
 * for folders whose whole history is still in the queue) and, for a flushed HNSW segment, a byte scan of Rust's
 * protocol-3 pickle dictionary plus the labels stored in {@code data_level0.bin}.
 */
final class IndependentChromaRead {

    record Rec(String id, String document, String uri, Map<String, Object> metadata, float[] embedding) {}

    record Coll(String id, String tenant, String database, String name, Map<String, Rec> records) {}

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);

    private IndependentChromaRead() {}

    static List<Coll> read(Path folder) throws Exception {
        String url = "jdbc:sqlite:"
                + folder.resolve("chroma.sqlite3").toAbsolutePath().toUri() + "?immutable=1";
        List<Coll> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url)) {
            boolean tenants = has(c, "SELECT name FROM sqlite_master WHERE name = 'tenants'");
            boolean bools = has(c, "SELECT 1 FROM pragma_table_info('embedding_metadata') WHERE name = 'bool_value'");
            boolean arrays = has(c, "SELECT name FROM sqlite_master WHERE name = 'embedding_metadata_array'");
            String sql = tenants
                    ? "SELECT c.id, c.name, d.tenant_id, d.name FROM collections c JOIN databases d"
                            + " ON d.id = c.database_id"
                    : "SELECT id, name, 'default_tenant', 'default_database' FROM collections";
            for (String[] row : rows(c, sql, 4)) {
                String id = row[0];
                String meta =
                        single(c, "SELECT id FROM segments WHERE collection = '" + id + "' AND scope = 'METADATA'");
                String vec = single(c, "SELECT id FROM segments WHERE collection = '" + id + "' AND scope = 'VECTOR'");
                Map<String, Map<String, Object>> metadata = new TreeMap<>();
                for (String[] e :
                        rows(c, "SELECT id, embedding_id FROM embeddings WHERE segment_id = '" + meta + "'", 2)) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    try (Statement s = c.createStatement();
                            ResultSet rs = s.executeQuery("SELECT key, string_value, int_value, float_value, "
                                    + (bools ? "bool_value" : "NULL") + " FROM embedding_metadata WHERE id = "
                                    + e[0])) {
                        while (rs.next()) {
                            Object v = rs.getString(2) != null
                                    ? rs.getString(2)
                                    : rs.getObject(3) != null
                                            ? (Object) rs.getLong(3)
                                            : rs.getObject(4) != null
                                                    ? (Object) rs.getDouble(4)
                                                    : rs.getObject(5) != null ? (Object) (rs.getLong(5) != 0) : null;
                            m.put(rs.getString(1), v);
                        }
                    }
                    if (arrays) {
                        try (Statement s = c.createStatement();
                                ResultSet rs = s.executeQuery(
                                        "SELECT key, string_value, int_value, float_value, bool_value FROM"
                                                + " embedding_metadata_array WHERE id = " + e[0] + " ORDER BY rowid")) {
                            while (rs.next()) {
                                Object v = rs.getString(2) != null
                                        ? rs.getString(2)
                                        : rs.getObject(3) != null
                                                ? (Object) rs.getLong(3)
                                                : rs.getObject(4) != null
                                                        ? (Object) rs.getDouble(4)
                                                        : (Object) (rs.getLong(5) != 0);
                                @SuppressWarnings("unchecked")
                                List<Object> list =
                                        (List<Object>) m.computeIfAbsent(rs.getString(1), k -> new ArrayList<>());
                                list.add(v);
                            }
                        }
                    }
                    metadata.put(e[1], m);
                }
                Map<String, float[]> vectors = vectors(c, folder, row[0], vec);
                Map<String, Rec> records = new TreeMap<>();
                for (Map.Entry<String, Map<String, Object>> e : metadata.entrySet()) {
                    Map<String, Object> m = new LinkedHashMap<>(e.getValue());
                    String doc = (String) m.remove("chroma:document");
                    String uri = (String) m.remove("chroma:uri");
                    m.keySet().removeIf(k -> k.startsWith("chroma:"));
                    records.put(e.getKey(), new Rec(e.getKey(), doc, uri, m, vectors.get(e.getKey())));
                }
                out.add(new Coll(id, row[2], row[3], row[1], records));
            }
        }
        return out;
    }

    /** Vectors: HNSW slots by pickle label when flushed, then the queue replayed after the vector segment's row. */
    private static Map<String, float[]> vectors(Connection c, Path folder, String collection, String segment)
            throws Exception {
        Map<String, float[]> vectors = new HashMap<>();
        long after = -1;
        Path pickle = folder.resolve(segment).resolve("index_metadata.pickle");
        if (Files.exists(pickle)) {
            Map<Long, String> byLabel = rustPickleLabels(Files.readAllBytes(pickle));
            ByteBuffer h = ByteBuffer.wrap(
                            Files.readAllBytes(folder.resolve(segment).resolve("header.bin")))
                    .order(ByteOrder.LITTLE_ENDIAN);
            long count = h.getLong(20);
            long size = h.getLong(28);
            long labelOffset = h.getLong(36);
            long dataOffset = h.getLong(44);
            int dim = (int) ((labelOffset - dataOffset) / 4);
            ByteBuffer data = ByteBuffer.wrap(
                            Files.readAllBytes(folder.resolve(segment).resolve("data_level0.bin")))
                    .order(ByteOrder.LITTLE_ENDIAN);
            for (int slot = 0; slot < count; slot++) {
                long label = data.getLong((int) (slot * size + labelOffset));
                String id = byLabel.get(label);
                if (id != null) {
                    float[] v = new float[dim];
                    for (int i = 0; i < dim; i++) {
                        v[i] = data.getFloat((int) (slot * size + dataOffset + 4L * i));
                    }
                    vectors.put(id, v);
                }
            }
            String seq = single(c, "SELECT seq_id FROM max_seq_id WHERE segment_id = '" + segment + "'");
            after = Long.parseLong(seq);
        }
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT operation, id, vector FROM embeddings_queue WHERE topic LIKE '%"
                        + collection + "' AND seq_id > " + after + " ORDER BY seq_id")) {
            while (rs.next()) {
                int op = rs.getInt(1);
                String id = rs.getString(2);
                byte[] blob = rs.getBytes(3);
                float[] v = null;
                if (blob != null) {
                    v = new float[blob.length / 4];
                    ByteBuffer.wrap(blob)
                            .order(ByteOrder.LITTLE_ENDIAN)
                            .asFloatBuffer()
                            .get(v);
                }
                switch (op) {
                    case 0 -> {
                        if (v != null) {
                            vectors.putIfAbsent(id, v);
                        }
                    }
                    case 1 -> {
                        if (v != null && vectors.containsKey(id)) {
                            vectors.put(id, v);
                        }
                    }
                    case 2 -> {
                        if (v != null) {
                            vectors.put(id, v);
                        }
                    }
                    case 3 -> vectors.remove(id);
                    default -> throw new IllegalStateException("operation " + op);
                }
            }
        }
        return vectors;
    }

    /**
     * Labels from Chroma 1.x's serde pickle: after the BINUNICODE key 'id_to_label' comes EMPTY_DICT, MARK, then
     * (BINUNICODE id, BININT label) pairs.
     */
    static Map<Long, String> rustPickleLabels(byte[] p) {
        byte[] key = "id_to_label".getBytes(StandardCharsets.UTF_8);
        int at = indexOf(p, key) + key.length;
        if (p[at] != '}' || p[at + 1] != '(') {
            throw new IllegalStateException("unexpected pickle layout at " + at);
        }
        at += 2;
        ByteBuffer b = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
        Map<Long, String> out = new HashMap<>();
        while (p[at] == 'X') {
            int len = b.getInt(at + 1);
            String id = new String(p, at + 5, len, StandardCharsets.UTF_8);
            at += 5 + len;
            if (p[at] != 'J') {
                throw new IllegalStateException("expected BININT at " + at);
            }
            out.put((long) b.getInt(at + 1), id);
            at += 5;
        }
        return out;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("not found");
    }

    /** Replays the whole queue of a collection into metadata (documents included), from scratch. */
    static Map<String, Map<String, Object>> replayMetadata(Path folder, String collection) throws Exception {
        String url = "jdbc:sqlite:"
                + folder.resolve("chroma.sqlite3").toAbsolutePath().toUri() + "?immutable=1";
        Map<String, Map<String, Object>> state = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT operation, id, metadata FROM embeddings_queue WHERE topic LIKE '%"
                        + collection + "' ORDER BY seq_id")) {
            while (rs.next()) {
                int op = rs.getInt(1);
                String id = rs.getString(2);
                @SuppressWarnings("unchecked")
                Map<String, Object> m = rs.getString(3) == null ? Map.of() : JSON.readValue(rs.getString(3), Map.class);
                boolean exists = state.containsKey(id);
                if (op == 3) {
                    state.remove(id);
                    continue;
                }
                if ((op == 0 && exists) || (op == 1 && !exists)) {
                    continue;
                }
                Map<String, Object> target = state.computeIfAbsent(id, k -> new LinkedHashMap<>());
                m.forEach((k, v) -> {
                    if (v == null) {
                        target.remove(k);
                    } else {
                        target.put(k, v);
                    }
                });
            }
        }
        return state;
    }

    private static boolean has(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next();
        }
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static List<String[]> rows(Connection c, String sql, int columns) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                String[] r = new String[columns];
                for (int i = 0; i < columns; i++) {
                    r[i] = rs.getString(i + 1);
                }
                out.add(r);
            }
        }
        return out;
    }
}
