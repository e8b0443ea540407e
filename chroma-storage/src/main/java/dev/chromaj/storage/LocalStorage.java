package dev.chromaj.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * {@link Storage} in a local folder: key {@code a/b/c} is the file {@code <root>/a/b/c}.
 *
 * <p>Writes are atomic and durable: the bytes go to a temporary file in the target directory, which is fsynced,
 * renamed over the target and followed by an fsync of the directory. Create-only puts use a hard link from the
 * temporary file, which the file system makes atomic against concurrent writers. The ETag is the hex MD5 of the
 * content, as S3 computes it for single-part objects. Compare-and-swap puts are serialized within this process by
 * a lock (the folder has a single writer process, see the catalog's folder lock).
 *
 * <p>Thread-safe.
 */
public final class LocalStorage implements Storage {
    private static final String TEMP_SUFFIX = ".tmp-";

    private final Path root;
    private final ExecutorService ioPool;
    /** Serializes compare-and-swap puts of this process (read ETag, then replace). */
    private final Object casLock = new Object();

    private final LongAdder gets = new LongAdder();
    private final LongAdder rangeGets = new LongAdder();
    private final LongAdder puts = new LongAdder();
    private final LongAdder deletes = new LongAdder();
    private final LongAdder lists = new LongAdder();
    private final LongAdder heads = new LongAdder();
    private final LongAdder bytesRead = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();

    public LocalStorage(Path root) {
        this(root, Math.max(2, Runtime.getRuntime().availableProcessors()));
    }

    /** @param ioThreads threads that serve {@link #getAsync} (bounded, whatever the number of keys). */
    public LocalStorage(Path root, int ioThreads) {
        try {
            this.root = Files.createDirectories(root).toRealPath();
        } catch (IOException e) {
            throw new StorageException("OPEN", root.toString(), e.toString(), e);
        }
        AtomicInteger n = new AtomicInteger();
        this.ioPool = Executors.newFixedThreadPool(ioThreads, r -> {
            Thread t = new Thread(r, "chromaj-local-io-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The folder that holds the objects. */
    public Path root() {
        return root;
    }

    @Override
    public byte[] get(String key) {
        Path file = resolve("GET", key);
        gets.increment();
        try {
            byte[] data = Files.readAllBytes(file);
            bytesRead.add(data.length);
            return data;
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException("GET", key);
        } catch (IOException e) {
            throw new StorageException("GET", key, e.toString(), e);
        }
    }

    @Override
    public byte[] getRange(String key, long offset, int length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("offset and length must be >= 0, got " + offset + ", " + length);
        }
        Path file = resolve("GET_RANGE", key);
        rangeGets.increment();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            int n = (int) Math.max(0, Math.min(length, size - offset));
            ByteBuffer buf = ByteBuffer.allocate(n);
            long pos = offset;
            while (buf.hasRemaining()) {
                int r = ch.read(buf, pos);
                if (r < 0) {
                    break;
                }
                pos += r;
            }
            bytesRead.add(buf.position());
            return buf.position() == n ? buf.array() : java.util.Arrays.copyOf(buf.array(), buf.position());
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException("GET_RANGE", key);
        } catch (IOException e) {
            throw new StorageException("GET_RANGE", key, e.toString(), e);
        }
    }

    @Override
    public CompletableFuture<byte[]> getAsync(String key) {
        return CompletableFuture.supplyAsync(() -> get(key), ioPool);
    }

    @Override
    public String put(String key, byte[] data) {
        Path file = resolve("PUT", key);
        puts.increment();
        try {
            Path tmp = writeTemp(file, data);
            moveAtomically(tmp, file);
            fsyncDirectory(file.getParent());
            bytesWritten.add(data.length);
            return etag(data);
        } catch (IOException e) {
            throw new StorageException("PUT", key, e.toString(), e);
        }
    }

    @Override
    public String putIfAbsent(String key, byte[] data) {
        Path file = resolve("PUT_IF_ABSENT", key);
        puts.increment();
        Path tmp = null;
        try {
            tmp = writeTemp(file, data);
            // link() fails atomically if the target exists: exactly one concurrent creator wins.
            Files.createLink(file, tmp);
            fsyncDirectory(file.getParent());
            bytesWritten.add(data.length);
            return etag(data);
        } catch (FileAlreadyExistsException e) {
            throw new PreconditionFailedException("PUT_IF_ABSENT", key, "an object with this key exists");
        } catch (IOException e) {
            throw new StorageException("PUT_IF_ABSENT", key, e.toString(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    @Override
    public String putIfMatch(String key, byte[] data, String expectedEtag) {
        Path file = resolve("PUT_IF_MATCH", key);
        synchronized (casLock) {
            byte[] current;
            try {
                current = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                throw new PreconditionFailedException("PUT_IF_MATCH", key, "no object with this key");
            } catch (IOException e) {
                throw new StorageException("PUT_IF_MATCH", key, e.toString(), e);
            }
            if (!etag(current).equals(stripQuotes(expectedEtag))) {
                throw new PreconditionFailedException("PUT_IF_MATCH", key, "the object's ETag differs from the expected one");
            }
            return put(key, data);
        }
    }

    @Override
    public void delete(String key) {
        Path file = resolve("DELETE", key);
        deletes.increment();
        try {
            Files.deleteIfExists(file);
            pruneEmptyParents(file.getParent());
        } catch (IOException e) {
            throw new StorageException("DELETE", key, e.toString(), e);
        }
    }

    @Override
    public void deleteAll(Collection<String> keys) {
        for (String key : keys) {
            delete(key);
        }
    }

    @Override
    public Iterator<ObjectInfo> list(String prefix) {
        if (prefix.startsWith("/") || prefix.contains("..")) {
            throw new IllegalArgumentException("prefix must be relative and must not contain '..': '" + prefix + "'");
        }
        lists.increment();
        // Walk only the deepest directory fully named by the prefix, then filter by the remaining characters.
        int slash = prefix.lastIndexOf('/');
        Path dir = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return List.<ObjectInfo>of().iterator();
        }
        List<ObjectInfo> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).forEach(p -> {
                String key = toKey(p);
                if (key.startsWith(prefix) && !isTemp(p)) {
                    info(key, p).ifPresent(out::add);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new StorageException("LIST", prefix, e.toString(), e);
        }
        out.sort((a, b) -> a.key().compareTo(b.key()));
        return out.iterator();
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        Path file = resolve("HEAD", key);
        heads.increment();
        return info(key, file);
    }

    @Override
    public StorageStats stats() {
        return new StorageStats(gets.sum(), rangeGets.sum(), puts.sum(), deletes.sum(), lists.sum(), heads.sum(), 0,
                bytesRead.sum(), bytesWritten.sum());
    }

    @Override
    public void close() {
        ioPool.shutdown();
    }

    @Override
    public String toString() {
        return "LocalStorage[" + root + "]";
    }

    private Optional<ObjectInfo> info(String key, Path file) {
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attrs.isRegularFile()) {
                return Optional.empty();
            }
            return Optional.of(new ObjectInfo(key, attrs.size(), etag(Files.readAllBytes(file)),
                    attrs.lastModifiedTime().toInstant()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException("HEAD", key, e.toString(), e);
        }
    }

    private Path resolve(String operation, String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException(operation + ": key must not be empty");
        }
        if (key.startsWith("/") || key.startsWith("\\") || key.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(operation + ": key must be a relative path, got '" + key + "'");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException(
                        operation + ": key must not contain empty, '.' or '..' segments, got '" + key + "'");
            }
        }
        Path file = root.resolve(key).normalize();
        if (!file.startsWith(root) || file.equals(root)) {
            throw new IllegalArgumentException(operation + ": key escapes the storage folder: '" + key + "'");
        }
        return file;
    }

    private String toKey(Path file) {
        return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }

    private static boolean isTemp(Path p) {
        return p.getFileName().toString().contains(TEMP_SUFFIX);
    }

    private static Path writeTemp(Path target, byte[] data) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX + UUID.randomUUID());
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(data);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw e;
        }
        return tmp;
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            deleteQuietly(from);
            throw e;
        }
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // Some file systems refuse to open directories; the rename is then as durable as they allow.
        }
    }

    private void pruneEmptyParents(Path dir) {
        while (dir != null && dir.startsWith(root) && !dir.equals(root)) {
            try {
                Files.deleteIfExists(dir);
            } catch (DirectoryNotEmptyException e) {
                return;
            } catch (IOException e) {
                return;
            }
            dir = dir.getParent();
        }
    }

    private static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: a leftover temp file is invisible to get/list and replaced by the next write
        }
    }

    static String etag(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required by the Java platform", e);
        }
    }

    static String stripQuotes(String etag) {
        if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            return etag.substring(1, etag.length() - 1);
        }
        return etag;
    }
}
