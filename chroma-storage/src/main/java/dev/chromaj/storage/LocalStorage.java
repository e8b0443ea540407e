package dev.chromaj.storage;

import dev.chromaj.annotations.Internal;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Storage} in a local folder: key {@code a/b/c} is the file {@code <root>/a/b/c}, each segment escaped by
 * {@link FileNameCodec} (segments made of letters, digits, '-', '.' and '_' are kept as they are, every other byte
 * becomes {@code %XX}), so that any key is a portable file name and no key can name a file outside the folder.
 *
 * <p>Writes are atomic and durable: the bytes go to a temporary file in {@code <root>/~tmp/} (a name no key maps
 * to), which is fsynced and then renamed over the target (or hard-linked to it, for create-only puts, which the
 * file system makes atomic against concurrent writers of any process); the directory is fsynced last. Readers see
 * the old object or the new one, never a partial one. Within this process every mutation of a key is serialized
 * with the others of the same key, so compare-and-swap is atomic against puts and deletes of this instance (the
 * folder has a single writer process, see the catalog's folder lock).
 *
 * <p>The ETag is the hex MD5 of the content, as S3 computes it for single-part objects. It is computed once, when
 * the object is written, and kept in a user extended attribute of the file where the file system supports them,
 * so that {@link #head} and {@link #list} never read the content of files this class wrote; otherwise it is
 * computed on first use and cached against the file's identity, size and modification time.
 *
 * <p>A key cannot be both an object and the prefix of another key's directory ({@code a/b} and {@code a/b/c}); S3
 * allows it, the folder does not, and such a put fails with a {@link ObjectStorageException} saying so.
 *
 * <p>Thread-safe.
 */
@Internal
public final class LocalStorage implements Storage {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStorage.class);
    /** Holds temporary files; '~' is always escaped by {@link FileNameCodec}, so no key maps here. */
    private static final String TEMP_DIR = "~tmp";

    private static final String ETAG_ATTRIBUTE = "chromaj.etag";
    /** Temporary files older than this are leftovers of a crashed writer and removed at open. */
    private static final Duration STALE_TEMP_AGE = Duration.ofHours(1);

    private static final int LOCK_STRIPES = 64;
    private static final int MAX_CACHED_ETAGS = 1 << 16;
    /** How often a rename or link is retried when a concurrent delete pruned the parent directory meanwhile. */
    private static final int PARENT_RACE_ATTEMPTS = 8;

    private final Path root;
    private final Path tempDir;
    private final ExecutorService ioPool;
    /** Lock i serializes the mutations (commit step of put, conditional puts, delete) of keys hashing to i. */
    private final Object[] keyLocks = new Object[LOCK_STRIPES];

    private final boolean etagAttributes;
    /** ETags computed from content, for files without the attribute; validated by file identity, size and time. */
    private final ConcurrentHashMap<String, CachedETag> etagCache = new ConcurrentHashMap<>();

    private final StorageCounters counters = new StorageCounters();

    private record CachedETag(Object fileKey, long size, FileTime modified, String etag) {}

    /** Opens (creating if needed) the folder, with as many {@link #getAsync} threads as processors (at least 2). */
    public LocalStorage(Path root) {
        this(root, Math.max(2, Runtime.getRuntime().availableProcessors()));
    }

    /** @param ioThreads threads that serve {@link #getAsync} (bounded, whatever the number of keys). */
    public LocalStorage(Path root, int ioThreads) {
        Objects.requireNonNull(root, "root");
        if (ioThreads < 1) {
            throw new IllegalArgumentException("ioThreads must be >= 1, got " + ioThreads);
        }
        try {
            this.root = Files.createDirectories(root).toRealPath();
            this.tempDir = Files.createDirectories(this.root.resolve(TEMP_DIR));
        } catch (IOException e) {
            throw new ObjectStorageException("OPEN", root.toString(), e.toString(), e);
        }
        for (int i = 0; i < LOCK_STRIPES; i++) {
            keyLocks[i] = new Object();
        }
        removeStaleTempFiles();
        this.etagAttributes = probeEtagAttributes();
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
        counters.gets.increment();
        try {
            byte[] data = Files.readAllBytes(file);
            counters.bytesRead.add(data.length);
            return data;
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException("GET", key);
        } catch (IOException e) {
            throw notFoundIfDirectory("GET", key, file, e);
        }
    }

    @Override
    public byte[] getRange(String key, long offset, int length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException(
                    "GET_RANGE: offset and length must be >= 0, got offset " + offset + " and length " + length);
        }
        Path file = resolve("GET_RANGE", key);
        counters.rangeGets.increment();
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
            counters.bytesRead.add(buf.position());
            return buf.position() == n ? buf.array() : Arrays.copyOf(buf.array(), buf.position());
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException("GET_RANGE", key);
        } catch (IOException e) {
            throw notFoundIfDirectory("GET_RANGE", key, file, e);
        }
    }

    @Override
    public CompletableFuture<byte[]> getAsync(String key) {
        try {
            return CompletableFuture.supplyAsync(() -> get(key), ioPool);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new ObjectStorageException("GET", key, "the storage is closed", e));
        }
    }

    @Override
    public String put(String key, byte[] data) {
        Path file = resolve("PUT", key);
        Objects.requireNonNull(data, "data");
        counters.puts.increment();
        String etag = ETags.md5Hex(data);
        Path tmp = null;
        try {
            tmp = writeTemp(data, etag);
            synchronized (lockFor(key)) {
                commit(key, tmp, file, CommitMode.REPLACE);
            }
        } catch (IOException e) {
            throw new ObjectStorageException("PUT", key, e.toString(), e);
        } finally {
            deleteQuietly(tmp);
        }
        counters.bytesWritten.add(data.length);
        return etag;
    }

    @Override
    public String putIfAbsent(String key, byte[] data) {
        Path file = resolve("PUT_IF_ABSENT", key);
        Objects.requireNonNull(data, "data");
        counters.puts.increment();
        String etag = ETags.md5Hex(data);
        Path tmp = null;
        try {
            tmp = writeTemp(data, etag);
            synchronized (lockFor(key)) {
                commit(key, tmp, file, CommitMode.CREATE);
            }
        } catch (FileAlreadyExistsException e) {
            throw new PreconditionFailedException("PUT_IF_ABSENT", key, "an object with this key exists");
        } catch (IOException e) {
            throw new ObjectStorageException("PUT_IF_ABSENT", key, e.toString(), e);
        } finally {
            deleteQuietly(tmp);
        }
        counters.bytesWritten.add(data.length);
        return etag;
    }

    @Override
    public String putIfMatch(String key, byte[] data, String expectedEtag) {
        Path file = resolve("PUT_IF_MATCH", key);
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(expectedEtag, "expectedEtag");
        counters.puts.increment();
        String etag = ETags.md5Hex(data);
        Path tmp = null;
        try {
            tmp = writeTemp(data, etag);
            synchronized (lockFor(key)) {
                String current;
                try {
                    // The content, not the attribute: compare-and-swap must not trust anything but the bytes.
                    current = md5Of(file);
                } catch (NoSuchFileException e) {
                    throw new PreconditionFailedException("PUT_IF_MATCH", key, "no object with this key");
                }
                if (!current.equals(ETags.unquote(expectedEtag))) {
                    throw new PreconditionFailedException(
                            "PUT_IF_MATCH",
                            key,
                            "the object's ETag " + current + " differs from the expected " + expectedEtag);
                }
                commit(key, tmp, file, CommitMode.REPLACE);
            }
        } catch (IOException e) {
            throw new ObjectStorageException("PUT_IF_MATCH", key, e.toString(), e);
        } finally {
            deleteQuietly(tmp);
        }
        counters.bytesWritten.add(data.length);
        return etag;
    }

    @Override
    public void delete(String key) {
        Path file = resolve("DELETE", key);
        counters.deletes.increment();
        try {
            synchronized (lockFor(key)) {
                if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                    return; // a directory of other keys, not an object: nothing to delete
                }
                if (Files.deleteIfExists(file)) {
                    etagCache.remove(key);
                    fsyncDirectory(file.getParent());
                    pruneEmptyParents(file.getParent());
                }
            }
        } catch (IOException e) {
            throw new ObjectStorageException("DELETE", key, e.toString(), e);
        }
    }

    @Override
    public void deleteAll(Collection<String> keys) {
        for (String key : keys) {
            resolve("DELETE", key);
        }
        for (String key : keys) {
            delete(key);
        }
    }

    @Override
    public Iterator<ObjectInfo> list(String prefix) {
        ObjectKeys.requireValidPrefix("LIST", prefix);
        counters.lists.increment();
        return new Listing(prefix);
    }

    @Override
    public Iterator<String> listFolders(String prefix) {
        ObjectKeys.requireValidPrefix("LIST", prefix);
        counters.lists.increment();
        int slash = prefix.lastIndexOf('/');
        String dirKey = slash < 0 ? "" : prefix.substring(0, slash);
        Path dir = dirKey.isEmpty() ? root : resolve("LIST", dirKey);
        List<String> folders = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                String segment = FileNameCodec.decode(p.getFileName().toString());
                if (segment == null || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue; // the temp folder, a file that is not an object, or an object (not a folder)
                }
                String folder = (dirKey.isEmpty() ? segment : dirKey + "/" + segment) + "/";
                if (folder.startsWith(prefix) && folder.length() > prefix.length()) {
                    folders.add(folder);
                }
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            return Collections.emptyIterator();
        } catch (IOException | UncheckedIOException e) {
            throw new ObjectStorageException("LIST", prefix, e.toString(), e);
        }
        folders.sort(ObjectKeys.UTF8_ORDER);
        return folders.iterator();
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        Path file = resolve("HEAD", key);
        counters.heads.increment();
        try {
            return info(key, file);
        } catch (IOException e) {
            throw new ObjectStorageException("HEAD", key, e.toString(), e);
        }
    }

    @Override
    public StorageStats stats() {
        return counters.snapshot();
    }

    @Override
    public void close() {
        ioPool.shutdown();
    }

    @Override
    public String toString() {
        return "LocalStorage[" + root + "]";
    }

    // ------------------------------------------------------------------------------------------------ internals

    private enum CommitMode {
        REPLACE,
        CREATE
    }

    /** Makes {@code tmp} visible as {@code file}; the caller holds the key's lock. */
    private void commit(String key, Path tmp, Path file, CommitMode mode) throws IOException {
        for (int attempt = 1; ; attempt++) {
            ensureParentDirectories(key, file);
            if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new ObjectStorageException(
                        operationOf(mode),
                        key,
                        "the local backend cannot hold an object named '" + key + "' while objects under '" + key
                                + "/' exist");
            }
            try {
                if (mode == CommitMode.CREATE) {
                    createLinkOrFail(tmp, file);
                } else {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
                break;
            } catch (NoSuchFileException e) {
                // A concurrent delete of a sibling pruned the (then empty) parent directory: create it again.
                if (attempt >= PARENT_RACE_ATTEMPTS || !Files.exists(tmp)) {
                    throw e;
                }
            }
        }
        etagCache.remove(key);
        fsyncDirectory(file.getParent());
    }

    private void createLinkOrFail(Path tmp, Path file) throws IOException {
        try {
            Files.createLink(file, tmp);
        } catch (UnsupportedOperationException e) {
            // No hard links on this file system: atomic within this process only (the caller holds the key lock).
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(file.toString());
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static String operationOf(CommitMode mode) {
        return mode == CommitMode.CREATE ? "PUT_IF_ABSENT" : "PUT";
    }

    /** Creates missing parent directories one level at a time, fsyncing each new directory's parent. */
    private void ensureParentDirectories(String key, Path file) throws IOException {
        Path parent = file.getParent();
        if (Files.isDirectory(parent)) {
            return;
        }
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = parent; !p.equals(root) && !Files.isDirectory(p); p = p.getParent()) {
            missing.push(p);
        }
        for (Path dir : missing) {
            try {
                Files.createDirectory(dir);
                fsyncDirectory(dir.getParent());
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(dir)) {
                    String existing = toKey(dir);
                    throw new ObjectStorageException(
                            "PUT",
                            key,
                            "the local backend cannot hold an object under '" + existing + "/' while an object named '"
                                    + existing + "' exists",
                            e);
                }
            }
        }
    }

    private Path writeTemp(byte[] data, String etag) throws IOException {
        Path tmp = tempDir.resolve(UUID.randomUUID().toString());
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
        if (etagAttributes) {
            writeEtagAttribute(tmp, etag);
        }
        return tmp;
    }

    private Path resolve(String operation, String key) {
        ObjectKeys.requireValidKey(operation, key);
        Path p = root;
        int start = 0;
        while (true) {
            int end = key.indexOf('/', start);
            String segment = end < 0 ? key.substring(start) : key.substring(start, end);
            p = p.resolve(FileNameCodec.encode(segment));
            if (end < 0) {
                return p;
            }
            start = end + 1;
        }
    }

    private String toKey(Path file) {
        StringBuilder sb = new StringBuilder();
        for (Path name : root.relativize(file)) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            String segment = FileNameCodec.decode(name.toString());
            sb.append(segment == null ? name.toString() : segment);
        }
        return sb.toString();
    }

    private static ObjectStorageException notFoundIfDirectory(String operation, String key, Path file, IOException e) {
        if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
            return new ObjectNotFoundException(operation, key);
        }
        return new ObjectStorageException(operation, key, e.toString(), e);
    }

    private Optional<ObjectInfo> info(String key, Path file) throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (!attrs.isRegularFile()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ObjectInfo(
                    key,
                    attrs.size(),
                    etagOf(key, file, attrs),
                    attrs.lastModifiedTime().toInstant()));
        } catch (NoSuchFileException e) {
            return Optional.empty(); // deleted between the two calls
        }
    }

    private String etagOf(String key, Path file, BasicFileAttributes attrs) throws IOException {
        if (etagAttributes) {
            String stored = readEtagAttribute(file);
            if (stored != null) {
                return stored;
            }
        }
        CachedETag cached = etagCache.get(key);
        if (cached != null
                && cached.size() == attrs.size()
                && cached.modified().equals(attrs.lastModifiedTime())
                && Objects.equals(cached.fileKey(), attrs.fileKey())
                && attrs.fileKey() != null) {
            return cached.etag();
        }
        String etag = md5Of(file);
        if (etagCache.size() >= MAX_CACHED_ETAGS) {
            etagCache.clear();
        }
        etagCache.put(key, new CachedETag(attrs.fileKey(), attrs.size(), attrs.lastModifiedTime(), etag));
        return etag;
    }

    private static String md5Of(Path file) throws IOException {
        MessageDigest md5 = ETags.md5();
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int r; (r = in.read(buf)) > 0; ) {
                md5.update(buf, 0, r);
            }
        }
        return HexFormat.of().formatHex(md5.digest());
    }

    private static void writeEtagAttribute(Path file, String etag) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
        view.write(ETAG_ATTRIBUTE, StandardCharsets.US_ASCII.encode(etag));
    }

    private static String readEtagAttribute(Path file) throws IOException {
        UserDefinedFileAttributeView view =
                Files.getFileAttributeView(file, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        ByteBuffer buf = ByteBuffer.allocate(64);
        try {
            view.read(ETAG_ATTRIBUTE, buf);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            return null; // no such attribute: a file this class did not write, or written without attributes
        }
        buf.flip();
        String etag = StandardCharsets.US_ASCII.decode(buf).toString();
        return etag.length() == 32 ? etag : null;
    }

    /** Whether user extended attributes work in the temp folder (they move with the file on rename and link). */
    private boolean probeEtagAttributes() {
        Path probe = tempDir.resolve("probe-" + UUID.randomUUID());
        try {
            Files.createFile(probe);
            if (Files.getFileAttributeView(probe, UserDefinedFileAttributeView.class) == null) {
                return false;
            }
            String etag = ETags.md5Hex(new byte[0]);
            writeEtagAttribute(probe, etag);
            return etag.equals(readEtagAttribute(probe));
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("No user extended attributes in {}; ETags are computed from content when needed", root, e);
            return false;
        } finally {
            deleteQuietly(probe);
        }
    }

    private void removeStaleTempFiles() {
        Instant staleBefore = Instant.now().minus(STALE_TEMP_AGE);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(tempDir)) {
            for (Path p : entries) {
                try {
                    if (Files.getLastModifiedTime(p).toInstant().isBefore(staleBefore)) {
                        Files.deleteIfExists(p);
                    }
                } catch (IOException e) {
                    LOG.debug("Could not remove stale temporary file {}", p, e);
                }
            }
        } catch (IOException e) {
            LOG.warn("Could not clean the temporary folder {}: {}", tempDir, e.toString());
        }
    }

    private Object lockFor(String key) {
        return keyLocks[Math.floorMod(key.hashCode() * 0x9E3779B9, LOCK_STRIPES)];
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some platforms cannot open directories (Windows); the rename is then as durable as they allow.
            LOG.trace("Cannot fsync directory {}", dir, e);
        }
    }

    private void pruneEmptyParents(Path dir) {
        while (dir != null && dir.startsWith(root) && !dir.equals(root)) {
            try {
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                return; // not empty (or not ours to delete): stop
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
        } catch (IOException e) {
            // A leftover temp file is invisible to get and list and removed at a later open.
            LOG.debug("Could not delete temporary file {}", p, e);
        }
    }

    /**
     * Lists lazily in key order: a depth-first walk where each directory's entries are sorted by their key, with
     * a '/' appended to directories, which yields exactly the global key order (as S3 lists).
     */
    private final class Listing implements Iterator<ObjectInfo> {
        private final String prefix;
        private final Deque<Iterator<Entry>> stack = new ArrayDeque<>();
        private ObjectInfo next;

        private record Entry(String key, String sortKey, Path path, boolean directory) {}

        Listing(String prefix) {
            this.prefix = prefix;
            int slash = prefix.lastIndexOf('/');
            String dirKey = slash < 0 ? "" : prefix.substring(0, slash);
            Path dir = dirKey.isEmpty() ? root : resolve("LIST", dirKey);
            stack.push(children(dir, dirKey));
        }

        @Override
        public boolean hasNext() {
            if (next == null) {
                next = advance();
            }
            return next != null;
        }

        @Override
        public ObjectInfo next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            ObjectInfo result = next;
            next = null;
            return result;
        }

        private ObjectInfo advance() {
            while (!stack.isEmpty()) {
                Iterator<Entry> top = stack.peek();
                if (!top.hasNext()) {
                    stack.pop();
                    continue;
                }
                Entry e = top.next();
                if (e.directory()) {
                    stack.push(children(e.path(), e.key()));
                    continue;
                }
                try {
                    Optional<ObjectInfo> info = info(e.key(), e.path());
                    if (info.isPresent()) {
                        return info.get();
                    }
                } catch (IOException ex) {
                    throw new ObjectStorageException("LIST", prefix, ex.toString(), ex);
                }
            }
            return null;
        }

        private Iterator<Entry> children(Path dir, String dirKey) {
            List<Entry> entries = new ArrayList<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
                for (Path p : stream) {
                    String segment = FileNameCodec.decode(p.getFileName().toString());
                    if (segment == null) {
                        continue; // the temp folder, or a file that is not an object
                    }
                    String key = dirKey.isEmpty() ? segment : dirKey + "/" + segment;
                    boolean directory = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
                    String sortKey = directory ? key + "/" : key;
                    boolean relevant = directory
                            ? sortKey.startsWith(prefix) || prefix.startsWith(sortKey)
                            : key.startsWith(prefix);
                    if (relevant) {
                        entries.add(new Entry(key, sortKey, p, directory));
                    }
                }
            } catch (NoSuchFileException | NotDirectoryException e) {
                return List.<Entry>of().iterator();
            } catch (IOException | UncheckedIOException e) {
                throw new ObjectStorageException("LIST", prefix, e.toString(), e);
            }
            entries.sort(Comparator.comparing(Entry::sortKey, ObjectKeys.UTF8_ORDER));
            return entries.iterator();
        }
    }
}
