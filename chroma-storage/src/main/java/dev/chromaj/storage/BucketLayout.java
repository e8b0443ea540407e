package dev.chromaj.storage;

import dev.chromaj.annotations.Internal;
import java.util.List;
import java.util.UUID;

/**
 * The key layout of a chromaj bucket (or local data folder), in one place: every object key is built and taken
 * apart here, never by string concatenation elsewhere.
 *
 * <pre>
 * collection/&lt;collection id&gt;/block/&lt;block id&gt;        an immutable blockfile block
 * collection/&lt;collection id&gt;/root/&lt;root id&gt;          an immutable blockfile root (its block list)
 * collection/&lt;collection id&gt;/version/&lt;n&gt;.json        a version manifest
 * collection/&lt;collection id&gt;/wal/...                   archived write-ahead log files
 * lease                                                  the writer lease (S3 mode)
 * manifest-head                                          rewritten after every version manifest (S3 mode), so
 *                                                        followers learn with one HEAD request whether to list
 * </pre>
 */
@Internal
public final class BucketLayout {
    /** The prefix of every collection's objects. */
    public static final String COLLECTIONS = "collection/";

    /** The key of the writer lease. */
    public static final String LEASE = "lease";

    /**
     * The key of a small object the writer rewrites after each version manifest it writes (S3 mode): a follower that
     * finds its ETag unchanged knows no manifest changed without listing the collections.
     */
    public static final String MANIFEST_HEAD = "manifest-head";

    private static final String BLOCK = "/block/";
    private static final String ROOT = "/root/";
    private static final String VERSION = "/version/";
    private static final String WAL = "/wal/";

    private BucketLayout() {}

    /** The folder of a collection's objects (no trailing slash): the {@code dir} the blockfile keys start with. */
    public static String collectionDir(UUID collectionId) {
        return COLLECTIONS + collectionId;
    }

    /** The prefix of a collection's archived WAL files. */
    public static String walPrefix(UUID collectionId) {
        return collectionDir(collectionId) + WAL;
    }

    /** The prefix of a collection's version manifests. */
    public static String versionPrefix(UUID collectionId) {
        return collectionDir(collectionId) + VERSION;
    }

    /** The key of a collection's version manifest. */
    public static String versionKey(UUID collectionId, long version) {
        return versionPrefix(collectionId) + version + ".json";
    }

    /** The key of a block under a collection folder. */
    public static String blockKey(String collectionDir, UUID blockId) {
        return collectionDir + BLOCK + blockId;
    }

    /** The key of a blockfile root under a collection folder. */
    public static String rootKey(String collectionDir, UUID rootId) {
        return collectionDir + ROOT + rootId;
    }

    /** The prefixes of a collection folder's immutable objects: blocks, roots and version manifests. */
    public static List<String> immutablePrefixes(String collectionDir) {
        return List.of(collectionDir + BLOCK, collectionDir + ROOT, collectionDir + VERSION);
    }

    /**
     * The collection folder and root id of a root key.
     *
     * @throws IllegalArgumentException if {@code key} is not a root key
     */
    public static RootKey parseRootKey(String key) {
        int at = key.lastIndexOf(ROOT);
        if (at < 0) {
            throw new IllegalArgumentException("not a blockfile root key: '" + key + "'");
        }
        return new RootKey(key.substring(0, at), UUID.fromString(key.substring(at + ROOT.length())));
    }

    /**
     * The collection id a key belongs to, or null for a key outside {@link #COLLECTIONS} or without an id segment.
     */
    public static String collectionIdOf(String key) {
        if (!key.startsWith(COLLECTIONS)) {
            return null;
        }
        int end = key.indexOf('/', COLLECTIONS.length());
        return end < 0 ? null : key.substring(COLLECTIONS.length(), end);
    }

    /**
     * The collection id and version number of a version manifest key, or null when {@code key} is not one.
     */
    public static VersionKey parseVersionKey(String key) {
        String[] parts = key.split("/", -1);
        if (parts.length != 4
                || !(parts[0] + "/").equals(COLLECTIONS)
                || !("/" + parts[2] + "/").equals(VERSION)
                || !parts[3].endsWith(".json")) {
            return null;
        }
        try {
            return new VersionKey(
                    UUID.fromString(parts[1]),
                    Long.parseLong(parts[3].substring(0, parts[3].length() - ".json".length())));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * A parsed version manifest key.
     *
     * @param collectionId the collection
     * @param version the version number
     */
    public record VersionKey(UUID collectionId, long version) {}

    /** What kind of object a key (or a request path ending in one) names: for reports and accounting. */
    public static ObjectKind kindOf(String keyOrPath) {
        if (keyOrPath.contains(BLOCK)) {
            return ObjectKind.BLOCK;
        }
        if (keyOrPath.contains(ROOT)) {
            return ObjectKind.ROOT;
        }
        if (keyOrPath.contains(VERSION)) {
            return ObjectKind.MANIFEST;
        }
        if (keyOrPath.contains(WAL)) {
            return ObjectKind.WAL;
        }
        if (keyOrPath.equals(LEASE) || keyOrPath.endsWith("/" + LEASE)) {
            return ObjectKind.LEASE;
        }
        return ObjectKind.OTHER;
    }

    /** The kinds of objects a bucket holds. */
    public enum ObjectKind {
        /** A blockfile block. */
        BLOCK,
        /** A blockfile root. */
        ROOT,
        /** A version manifest. */
        MANIFEST,
        /** An archived write-ahead log file. */
        WAL,
        /** The writer lease. */
        LEASE,
        /** Anything else. */
        OTHER
    }

    /**
     * A parsed root key.
     *
     * @param collectionDir the collection folder the root lies in
     * @param rootId the root's id
     */
    public record RootKey(String collectionDir, UUID rootId) {}
}
