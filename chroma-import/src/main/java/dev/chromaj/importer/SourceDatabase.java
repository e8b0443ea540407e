package dev.chromaj.importer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * Read-only access to a Chroma {@code chroma.sqlite3}. The file is opened as an immutable SQLite URI: SQLite then
 * takes no locks and never creates a journal, {@code -wal} or {@code -shm} file next to it, so the source folder is
 * left byte-for-byte as it was. That is only safe while nothing writes to the file, which {@link RunningChroma}
 * checks before opening and {@link SourceFolder} re-checks while importing.
 *
 * <p>Columns and tables that only some Chroma versions have (tenants, topics, {@code bool_value}, configuration
 * JSON, array metadata) are looked up in the file's own schema rather than inferred from version numbers.
 *
 * <p>Not thread-safe: one importer thread uses it.
 */
final class SourceDatabase implements AutoCloseable {

    /** Chroma's tenant and database for collections created before tenants existed (0.4.0–0.4.14). */
    static final String DEFAULT_TENANT = "default_tenant";

    static final String DEFAULT_DATABASE = "default_database";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private final Path file;
    private final Connection connection;
    private final SchemaVersion version;
    private final boolean hasTenants;
    private final boolean collectionTopic;
    private final boolean configColumn;
    private final boolean schemaColumn;
    private final boolean collectionBool;
    private final boolean segmentBool;
    private final boolean embeddingBool;
    private final boolean arrayTable;

    private SourceDatabase(Path file, Connection connection) throws SQLException {
        this.file = file;
        this.connection = connection;
        if (!tableExists("migrations")) {
            throw new ChromaImportException(file + " is not a Chroma database: it has no migrations table");
        }
        this.version = SchemaVersion.of(migrations(), file.toString());
        this.hasTenants = tableExists("tenants") && columns("collections").contains("database_id");
        Set<String> collectionColumns = columns("collections");
        this.collectionTopic = collectionColumns.contains("topic");
        this.configColumn = collectionColumns.contains("config_json_str");
        this.schemaColumn = collectionColumns.contains("schema_str");
        this.collectionBool = columns("collection_metadata").contains("bool_value");
        this.segmentBool = columns("segment_metadata").contains("bool_value");
        this.embeddingBool = columns("embedding_metadata").contains("bool_value");
        this.arrayTable = tableExists("embedding_metadata_array");
    }

