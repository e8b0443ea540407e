package dev.chromaj.catalog;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The exclusive lock on {@code <folder>/chroma.lock} that makes a process the folder's single writer. Taken with
 * {@link FileChannel#tryLock()}: a second owner fails at once instead of waiting. The operating system releases the
 * lock when the process dies, so a crash never leaves the folder locked.
 */
final class FolderLock implements AutoCloseable {
    static final String FILE_NAME = "chroma.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private FolderLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static FolderLock acquire(Path folder) {
        Path file = folder.resolve(FILE_NAME);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new CatalogException("Cannot open lock file " + file + ": " + e, e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by another channel of this JVM: another open catalog
        } catch (IOException e) {
            closeQuietly(channel);
            throw new CatalogException("Cannot lock " + file + ": " + e, e);
        }
        if (lock == null) {
            closeQuietly(channel);
            throw new CatalogLockedException(folder, file);
        }
        return new FolderLock(channel, lock);
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
