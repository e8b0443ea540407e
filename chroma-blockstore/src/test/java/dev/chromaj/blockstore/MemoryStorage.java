package dev.chromaj.blockstore;

import dev.chromaj.storage.ObjectInfo;
import dev.chromaj.storage.ObjectNotFoundException;
import dev.chromaj.storage.PreconditionFailedException;
import dev.chromaj.storage.Storage;
import dev.chromaj.storage.StorageStats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/** A Storage in a map, counting gets per key; {@link #getDelayMillis} slows reads down for concurrency tests. */
final class MemoryStorage implements Storage {
    private final ConcurrentSkipListMap<String, byte[]> objects = new ConcurrentSkipListMap<>();
    private final Map<String, AtomicLong> getsPerKey = new ConcurrentHashMap<>();
    private final AtomicLong gets = new AtomicLong();
    private final AtomicLong puts = new AtomicLong();
    private final AtomicLong asyncGets = new AtomicLong();
    private final ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "memory-storage-io");
        t.setDaemon(true);
        return t;
    });
    volatile long getDelayMillis;

    long getsOf(String key) {
        AtomicLong n = getsPerKey.get(key);
        return n == null ? 0 : n.get();
    }

    long gets() {
        return gets.get();
    }

    /** Calls of {@link #getAsync}: reads issued, whether or not a pool thread has started them. */
    long asyncGets() {
        return asyncGets.get();
    }

    Map<String, byte[]> objects() {
        return objects;
    }

    @Override
    public byte[] get(String key) {
        gets.incrementAndGet();
        getsPerKey.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
        if (getDelayMillis > 0) {
            try {
                Thread.sleep(getDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] data = objects.get(key);
        if (data == null) {
            throw new ObjectNotFoundException("GET", key);
        }
        return data.clone();
    }

    @Override
    public byte[] getRange(String key, long offset, int length) {
        byte[] data = get(key);
        int from = (int) Math.min(offset, data.length);
        return Arrays.copyOfRange(data, from, (int) Math.min(data.length, from + (long) length));
    }

    @Override
    public CompletableFuture<byte[]> getAsync(String key) {
        asyncGets.incrementAndGet();
        return CompletableFuture.supplyAsync(() -> get(key), pool);
    }

    @Override
    public String put(String key, byte[] data) {
        puts.incrementAndGet();
        objects.put(key, data.clone());
        return Integer.toHexString(Arrays.hashCode(data));
    }

    @Override
    public String putIfAbsent(String key, byte[] data) {
        if (objects.putIfAbsent(key, data.clone()) != null) {
            throw new PreconditionFailedException("PUT_IF_ABSENT", key, "exists");
        }
        return Integer.toHexString(Arrays.hashCode(data));
    }

    @Override
    public String putIfMatch(String key, byte[] data, String expectedEtag) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void delete(String key) {
        objects.remove(key);
    }

    @Override
    public void deleteAll(Collection<String> keys) {
        keys.forEach(objects::remove);
    }

    @Override
    public Iterator<ObjectInfo> list(String prefix) {
        List<ObjectInfo> out = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : objects.tailMap(prefix).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            out.add(new ObjectInfo(e.getKey(), e.getValue().length, "", Instant.EPOCH));
        }
        return out.iterator();
    }

    @Override
    public Iterator<String> listFolders(String prefix) {
        Set<String> out = new TreeSet<>();
        for (String key : objects.tailMap(prefix).keySet()) {
            if (!key.startsWith(prefix)) {
                break;
            }
            int slash = key.indexOf('/', prefix.length());
            if (slash >= 0) {
                out.add(key.substring(0, slash + 1));
            }
        }
        return out.iterator();
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        byte[] data = objects.get(key);
        return data == null ? Optional.empty() : Optional.of(new ObjectInfo(key, data.length, "", Instant.EPOCH));
    }

    @Override
    public StorageStats stats() {
        return new StorageStats(gets.get(), 0, puts.get(), 0, 0, 0, 0, 0, 0);
    }

    @Override
    public void close() {
        pool.shutdown();
    }
}