    /**
     * Opens {@code chroma.sqlite3} read-only and immutable, and checks its schema version.
     *
     * @param file the database file
     * @return the open database
     * @throws ChromaImportException if it cannot be opened, is not a Chroma database or has an unknown version
     */
    static SourceDatabase open(Path file) {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setOpenMode(SQLiteOpenMode.OPEN_URI);
        // immutable=1: no locking, no journal, no -wal/-shm files; the caller guarantees nobody writes meanwhile.
        String url = "jdbc:sqlite:" + file.toAbsolutePath().toUri().toString() + "?immutable=1";
        Connection c = null;
        try {
            c = DriverManager.getConnection(url, config.toProperties());
            return new SourceDatabase(file, c);
        } catch (SQLException e) {
            closeQuietly(c);
            throw new ChromaImportException("Cannot read " + file + " as a SQLite database: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    /**
     * Whether a SQLite file is a Chroma database (has Chroma's {@code migrations} table), read without changing it.
     *
     * @param file the file
     * @return true for a Chroma database; false for anything else, including files that are not SQLite
     */
    static boolean isChromaDatabase(Path file) {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setOpenMode(SQLiteOpenMode.OPEN_URI);
        String url = "jdbc:sqlite:" + file.toAbsolutePath().toUri() + "?immutable=1";
        try (Connection c = DriverManager.getConnection(url, config.toProperties());
                PreparedStatement ps =
                        c.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'");
                ResultSet rs = ps.executeQuery()) {
            return rs.next();
        } catch (SQLException e) {
            return false;
        }
    }

    SchemaVersion version() {
        return version;
    }

    Path file() {
        return file;
    }

    /** Every tenant and its databases (tenant to database names), including empty ones. */
    Map<String, List<String>> databases() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (!hasTenants) {
            out.put(DEFAULT_TENANT, new ArrayList<>(List.of(DEFAULT_DATABASE)));
            return out;
        }
        return query(
                "SELECT t.id, d.name FROM tenants t LEFT JOIN databases d ON d.tenant_id = t.id"
                        + " ORDER BY t.rowid, d.rowid",
                ps -> {},
                rs -> {
                    while (rs.next()) {
                        List<String> dbs = out.computeIfAbsent(rs.getString(1), t -> new ArrayList<>());
                        if (rs.getString(2) != null) {
                            dbs.add(rs.getString(2));
                        }
                    }
                    return out;
                });
    }

    /** Every collection with its segments, in catalog order. */
    List<SourceCollection> collections() {
        String sql = "SELECT c.id, c.name, c.dimension, "
                + (collectionTopic ? "c.topic" : "NULL") + ", "
                + (configColumn ? "c.config_json_str" : "NULL") + ", "
                + (schemaColumn ? "c.schema_str" : "NULL") + ", "
                + (hasTenants
                        ? "d.tenant_id, d.name FROM collections c JOIN databases d ON d.id = c.database_id"
                        : "NULL, NULL FROM collections c")
                + " ORDER BY c.rowid";
        List<Object[]> rows = query(sql, ps -> {}, rs -> {
            List<Object[]> out = new ArrayList<>();
            while (rs.next()) {
                Object dim = rs.getObject(3);
                out.add(new Object[] {
                    rs.getString(1),
                    rs.getString(2),
                    dim == null ? null : ((Number) dim).intValue(),
                    rs.getString(4),
                    rs.getString(5),
                    rs.getString(6),
                    rs.getString(7),
                    rs.getString(8)
                });
            }
            return out;
        });
        List<SourceCollection> collections = new ArrayList<>(rows.size());
        for (Object[] r : rows) {
            String id = (String) r[0];
            String metadataSegment = null;
            String vectorSegment = null;
            for (String[] segment : segments(id)) {
                String scope = segment[1];
                if (scope.equals("METADATA")) {
                    metadataSegment = checkSingle(metadataSegment, segment[0], "METADATA", (String) r[1]);
                } else if (scope.equals("VECTOR")) {
                    if (!segment[2].equals("urn:chroma:segment/vector/hnsw-local-persisted")) {
                        throw new ChromaImportException("Collection " + r[1] + " in " + file + " has a vector segment"
                                + " of type " + segment[2] + "; only urn:chroma:segment/vector/hnsw-local-persisted"
                                + " (the persistent client's) can be imported");
                    }
                    vectorSegment = checkSingle(vectorSegment, segment[0], "VECTOR", (String) r[1]);
                }
            }
            Map<String, Object> vectorMetadata = vectorSegment == null
                    ? Map.of()
                    : keyValues(
                            "SELECT key, str_value, int_value, float_value, "
                                    + (segmentBool ? "bool_value" : "NULL")
                                    + " FROM segment_metadata WHERE segment_id = ?"
                                    + " ORDER BY rowid",
                            vectorSegment);
            collections.add(new SourceCollection(
                    id,
                    (String) r[1],
                    r[6] == null ? DEFAULT_TENANT : (String) r[6],
                    r[7] == null ? DEFAULT_DATABASE : (String) r[7],
                    (Integer) r[2],
                    (String) r[3],
                    keyValues(
                            "SELECT key, str_value, int_value, float_value, "
                                    + (collectionBool ? "bool_value" : "NULL")
                                    + " FROM collection_metadata WHERE collection_id = ? ORDER BY rowid",
                            id),
                    (String) r[4],
                    (String) r[5],
                    metadataSegment,
                    vectorSegment,
                    vectorMetadata));
        }
        return collections;
    }

    /** Ids of every segment in the catalog (to tell orphan folders from live ones). */
    Set<String> segmentIds() {
        return query("SELECT id FROM segments", ps -> {}, rs -> {
            Set<String> out = new HashSet<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        });
    }

    private String checkSingle(String existing, String segment, String scope, String collection) {
        if (existing != null) {
            throw new ChromaImportException("Collection " + collection + " in " + file + " has two " + scope
                    + " segments (" + existing + ", " + segment + "); Chroma keeps one");
        }
        return segment;
    }

    private List<String[]> segments(String collectionId) {
        return query(
                "SELECT id, scope, type FROM segments WHERE collection = ? ORDER BY rowid",
                ps -> ps.setString(1, collectionId),
                rs -> {
                    List<String[]> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                    }
                    return out;
                });
    }

    private Map<String, Object> keyValues(String sql, String id) {
        return query(sql, ps -> ps.setString(1, id), rs -> {
            Map<String, Object> out = new LinkedHashMap<>();
            while (rs.next()) {
                Object value = scalar(rs, 2);
                if (value != null) {
                    out.put(rs.getString(1), value);
                }
            }
            return out;
        });
    }

    /**
     * A segment's {@code max_seq_id}: the last queue row it has applied. Chroma before 1.0 stored it as an 8-byte
     * big-endian BLOB, 1.0+ as an INTEGER.
     *
     * @param segmentId the segment
     * @return the sequence id, or {@code null} when the segment has no row
     */
    Long maxSeqId(String segmentId) {
        return query(
                "SELECT seq_id FROM max_seq_id WHERE segment_id = ?",
                ps -> ps.setString(1, segmentId),
                rs -> rs.next() ? decodeSeqId(rs.getObject(1), "max_seq_id of segment " + segmentId) : null);
    }

    /**
     * Decodes a stored sequence id.
     *
     * @param value an INTEGER or an 8-byte big-endian BLOB
     * @param what what is decoded, for messages
     * @return the sequence id
     * @throws ChromaImportException for any other value
     */
    static long decodeSeqId(Object value, String what) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        if (value instanceof byte[] bytes && bytes.length == 8) {
            return ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN).getLong();
        }
        throw new ChromaImportException(what + " is "
                + (value == null
                        ? "NULL"
                        : value instanceof byte[] b
                                ? "a " + b.length + "-byte BLOB"
                                : value.getClass().getSimpleName())
                + "; expected an integer or an 8-byte big-endian BLOB");
    }

