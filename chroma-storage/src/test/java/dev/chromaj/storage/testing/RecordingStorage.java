package dev.chromaj.storage.testing;

import dev.chromaj.storage.ObjectInfo;
import dev.chromaj.storage.Storage;
import dev.chromaj.storage.StorageStats;
import java.util.Collection;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A storage for tests that delegates every call and records, in order and with repeats, the key of every read
 * ({@link #reads}) and every read or listing as {@code "GET key"}, {@code "LIST prefix"} or {@code "FOLDERS prefix"}
 * ({@link #requests}). Writes, deletes and heads are passed through unrecorded.
 */
public final class RecordingStorage implements Storage {
    private final Storage delegate;
    /** Keys of {@code get}, {@code getRange} and {@code getAsync} calls. */
    public final Collection<String> reads = new ConcurrentLinkedQueue<>();
    /** Reads and listings, each as its verb and key or prefix. */
    public final Collection<String> requests = new ConcurrentLinkedQueue<>();

    public RecordingStorage(Storage delegate) {
        this.delegate = delegate;
    }

    private void read(String key) {
        reads.add(key);
        requests.add("GET " + key);
    }

    /** Forgets what was recorded so far. */
    public void clear() {
        reads.clear();
        requests.clear();
    }

    @Override
    public byte[] get(String key) {
        read(key);
        return delegate.get(key);
    }

    @Override
    public byte[] getRange(String key, long offset, int length) {
        read(key);
        return delegate.getRange(key, offset, length);
    }

    @Override
    public CompletableFuture<byte[]> getAsync(String key) {
        read(key);
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
        requests.add("LIST " + prefix);
        return delegate.list(prefix);
    }

    @Override
    public Iterator<String> listFolders(String prefix) {
        requests.add("FOLDERS " + prefix);
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
