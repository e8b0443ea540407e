package dev.chromaj.wal;

import dev.chromaj.annotations.Internal;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Streams the entries of a {@link WriteAheadLog} from a sequence number up to the last entry written when the reader
 * was created, one file at a time; every frame is checksum-verified. Not thread-safe; close it to release the open
 * file.
 *
 * <p>{@link #hasNext()} and {@link #next()} throw {@link WalCorruptionException} when a frame is invalid, and
 * {@link WalException} when a file was purged while the reader still needed it or cannot be read.
 */
@Internal
public final class WalReader implements Iterator<WalEntry>, AutoCloseable {
    private final List<LogFile> files;
    private final long upTo;
    private long nextSequence;
    private int fileIndex = -1;
    private FileChannel channel;
    private FrameCursor cursor;
    private LogFile current;
    private long expectedInFile;
    private WalEntry pending;
    private boolean closed;

    WalReader(List<LogFile> files, long from, long upTo) {
        this.files = files;
        this.nextSequence = from;
        this.upTo = upTo;
    }

    /** The last sequence number this reader will return (the log's last when the reader was created). */
    public long upTo() {
        return upTo;
    }

    @Override
    public boolean hasNext() {
        if (pending != null) {
            return true;
        }
        if (closed || nextSequence > upTo) {
            return false;
        }
        pending = read();
        return true;
    }

    @Override
    public WalEntry next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no entry after sequence " + (nextSequence - 1));
        }
        WalEntry e = pending;
        pending = null;
        return e;
    }

    @Override
    public void close() {
        closed = true;
        pending = null;
        closeChannel();
    }

    private WalEntry read() {
        try {
            while (true) {
                if (cursor == null || nextSequence > current.last()) {
                    openFileHolding(nextSequence);
                }
                FrameCursor.Stop stop = cursor.next(expectedInFile);
                if (stop != FrameCursor.Stop.FRAME) {
                    throw new WalCorruptionException(
                            current.path(), cursor.frameOffset(), stop + " while reading sequence " + expectedInFile);
                }
                expectedInFile++;
                if (cursor.sequence() >= nextSequence) {
                    nextSequence = cursor.sequence() + 1;
                    return new WalEntry(cursor.sequence(), cursor.payload());
                }
            }
        } catch (IOException e) {
            close();
            throw new WalException("Reading WAL file " + (current == null ? "?" : current.path()) + " failed: " + e, e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void openFileHolding(long sequence) throws IOException {
        closeChannel();
        while (++fileIndex < files.size()) {
            LogFile f = files.get(fileIndex);
            if (!f.isEmpty() && f.last() >= sequence) {
                current = f;
                try {
                    channel = FileChannel.open(f.path(), StandardOpenOption.READ);
                } catch (NoSuchFileException e) {
                    throw new WalException(
                            "WAL file " + f.path() + " was purged while a reader needed sequence " + sequence, e);
                }
                LogFileFormat.Header header = LogFileFormat.readHeader(channel, f.path());
                if (header.firstSequence() != f.first()) {
                    throw new WalCorruptionException(
                            f.path(),
                            0,
                            "header says first sequence " + header.firstSequence() + ", expected " + f.first());
                }
                cursor = new FrameCursor(channel, LogFileFormat.HEADER_SIZE, f.size());
                expectedInFile = f.first();
                return;
            }
        }
        throw new WalException("WAL has no file holding sequence " + sequence + " (purged while reading?)");
    }

    private void closeChannel() {
        cursor = null;
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // read-only channel: nothing to lose
            }
            channel = null;
        }
    }
}