    /** Number of records in a METADATA segment. */
    long recordCount(String segmentId) {
        return query(
                "SELECT COUNT(*) FROM embeddings WHERE segment_id = ?",
                ps -> ps.setString(1, segmentId),
                rs -> rs.next() ? rs.getLong(1) : 0L);
    }

    /** One record of a METADATA segment: its row id, user id and metadata (Chroma keys included). */
    record StoredRecord(long rowId, String id, Map<String, Object> metadata) {}

    /**
     * Reads records of a METADATA segment in row-id order.
     *
     * @param segmentId the segment
     * @param afterRowId only rows with a larger row id
     * @param limit at most this many records
     * @return the records with their metadata
     */
    List<StoredRecord> records(String segmentId, long afterRowId, int limit) {
        List<Long> rowIds = new ArrayList<>();
        List<String> userIds = new ArrayList<>();
        query(
                "SELECT id, embedding_id FROM embeddings WHERE segment_id = ? AND id > ? ORDER BY id LIMIT ?",
                ps -> {
                    ps.setString(1, segmentId);
                    ps.setLong(2, afterRowId);
                    ps.setInt(3, limit);
                },
                rs -> {
                    while (rs.next()) {
                        rowIds.add(rs.getLong(1));
                        userIds.add(rs.getString(2));
                    }
                    return null;
                });
        if (rowIds.isEmpty()) {
            return List.of();
        }
        Map<Long, Map<String, Object>> metadata =
                metadataBetween(segmentId, rowIds.get(0), rowIds.get(rowIds.size() - 1));
        List<StoredRecord> out = new ArrayList<>(rowIds.size());
        for (int i = 0; i < rowIds.size(); i++) {
            long rowId = rowIds.get(i);
            out.add(new StoredRecord(rowId, userIds.get(i), metadata.getOrDefault(rowId, Map.of())));
        }
        return out;
    }

    /**
     * Reads one record of a METADATA segment by its user id.
     *
     * @param segmentId the segment
     * @param id the record id
     * @return the record, or {@code null} if the segment does not hold it
     */
    StoredRecord record(String segmentId, String id) {
        Long rowId = query(
                "SELECT id FROM embeddings WHERE segment_id = ? AND embedding_id = ?",
                ps -> {
                    ps.setString(1, segmentId);
                    ps.setString(2, id);
                },
                rs -> rs.next() ? rs.getLong(1) : null);
        if (rowId == null) {
            return null;
        }
        return new StoredRecord(
                rowId, id, metadataBetween(segmentId, rowId, rowId).getOrDefault(rowId, Map.of()));
    }

