package dev.chromaj;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chromaj.catalog.CollectionEntry;
import dev.chromaj.segment.SegmentManifest;
import dev.chromaj.storage.BucketLayout;
import dev.chromaj.storage.ObjectStorageException;
import dev.chromaj.storage.Storage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The object {@code collection/<uuid>/version/<n>.json}: everything needed to serve version {@code n} of a
 * collection without the catalog — tenant, database, name, metadata, options, dimension, segment roots and the log
 * position it includes. A fresh machine rebuilds its catalog from these.
 *
 * <p>Format: a JSON object with {@code formatVersion} and a {@code checksum} (CRC32C, hex) of the canonical JSON of
 * the object without the checksum; a damaged manifest is detected on read and named in the error.
 */
record VersionManifest(
        UUID collectionId,
        String tenant,
        String database,
        String name,
        String metadataJson,
        String optionsJson,
        Integer dimension,
        long version,
        long logPosition,
        boolean deleted,
        Instant createdAt,
        SegmentManifest segments) {

    static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON =
            new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    static String key(UUID collectionId, long version) {
        return BucketLayout.versionKey(collectionId, version);
    }

    static String prefix(UUID collectionId) {
        return BucketLayout.versionPrefix(collectionId);
    }

    static VersionManifest forNewCollection(CollectionEntry e) {
        return of(e, 0, 0, false, null);
    }

    static VersionManifest of(CollectionEntry e, Version v) {
        return of(e, v.number(), v.logPosition(), false, v.manifest());
    }

    /** A manifest one version past {@code v} that marks the collection deleted. */
    static VersionManifest deletion(CollectionEntry e, Version v) {
        return of(e, v.number() + 1, v.logPosition(), true, v.manifest());
    }

    private static VersionManifest of(
            CollectionEntry e, long version, long logPosition, boolean deleted, SegmentManifest segments) {
        return new VersionManifest(
                e.id(),
                e.tenant(),
                e.database(),
                e.name(),
                e.metadataJson(),
                e.optionsJson(),
                e.dimension(),
                version,
                logPosition,
                deleted,
                Instant.now(),
                segments);
    }

    String key() {
        return key(collectionId, version);
    }

    CollectionEntry toEntry() {
        return new CollectionEntry(
                collectionId, tenant, database, name, metadataJson, optionsJson, dimension, version, logPosition);
    }

    void writeTo(Storage storage) {
        try {
            storage.put(key(), toBytes());
        } catch (ObjectStorageException e) {
            throw Errors.translate(e);
        }
    }

    byte[] toBytes() {
        ObjectNode node = JSON.createObjectNode();
        node.put("formatVersion", FORMAT_VERSION);
        node.put("collectionId", collectionId.toString());
        node.put("tenant", tenant);
        node.put("database", database);
        node.put("name", name);
        node.set("metadata", parse(metadataJson));
        node.set("options", parse(optionsJson));
        if (dimension != null) {
            node.put("dimension", dimension);
        }
        node.put("version", version);
        node.put("logPosition", logPosition);
        node.put("deleted", deleted);
        node.put("createdAt", createdAt.toString());
        if (segments != null) {
            node.set("segments", JSON.valueToTree(segments.toMap()));
        }
        node.put("checksum", checksum(node));
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialize manifest " + key(), e);
        }
    }

    static VersionManifest read(Storage storage, String key) {
        byte[] bytes;
        try {
            bytes = storage.get(key);
        } catch (ObjectStorageException e) {
            throw Errors.translate(e);
        }
        return parse(key, bytes);
    }

    @SuppressWarnings("unchecked")
    static VersionManifest parse(String key, byte[] bytes) {
        try {
            JsonNode root = JSON.readTree(bytes);
            if (!(root instanceof ObjectNode node)) {
                throw corrupt(key, "not a JSON object");
            }
            int format = node.path("formatVersion").asInt(-1);
            if (format != FORMAT_VERSION) {
                throw corrupt(
                        key, "unsupported format version " + format + " (this library reads " + FORMAT_VERSION + ")");
            }
            String stored = node.path("checksum").asText("");
            node.remove("checksum");
            if (!stored.equals(checksum(node))) {
                throw corrupt(key, "checksum mismatch");
            }
            JsonNode segs = node.get("segments");
            SegmentManifest segments =
                    segs == null || segs.isNull() ? null : SegmentManifest.fromMap(JSON.convertValue(segs, Map.class));
            JsonNode dim = node.get("dimension");
            return new VersionManifest(
                    UUID.fromString(node.path("collectionId").asText()),
                    node.path("tenant").asText(),
                    node.path("database").asText(),
                    node.path("name").asText(),
                    JSON.writeValueAsString(node.get("metadata")),
                    JSON.writeValueAsString(node.get("options")),
                    dim == null || dim.isNull() ? null : dim.asInt(),
                    node.path("version").asLong(),
                    node.path("logPosition").asLong(),
                    node.path("deleted").asBoolean(false),
                    Instant.parse(node.path("createdAt").asText()),
                    segments);
        } catch (IOException | RuntimeException e) {
            if (e instanceof ChromaException ce) {
                throw ce;
            }
            throw corrupt(key, e.toString());
        }
    }

    private static ChromaException corrupt(String key, String why) {
        return new ChromaException("Version manifest " + key + " is damaged or unreadable: " + why);
    }

    private static JsonNode parse(String json) {
        try {
            return json == null ? JSON.nullNode() : JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored JSON is invalid: " + e.getOriginalMessage(), e);
        }
    }

    private static String checksum(ObjectNode withoutChecksum) {
        try {
            Object canonical = JSON.treeToValue(withoutChecksum, Object.class);
            byte[] bytes = JSON.writeValueAsString(canonical).getBytes(StandardCharsets.UTF_8);
            CRC32C crc = new CRC32C();
            crc.update(bytes);
            return HexFormat.of().toHexDigits((int) crc.getValue());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
