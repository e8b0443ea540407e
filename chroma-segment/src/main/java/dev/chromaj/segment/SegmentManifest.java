package dev.chromaj.segment;

import dev.chromaj.annotations.Internal;
import dev.chromaj.blockstore.BlockfileStore;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The segments of one collection version: the root of every blockfile, the next offset to assign and counts. The
 * engine stores it in its version manifest through {@link #toMap()} / {@link #fromMap(Map)}.
 *
 * @param roots blockfile name (such as {@code record.offset_to_record}) to root id
 * @param nextOffset the next offset to assign (one more than the largest offset ever assigned; offsets are never
 *     reused, so this is not the record count)
 * @param recordCount live records
 * @param segmentBytes bytes in Storage per segment ({@code record}, {@code metadata}, {@code fulltext})
 * @param blockCount blocks referenced by all roots
 */
@Internal
public record SegmentManifest(
        Map<String, UUID> roots, int nextOffset, long recordCount, Map<String, Long> segmentBytes, long blockCount) {

    /** The manifest of a collection that was never compacted. */
    public static final SegmentManifest EMPTY = new SegmentManifest(Map.of(), 0, 0, Map.of(), 0);

    /** Format version written by {@link #toMap()}. */
    static final int FORMAT_VERSION = 1;

    /** Copies the maps (sorted by name, immutable) and checks the counts. */
    public SegmentManifest {
        roots = Collections.unmodifiableMap(new TreeMap<>(roots));
        segmentBytes = Collections.unmodifiableMap(new TreeMap<>(segmentBytes));
        if (nextOffset < 0 || recordCount < 0 || blockCount < 0) {
            throw new IllegalArgumentException("segment manifest counts must be non-negative, got nextOffset "
                    + nextOffset + ", recordCount " + recordCount + ", blockCount " + blockCount);
        }
        if (recordCount > nextOffset) {
            throw new IllegalArgumentException(
                    "segment manifest recordCount " + recordCount + " exceeds nextOffset " + nextOffset);
        }
    }

    /** Same as {@link #nextOffset()}: the offset the next inserted record gets. */
    public int maxOffset() {
        return nextOffset;
    }

    /** True for a collection without compacted data. */
    public boolean isEmpty() {
        return roots.isEmpty();
    }

    /** Total bytes of all segments in Storage. */
    public long totalBytes() {
        long total = 0;
        for (long b : segmentBytes.values()) {
            total += b;
        }
        return total;
    }

    /**
     * A JSON-friendly form: only strings, numbers ({@code Long}) and nested maps. Read back by {@link #fromMap}.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("format", (long) FORMAT_VERSION);
        Map<String, Object> rootMap = new LinkedHashMap<>();
        roots.forEach((name, id) -> rootMap.put(name, id.toString()));
        map.put("roots", rootMap);
        map.put("nextOffset", (long) nextOffset);
        map.put("recordCount", recordCount);
        map.put("segmentBytes", new LinkedHashMap<>(segmentBytes));
        map.put("blockCount", blockCount);
        return map;
    }

    /**
     * Reads what {@link #toMap()} wrote, accepting any {@code Number} type (JSON parsers differ) for numbers.
     *
     * @throws IllegalArgumentException naming the field when the map is malformed or of an unknown format
     */
    public static SegmentManifest fromMap(Map<String, Object> map) {
        if (map == null || map.isEmpty()) {
            return EMPTY;
        }
        long format = number(map, "format");
        if (format != FORMAT_VERSION) {
            throw new IllegalArgumentException(
                    "segment manifest format " + format + " is not supported (expected " + FORMAT_VERSION + ")");
        }
        Map<String, UUID> roots = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : submap(map, "roots").entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new IllegalArgumentException(
                        "segment manifest field 'roots." + e.getKey() + "' must be a UUID string, got " + e.getValue());
            }
            try {
                roots.put(e.getKey(), UUID.fromString(s));
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException(
                        "segment manifest field 'roots." + e.getKey() + "' must be a UUID string, got '" + s + "'",
                        bad);
            }
        }
        Map<String, Long> bytes = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : submap(map, "segmentBytes").entrySet()) {
            if (!(e.getValue() instanceof Number n)) {
                throw new IllegalArgumentException("segment manifest field 'segmentBytes." + e.getKey()
                        + "' must be a number, got " + e.getValue());
            }
            bytes.put(e.getKey(), n.longValue());
        }
        long nextOffset = number(map, "nextOffset");
        if (nextOffset > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("segment manifest field 'nextOffset' out of range: " + nextOffset);
        }
        return new SegmentManifest(
                roots, (int) nextOffset, number(map, "recordCount"), bytes, number(map, "blockCount"));
    }

    /**
     * Every object key this version references (roots and blocks of all its blockfiles), for garbage collection.
     * Reads the roots through the store's cache.
     */
    public Set<String> objectKeys(BlockfileStore store, String dir) {
        Set<String> keys = new LinkedHashSet<>();
        for (UUID root : roots.values()) {
            keys.addAll(store.objectKeys(dir, root));
        }
        return Collections.unmodifiableSet(keys);
    }

    private static long number(Map<String, Object> map, String field) {
        Object v = map.get(field);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("segment manifest field '" + field + "' must be a number, got " + v);
        }
        return n.longValue();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> submap(Map<String, Object> map, String field) {
        Object v = map.get(field);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("segment manifest field '" + field + "' must be an object, got " + v);
        }
        return (Map<String, ?>) v;
    }
}