    private Map<Long, Map<String, Object>> metadataBetween(String segmentId, long first, long last) {
        Map<Long, Map<String, Object>> out = new HashMap<>();
        String bool = embeddingBool ? "m.bool_value" : "NULL";
        query(
                "SELECT m.id, m.key, m.string_value, m.int_value, m.float_value, " + bool
                        + " FROM embedding_metadata m JOIN embeddings e ON e.id = m.id"
                        + " WHERE e.segment_id = ? AND m.id BETWEEN ? AND ? ORDER BY m.id, m.rowid",
                ps -> {
                    ps.setString(1, segmentId);
                    ps.setLong(2, first);
                    ps.setLong(3, last);
                },
                rs -> {
                    while (rs.next()) {
                        Object value = scalar(rs, 3);
                        if (value != null) {
                            out.computeIfAbsent(rs.getLong(1), k -> new LinkedHashMap<>())
                                    .put(rs.getString(2), value);
                        }
                    }
                    return null;
                });
        if (arrayTable) {
            Map<Long, Map<String, List<Object>>> arrays = new HashMap<>();
            query(
                    "SELECT a.id, a.key, a.string_value, a.int_value, a.float_value, a.bool_value"
                            + " FROM embedding_metadata_array a JOIN embeddings e ON e.id = a.id"
                            + " WHERE e.segment_id = ? AND a.id BETWEEN ? AND ? ORDER BY a.id, a.rowid",
                    ps -> {
                        ps.setString(1, segmentId);
                        ps.setLong(2, first);
                        ps.setLong(3, last);
                    },
                    rs -> {
                        while (rs.next()) {
                            Object value = scalar(rs, 3);
                            if (value != null) {
                                arrays.computeIfAbsent(rs.getLong(1), k -> new LinkedHashMap<>())
                                        .computeIfAbsent(rs.getString(2), k -> new ArrayList<>())
                                        .add(value);
                            }
                        }
                        return null;
                    });
            arrays.forEach((rowId, keys) -> {
                Map<String, Object> m = out.computeIfAbsent(rowId, k -> new LinkedHashMap<>());
                keys.forEach((key, list) -> m.put(key, Collections.unmodifiableList(list)));
            });
        }
        return out;
    }

    /**
     * Reads a metadata value from four typed columns starting at {@code column}, with Chroma's precedence: string,
     * then integer, then float, then boolean.
     */
    private static Object scalar(ResultSet rs, int column) throws SQLException {
        String s = rs.getString(column);
        if (s != null) {
            return s;
        }
        Object i = rs.getObject(column + 1);
        if (i != null) {
            return ((Number) i).longValue();
        }
        Object f = rs.getObject(column + 2);
        if (f != null) {
            return ((Number) f).doubleValue();
        }
        Object b = rs.getObject(column + 3);
        if (b != null) {
            return ((Number) b).longValue() != 0;
        }
        return null;
    }

    /**
     * The queue rows of a collection after a sequence id, in order, without vector bytes.
     *
     * @param collection the collection
     * @param afterSeqId only rows with a larger sequence id
     * @return the rows
     */
    List<QueueEntry> queue(SourceCollection collection, long afterSeqId) {
        return query(
                "SELECT seq_id, operation, id, vector IS NOT NULL, metadata FROM embeddings_queue WHERE "
                        + topicCondition(collection) + " AND seq_id > ? ORDER BY seq_id",
                ps -> {
                    ps.setString(1, topicArgument(collection));
                    ps.setLong(2, afterSeqId);
                },
                rs -> {
                    List<QueueEntry> out = new ArrayList<>();
                    while (rs.next()) {
                        long seq = rs.getLong(1);
                        out.add(new QueueEntry(
                                seq,
                                QueueEntry.Operation.of(rs.getInt(2), seq),
                                rs.getString(3),
                                rs.getBoolean(4),
                                parseMetadata(rs.getString(5), seq)));
                    }
                    return out;
                });
    }

    /** The largest queue sequence id of a collection, or -1 when its queue is empty. */
    long lastQueueSeqId(SourceCollection collection) {
        return query(
                "SELECT MAX(seq_id) FROM embeddings_queue WHERE " + topicCondition(collection),
                ps -> ps.setString(1, topicArgument(collection)),
                rs -> {
                    if (!rs.next()) {
                        return -1L;
                    }
                    long v = rs.getLong(1);
                    return rs.wasNull() ? -1L : v;
                });
    }

