package dev.chromaj.catalog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The exclusive lock on {@code <folder>/chroma.lock} that makes a process the folder's single writer. Taken with
 * {@link FileChannel#tryLock()}: a second owner fails at once instead of waiting. The operating system releases the
 * lock when the process dies, so a crash never leaves the folder locked.
 *
 * <p>Within one JVM the folders open for writing are kept in a registry, keyed by the folder's real path (so a
 * symbolic link or a relative path names the same entry), and a second open is refused from the registry without
 * touching the lock file. That is not a shortcut but a necessity: the file lock belongs to the process, and on
 * POSIX systems closing <em>any</em> channel to the file drops every lock the process holds on it (see
 * {@link FileLock}), so a refused second open that opened and closed its own channel would silently unlock the folder
 * for other processes while the first client still writes.
 *
 * <p>While it holds the lock, the holder writes one line describing itself into the lock file ({@code pid <pid>
 * since <instant>}); a process refused the lock quotes it. Thread-safe.
 */
final class FolderLock implements AutoCloseable {
    static final String FILE_NAME = "chroma.lock";

    /** Folders open for writing in this JVM (real paths), with who opened them. */
    private static final Map<Path, Holder> OPEN_FOLDERS = new ConcurrentHashMap<>();
    /**
     * Channels that must stay open for the life of the JVM: a lock on the file exists in this process that the
     * registry does not know (another class loader's copy of this class took it), and closing our channel would drop
     * it. Never expected in practice; kept so that the rare case cannot unlock a folder in use.
     */
    private static final List<FileChannel> KEPT_OPEN = new CopyOnWriteArrayList<>();

    /** Who holds a folder of this JVM: when and on which thread it was opened. */
    record Holder(Instant since, String thread) {
        @Override
        public String toString() {
            return "opened at " + since + " by thread '" + thread + "'";
        }
    }

    private final Path folder;
    private final Holder holder;
    private final FileChannel channel;
    private final FileLock lock;

    private FolderLock(Path folder, Holder holder, FileChannel channel, FileLock lock) {
        this.folder = folder;
        this.holder = holder;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code folder}, which must be a real path ({@link Path#toRealPath}).
     *
     * @throws CatalogLockedException when this JVM or another process holds the folder
     */
    static FolderLock acquire(Path folder) {
        Path file = folder.resolve(FILE_NAME);
        Holder me = new Holder(Instant.now(), Thread.currentThread().getName());
        Holder current = OPEN_FOLDERS.putIfAbsent(folder, me);
        if (current != null) {
            throw CatalogLockedException.inThisJvm(folder, current.toString());
        }
        // From here on this thread owns the registry entry: no other FolderLock of this JVM has a channel to the file.
        try {
            return lock(folder, file, me);
        } catch (RuntimeException e) {
            OPEN_FOLDERS.remove(folder, me);
            throw e;
        }
    }

    private static FolderLock lock(Path folder, Path file, Holder me) {
        FileChannel channel;
        try {
            channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new CatalogException("Cannot open lock file " + file + ": " + e, e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            // A lock of this process that the registry does not know: closing our channel would release it.
            KEPT_OPEN.add(channel);
            throw CatalogLockedException.inThisJvm(folder, "by a copy of chromaj loaded by another class loader");
        } catch (IOException e) {
            closeQuietly(channel);
            throw new CatalogException("Cannot lock " + file + ": " + e, e);
        }
        if (lock == null) {
            // Safe to close: this process holds no lock on the file (the registry entry is ours).
            closeQuietly(channel);
            throw CatalogLockedException.inAnotherProcess(folder, file, describeHolder(file));
        }
        FolderLock held = new FolderLock(folder, me, channel, lock);
        held.writeHolder();
        return held;
    }

    /** Best effort: what the holder wrote into the lock file, or null when unreadable or empty. */
    private static String describeHolder(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return text.isEmpty() || text.length() > 200 ? null : text;
        } catch (IOException | RuntimeException e) {
            return null; // e.g. a system that makes locked files unreadable: the message just names no holder
        }
    }

    /** Records who holds the lock, for the message of a refused process; the lock holds whether this works or not. */
    private void writeHolder() {
        byte[] line = ("pid " + ProcessHandle.current().pid() + " since " + holder.since() + "\n")
                .getBytes(StandardCharsets.UTF_8);
        try {
            channel.truncate(0);
            ByteBuffer b = ByteBuffer.wrap(line);
            while (b.hasRemaining()) {
                channel.write(b, b.position());
            }
        } catch (IOException e) {
            // informative content only
        }
    }

    @Override
    public void close() {
        if (!channel.isOpen()) {
            return;
        }
        try {
            lock.release();
        } catch (IOException e) {
            throw new CatalogException("Cannot release folder lock: " + e, e);
        } finally {
            closeQuietly(channel);
            OPEN_FOLDERS.remove(folder, holder);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing the lock file's channel only releases resources; the lock is gone either way
        }
    }
}
