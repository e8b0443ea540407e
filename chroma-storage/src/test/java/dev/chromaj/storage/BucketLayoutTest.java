package dev.chromaj.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class BucketLayoutTest {
    private static final UUID COLLECTION = UUID.fromString("7dd4fe10-2c61-44d8-92c5-fb3deaaa6c81");
    private static final UUID OBJECT = UUID.fromString("bbbb3970-016a-478f-9c83-ea0e6ca52671");

    @Test
    void keysFollowTheDocumentedLayout() {
        String dir = BucketLayout.collectionDir(COLLECTION);
        assertEquals("collection/" + COLLECTION, dir);
        assertEquals(dir + "/block/" + OBJECT, BucketLayout.blockKey(dir, OBJECT));
        assertEquals(dir + "/root/" + OBJECT, BucketLayout.rootKey(dir, OBJECT));
        assertEquals(dir + "/version/12.json", BucketLayout.versionKey(COLLECTION, 12));
        assertEquals(dir + "/version/", BucketLayout.versionPrefix(COLLECTION));
        assertEquals(dir + "/wal/", BucketLayout.walPrefix(COLLECTION));
        assertEquals(List.of(dir + "/block/", dir + "/root/", dir + "/version/"), BucketLayout.immutablePrefixes(dir));
    }

    @Test
    void keysParseBackToWhatBuiltThem() {
        String dir = BucketLayout.collectionDir(COLLECTION);
        assertEquals(
                new BucketLayout.RootKey(dir, OBJECT), BucketLayout.parseRootKey(BucketLayout.rootKey(dir, OBJECT)));
        assertThrows(IllegalArgumentException.class, () -> BucketLayout.parseRootKey(dir + "/block/" + OBJECT));
        assertEquals(
                new BucketLayout.VersionKey(COLLECTION, 12),
                BucketLayout.parseVersionKey(BucketLayout.versionKey(COLLECTION, 12)));
        assertNull(BucketLayout.parseVersionKey(dir + "/version/x.json"));
        assertNull(BucketLayout.parseVersionKey(dir + "/block/" + OBJECT));
        assertEquals(COLLECTION.toString(), BucketLayout.collectionIdOf(BucketLayout.blockKey(dir, OBJECT)));
        assertNull(BucketLayout.collectionIdOf(BucketLayout.LEASE));
    }

    @Test
    void everyKeyHasItsKind() {
        String dir = BucketLayout.collectionDir(COLLECTION);
        assertEquals(BucketLayout.ObjectKind.BLOCK, BucketLayout.kindOf(BucketLayout.blockKey(dir, OBJECT)));
        assertEquals(BucketLayout.ObjectKind.ROOT, BucketLayout.kindOf(BucketLayout.rootKey(dir, OBJECT)));
        assertEquals(BucketLayout.ObjectKind.MANIFEST, BucketLayout.kindOf(BucketLayout.versionKey(COLLECTION, 1)));
        assertEquals(BucketLayout.ObjectKind.WAL, BucketLayout.kindOf(BucketLayout.walPrefix(COLLECTION) + "x"));
        assertEquals(BucketLayout.ObjectKind.LEASE, BucketLayout.kindOf(BucketLayout.LEASE));
        assertEquals(BucketLayout.ObjectKind.LEASE, BucketLayout.kindOf("/bucket/prefix/lease"));
        assertEquals(BucketLayout.ObjectKind.OTHER, BucketLayout.kindOf("notes.txt"));
    }
}
