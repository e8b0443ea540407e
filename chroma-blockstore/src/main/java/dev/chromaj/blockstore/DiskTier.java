package dev.chromaj.blockstore;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional second tier of the {@link BlockCache}: framed objects as files in a local folder, bounded by bytes
 * (Caffeine's size eviction picks the files to delete). Files are written on a daemon thread when an object is fetched
 * from Storage, so a block evicted from memory is already on disk. A file is returned only as raw bytes; the caller
 * verifies its checksum and {@link #invalidate}s a damaged one. Files found at start-up are reused.
 */
final class DiskTier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DiskTier.class);
    private static final String SUFFIX = ".obj";
    private static final long MAX_PENDING_BYTES = 256L << 20;

    private final Path dir;
    /** File name → file size; its eviction deletes the file. */
    private final Cache<String, Long> files;

    private final ExecutorService writer;
    private final AtomicLong pendingBytes = new AtomicLong();

    DiskTier(Path dir, long maxBytes) {
        try {
            this.dir = Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException("disk cache folder " + dir + " cannot be created: " + e, e);
        }
        this.files = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String name, Long size) -> (int) Math.min(Integer.MAX_VALUE, size))
                .evictionListener((String name, Long size, RemovalCause cause) -> deleteFile(name))
                .executor(Runnable::run)
                .build();
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "chromaj-block-disk-writer");
            t.setDaemon(true);
            return t;
        });
        adoptExistingFiles();
    }

    private void adoptExistingFiles() {
        try (Stream<Path> list = Files.list(dir)) {
            list.forEach(p -> {
                String name = p.getFileName().toString();
                try {
                    if (name.endsWith(SUFFIX)) {
                        files.put(name, Files.size(p));
                    } else if (name.contains(SUFFIX + ".tmp")) {
                        Files.deleteIfExists(p);
                    }
                } catch (IOException e) {
                    LOG.warn("disk block cache: skipping {}: {}", p, e.toString());
                }
            });
        } catch (IOException e) {
            throw new IllegalArgumentException("disk cache folder " + dir + " cannot be listed: " + e, e);
        }
    }

    static String fileName(String key) {
        return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)) + SUFFIX;
    }

    /** The stored bytes of the object, or null when absent. */
    byte[] read(String key) {
        String name = fileName(key);
        if (files.getIfPresent(name) == null) {
            return null;
        }
        try {
            return Files.readAllBytes(dir.resolve(name));
        } catch (NoSuchFileException e) {
            files.invalidate(name);
            return null;
        } catch (IOException e) {
            LOG.warn("disk block cache: cannot read {} for '{}': {}", name, key, e.toString());
            invalidate(key);
            return null;
        }
    }

    /** Queues the object for writing; skipped when too many bytes are already queued. */
    void writeLater(String key, byte[] data) {
        if (pendingBytes.addAndGet(data.length) > MAX_PENDING_BYTES) {
            pendingBytes.addAndGet(-data.length);
            return;
        }
        try {
            writer.execute(() -> {
                try {
                    write(key, data);
                } finally {
                    pendingBytes.addAndGet(-data.length);
                }
            });
        } catch (RejectedExecutionException e) {
            pendingBytes.addAndGet(-data.length);
        }
    }

    private void write(String key, byte[] data) {
        String name = fileName(key);
        Path target = dir.resolve(name);
        Path tmp = dir.resolve(name + ".tmp-" + UUID.randomUUID());
        try {
            Files.write(tmp, data);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            files.put(name, (long) data.length);
        } catch (IOException e) {
            LOG.warn("disk block cache: cannot write '{}': {}", key, e.toString());
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the leftover temp file is deleted at the next start
            }
        }
    }

    void invalidate(String key) {
        String name = fileName(key);
        files.invalidate(name);
        deleteFile(name);
    }

    private void deleteFile(String name) {
        try {
            Files.deleteIfExists(dir.resolve(name));
        } catch (IOException e) {
            LOG.warn("disk block cache: cannot delete {}: {}", name, e.toString());
        }
    }

    /** Path of the file that holds the object (tests damage it). */
    Path fileOf(String key) {
        return dir.resolve(fileName(key));
    }

    long bytes() {
        files.cleanUp();
        return files.policy().eviction().orElseThrow().weightedSize().orElse(0);
    }

    /** Waits until every queued write is on disk. */
    void awaitWrites() {
        try {
            writer.submit(() -> {}).get(1, TimeUnit.MINUTES);
        } catch (Exception e) {
            throw new IllegalStateException("disk block cache writer did not finish", e);
        }
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
