package dev.chromaj;

import dev.chromaj.storage.ObjectInfo;
import dev.chromaj.storage.Storage;
import dev.chromaj.storage.StorageStats;
import java.util.Collection;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The writer's view of a shared bucket: every mutation first checks that this client still holds the
 * {@link WriterLease}, so a writer that lost its lease (or could not renew it in time) never overwrites or deletes
 * what the new holder wrote. Reads pass through. Closing closes the underlying storage.
 */
final class FencedStorage implements Storage {
    private final Storage storage;
    private final WriterLease lease;

    FencedStorage(Storage storage, WriterLease lease) {
        this.storage = storage;
        this.lease = lease;
    }

    @Override
    public byte[] get(String key) {
        return storage.get(key);
    }

    @Override
    public byte[] getRange(String key, long offset, int length) {
        return storage.getRange(key, offset, length);
    }

    @Override
    public CompletableFuture<byte[]> getAsync(String key) {
        return storage.getAsync(key);
    }

    @Override
    public String put(String key, byte[] data) {
        lease.checkValid("PUT", key);
        return storage.put(key, data);
    }

    @Override
    public String putIfAbsent(String key, byte[] data) {
        lease.checkValid("PUT", key);
        return storage.putIfAbsent(key, data);
    }

    @Override
    public String putIfMatch(String key, byte[] data, String expectedEtag) {
        lease.checkValid("PUT", key);
        return storage.putIfMatch(key, data, expectedEtag);
    }

    @Override
    public void delete(String key) {
        lease.checkValid("DELETE", key);
        storage.delete(key);
    }

    @Override
    public void deleteAll(Collection<String> keys) {
        lease.checkValid("DELETE", keys.isEmpty() ? "" : keys.iterator().next());
        storage.deleteAll(keys);
    }

    @Override
    public Iterator<ObjectInfo> list(String prefix) {
        return storage.list(prefix);
    }

    @Override
    public Iterator<String> listFolders(String prefix) {
        return storage.listFolders(prefix);
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        return storage.head(key);
    }

    @Override
    public StorageStats stats() {
        return storage.stats();
    }

    @Override
    public void close() {
        storage.close();
    }

    @Override
    public String toString() {
        return storage.toString();
    }
}
