package dev.chromaj.segment;

import dev.chromaj.storage.ObjectInfo;
import dev.chromaj.storage.Storage;
import dev.chromaj.storage.StorageStats;
import java.util.Collection;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A storage for tests that delegates every call and records the key of every read, in order, repeats included. */
final class ReadRecordingStorage implements Storage {
    private final Storage delegate;
    final Collection<String> reads = new ConcurrentLinkedQueue<>();

    ReadRecordingStorage(Storage delegate) {
        this.delegate = delegate;
    }

    @Override
    public byte[] get(String key) {
        reads.add(key);
        return delegate.get(key);
    }

    @Override
    public byte[] getRange(String key, long offset, int length) {
        reads.add(key);
        return delegate.getRange(key, offset, length);
    }

    @Override
    public CompletableFuture<byte[]> getAsync(String key) {
        reads.add(key);
        return delegate.getAsync(key);
    }

    @Override
    public String put(String key, byte[] data) {
        return delegate.put(key, data);
    }

    @Override
    public String putIfAbsent(String key, byte[] data) {
        return delegate.putIfAbsent(key, data);
    }

    @Override
    public String putIfMatch(String key, byte[] data, String expectedEtag) {
        return delegate.putIfMatch(key, data, expectedEtag);
    }

    @Override
    public void delete(String key) {
        delegate.delete(key);
    }

    @Override
    public void deleteAll(Collection<String> keys) {
        delegate.deleteAll(keys);
    }

    @Override
    public Iterator<ObjectInfo> list(String prefix) {
        return delegate.list(prefix);
    }

    @Override
    public Iterator<String> listFolders(String prefix) {
        return delegate.listFolders(prefix);
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        return delegate.head(key);
    }

    @Override
    public StorageStats stats() {
        return delegate.stats();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