    private static String topicCondition(SourceCollection collection) {
        // Chroma 0.4.x stores each collection's topic; later versions derive it as
        // persistent://<tenant setting>/<namespace setting>/<collection id>, so match the id at the end.
        return collection.topic() != null ? "topic = ?" : "topic LIKE ? ESCAPE '\\'";
    }

    private static String topicArgument(SourceCollection collection) {
        return collection.topic() != null ? collection.topic() : "%/" + collection.id();
    }

    /**
     * Reads the vectors of queue rows.
     *
     * @param seqIds the rows
     * @param dimension the collection's dimension
     * @param collection the collection, for messages
     * @return the decoded vectors by sequence id
     */
    Map<Long, float[]> queueVectors(List<Long> seqIds, int dimension, String collection) {
        Map<Long, float[]> out = new HashMap<>();
        for (int from = 0; from < seqIds.size(); from += 500) {
            List<Long> chunk = seqIds.subList(from, Math.min(seqIds.size(), from + 500));
            String sql = "SELECT seq_id, id, vector, encoding FROM embeddings_queue WHERE seq_id IN ("
                    + String.join(",", Collections.nCopies(chunk.size(), "?")) + ")";
            query(
                    sql,
                    ps -> {
                        for (int i = 0; i < chunk.size(); i++) {
                            ps.setLong(i + 1, chunk.get(i));
                        }
                    },
                    rs -> {
                        while (rs.next()) {
                            long seq = rs.getLong(1);
                            out.put(
                                    seq,
                                    decodeVector(
                                            rs.getBytes(3),
                                            rs.getString(4),
                                            dimension,
                                            "embeddings_queue row " + seq + " (record '" + rs.getString(2)
                                                    + "' of collection " + collection + ")"));
                        }
                        return null;
                    });
        }
        return out;
    }

    /**
     * Decodes a queue vector: little-endian float32 (encoding {@code FLOAT32}) or int32 ({@code INT32}).
     *
     * @throws ChromaImportException for another encoding or a length that does not match the dimension
     */
    static float[] decodeVector(byte[] bytes, String encoding, int dimension, String what) {
        if (bytes == null) {
            throw new ChromaImportException(what + " has no vector");
        }
        if (bytes.length != dimension * 4) {
            throw new ChromaImportException(what + " has a vector of " + bytes.length + " bytes; the collection's "
                    + "dimension " + dimension + " needs " + dimension * 4);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[dimension];
        if ("FLOAT32".equals(encoding)) {
            b.asFloatBuffer().get(v);
        } else if ("INT32".equals(encoding)) {
            for (int i = 0; i < dimension; i++) {
                v[i] = b.getInt();
            }
        } else {
            throw new ChromaImportException(
                    what + " has vector encoding " + encoding + "; Chroma writes FLOAT32 or INT32");
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> parseMetadata(String json, long seq) {
        if (json == null || json.isEmpty()) {
            return null;
        }
        Object parsed;
        try {
            parsed = JSON.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            throw new ChromaImportException(
                    "embeddings_queue row " + seq + " in " + file + " has metadata that is not valid JSON: "
                            + e.getOriginalMessage(),
                    e);
        }
        if (parsed == null) {
            return null;
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new ChromaImportException(
                    "embeddings_queue row " + seq + " in " + file + " has metadata that is not a JSON object: " + json);
        }
        return (Map<String, Object>) map;
    }

    private boolean tableExists(String name) throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private Set<String> columns(String table) throws SQLException {
        Set<String> out = new HashSet<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA table_info(" + table + ")")) {
            while (rs.next()) {
                out.add(rs.getString("name"));
            }
        }
        return out;
    }

    private List<SchemaVersion.Migration> migrations() throws SQLException {
        List<SchemaVersion.Migration> out = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT dir, version, filename FROM migrations ORDER BY dir, version")) {
            while (rs.next()) {
                out.add(new SchemaVersion.Migration(rs.getString(1), rs.getInt(2), rs.getString(3)));
            }
        }
        return out;
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> T query(String sql, Binder binder, Reader<T> reader) {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return reader.read(rs);
            }
        } catch (SQLException e) {
            throw new ChromaImportException("Cannot read " + file + ": " + e.getMessage() + " (query: " + sql + ")", e);
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // Already failing: the original error is the one worth reporting.
            }
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new ChromaImportException("Cannot close " + file + ": " + e.getMessage(), e);
        }
    }
}
