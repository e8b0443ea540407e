package dev.chromaj.wal;

import dev.chromaj.annotations.Internal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only, checksummed log of byte payloads numbered by dense, monotonic sequence numbers, stored in a
 * directory as files rotated at {@link WalOptions#fileSizeLimit()}.
 *
 * <p><b>Durability.</b> {@link #append} returns the assigned sequence numbers once the entries are durable per
 * {@link WalOptions#sync()}. With {@link WalSyncPolicy#everyWrite()} concurrent appenders share fsyncs: the first
 * appender to need one (after letting appenders that are mid-write finish, for at most 100 µs) forces the file for
 * everything written so far while the others wait, and each waiter then finds its entries already durable or forces
 * once for all that queued meanwhile (group commit). {@link #write} and {@link #commit} split an append in two so
 * that a caller can release its own locks between writing (which fixes the order) and waiting for durability.
 *
 * <p><b>Preallocation.</b> The active file is extended ahead of the writes with zeroes by a background thread (and
 * that extension forced once), so that the fsync of an append only flushes data: it no longer changes the file's
 * size, and the file system need not commit its journal — which on ext4 would first flush every other file's dirty
 * data, such as the blocks a compaction is writing. Zeroes after the last frame are therefore normal; recovery
 * recognises them as unwritten space, and a sealed file is truncated to its frames.
 *
 * <p><b>Recovery.</b> {@link #open} validates every file. A torn tail of the last file (an incomplete frame, an
 * invalid last frame, or zeroes to the end) is what a crash during a write leaves and is truncated. Other invalid
 * bytes at the end of the last file, with no valid frame after them (garbage, a frame claiming an impossible length),
 * are moved aside into {@code <file name>.corrupt-<offset>} in the same directory and the file is truncated there:
 * every valid entry before the damage is kept, and one WARN names file, offset and byte count. Anything else invalid
 * (damage followed by valid frames, damage in a sealed file, a damaged header) is reported as a
 * {@link WalCorruptionException} naming file and offset and how to proceed; nothing is skipped.
 *
 * <p><b>Sequence numbers</b> start at {@link WalOptions#firstSequence()} and are never reused: the active file
 * records the next number in its header even when every entry was purged.
 *
 * <p>Thread-safe. Readers ({@link #readFrom}) run concurrently with appends. One instance per directory per process;
 * across processes the owner of the folder lock (the catalog) guarantees a single writer.
 */
@Internal
public final class WriteAheadLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WriteAheadLog.class);
    private static final Set<Path> OPEN_DIRECTORIES = ConcurrentHashMap.newKeySet();
    /** Batches up to this size are encoded into a reused direct buffer; larger ones into a one-off heap buffer. */
    private static final int REUSED_BUFFER_LIMIT = 4 << 20;
    /** Longest a sync leader waits for in-flight writers to join its fsync (far below an fsync's cost). */
    private static final long GROUP_COMMIT_WAIT_NANOS = 100_000;
    /** Bytes the active file is extended by, ahead of the writes, in one preallocation. */
    static final long PREALLOCATION_CHUNK = 8L << 20;
    /** Zeroes written per hold of the write lock while preallocating, so appends wait at most for one step. */
    private static final int PREALLOCATION_STEP = 512 << 10;

    private static final ByteBuffer ZEROES =
            ByteBuffer.allocateDirect(PREALLOCATION_STEP).asReadOnlyBuffer();

    private final Path dir;
    private final WalOptions options;
    private final UUID logId;

    /** Guards appends (sequence assignment and the file write), rotation and purge; taken before syncLock. */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Held while forcing the active file; guards replacing {@link #activeChannel}. */
    private final ReentrantLock syncLock = new ReentrantLock();

    private volatile LogState state;
    private FileChannel activeChannel;
    /** Bytes of the active file, frames plus preallocated zeroes; guarded by writeLock. */
    private long allocatedEnd;
    /** Whether a preallocation of the active file is queued or running. */
    private final AtomicBoolean preallocating = new AtomicBoolean();

    private volatile long durableSequence;
    private volatile Throwable failure;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LongAdder syncCount = new LongAdder();
    /** Appenders between entering {@link #append} and finishing their write; a sync leader briefly waits for them. */
    private final AtomicInteger writersInFlight = new AtomicInteger();

    private final ScheduledExecutorService intervalSyncer;
    /** The shared preallocation thread, held from construction until {@link #close()} releases it. */
    private final ExecutorService preallocator;

    // encoding scratch, guarded by writeLock
    private ByteBuffer encodeBuffer = ByteBuffer.allocateDirect(256 * 1024);
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer scratch8 = ByteBuffer.allocate(8);

    private WriteAheadLog(Path dir, WalOptions options, UUID logId, LogState state, FileChannel activeChannel) {
        this.dir = dir;
        this.options = options;
        this.logId = logId;
        this.state = state;
        this.activeChannel = activeChannel;
        this.allocatedEnd = physicalSize(activeChannel, state.active().size());
        this.durableSequence = state.lastSequence();
        if (options.sync() instanceof WalSyncPolicy.Interval interval) {
            this.intervalSyncer = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "chromaj-wal-sync-" + dir.getFileName());
                t.setDaemon(true);
                return t;
            });
            long nanos = interval.period().toNanos();
            startBackgroundSync(nanos);
        } else {
            this.intervalSyncer = null;
        }
        this.preallocator = PreallocationThread.acquire(); // last: released by close() only
    }

    /** {@link #open(Path, WalOptions)} with {@link WalOptions#defaults()}. */
    public static WriteAheadLog open(Path dir) {
        return open(dir, WalOptions.defaults());
    }

    /**
     * Opens the log in {@code dir}, creating the directory and a first file when there is none, and recovers it:
     * a torn or damaged tail of the last file is cut off (damaged bytes are kept in a {@code .corrupt-<offset>}
     * file), corruption before the tail fails with {@link WalCorruptionException}.
     *
     * @throws WalException when the directory is already open in this process, belongs to another log id, or
     *                      cannot be read or written
     */
    public static WriteAheadLog open(Path dir, WalOptions options) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(options, "options");
        Path real;
        try {
            real = Files.createDirectories(dir).toRealPath();
        } catch (IOException e) {
            throw new WalException("Cannot create WAL directory " + dir + ": " + e, e);
        }
        if (!OPEN_DIRECTORIES.add(real)) {
            throw new WalException("WAL directory " + real + " is already open in this process");
        }
        try {
            return LogRecovery.recover(real, options);
        } catch (IOException e) {
            OPEN_DIRECTORIES.remove(real);
            throw new WalException("Cannot open WAL in " + real + ": " + e, e);
        } catch (RuntimeException e) {
            OPEN_DIRECTORIES.remove(real);
            throw e;
        }
    }

    /** Called by {@link LogRecovery} with the recovered state and the active file opened for writing. */
    static WriteAheadLog recovered(Path dir, WalOptions options, UUID logId, LogState state, FileChannel active) {
        return new WriteAheadLog(dir, options, logId, state, active);
    }

    /** Appends one payload; returns its sequence number once durable per the sync policy. */
    public long append(byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        return append(List.of(payload))[0];
    }

    /**
     * Appends payloads as consecutive entries, written in one write; returns their sequence numbers once all are
     * durable per the sync policy: {@link #write} followed by {@link #commit} of the last one. An empty list appends
     * nothing and returns an empty array.
     *
     * @throws IllegalArgumentException when a payload is null or larger than 1 GiB (nothing is appended)
     * @throws WalException when the log is closed or an earlier write or fsync failed
     */
    public long[] append(List<byte[]> payloads) {
        long[] sequences = write(payloads);
        if (sequences.length > 0) {
            commit(sequences[sequences.length - 1]);
        }
        return sequences;
    }

    /**
     * Writes payloads as consecutive entries, in one write, without waiting for durability: the entries are in
     * the log's order (readers see them) but a crash may lose them until {@link #commit} of their last sequence
     * returns. An empty list writes nothing and returns an empty array.
     *
     * @throws IllegalArgumentException when a payload is null or larger than 1 GiB (nothing is written)
     * @throws WalException when the log is closed or an earlier write or fsync failed
     */
    public long[] write(List<byte[]> payloads) {
        Objects.requireNonNull(payloads, "payloads");
        int n = payloads.size();
        if (n == 0) {
            return new long[0];
        }
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            byte[] p = payloads.get(i);
            if (p == null) {
                throw new IllegalArgumentException("payloads[" + i + "] must not be null");
            }
            if (p.length > LogFileFormat.MAX_PAYLOAD) {
                throw new IllegalArgumentException("payloads[" + i + "] has " + p.length
                        + " bytes, more than the limit of " + LogFileFormat.MAX_PAYLOAD);
            }
            bytes += LogFileFormat.FRAME_HEADER_SIZE + p.length;
        }
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("payloads total " + bytes + " bytes, more than one append can write");
        }
        long first;
        boolean extend;
        // An interrupted thread's channel I/O closes the channel for every writer of the log: do the I/O with the
        // caller's interrupt status cleared, and restore it afterwards.
        boolean interrupted = Thread.interrupted();
        writersInFlight.incrementAndGet();
        writeLock.lock();
        try {
            ensureUsable();
            LogFile active = state.active();
            if (active.size() > LogFileFormat.HEADER_SIZE && active.size() + bytes > options.fileSizeLimit()) {
                rotate();
                active = state.active();
            }
            first = active.last() + 1;
            ByteBuffer buf = encode(payloads, first, (int) bytes);
            long pos = active.size();
            try {
                while (buf.hasRemaining()) {
                    pos += activeChannel.write(buf, pos);
                }
            } catch (IOException e) {
                failure = e;
                throw new WalException(
                        "Write to WAL file " + active.path() + " failed; the log is unusable until " + "reopened: " + e,
                        e);
            }
            allocatedEnd = Math.max(allocatedEnd, pos);
            state = state.withActive(new LogFile(active.path(), active.first(), first + n - 1, pos));
            extend = allocatedEnd - pos < PREALLOCATION_CHUNK / 2 && allocatedEnd < options.fileSizeLimit();
        } finally {
            writeLock.unlock();
            writersInFlight.decrementAndGet();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (extend && preallocating.compareAndSet(false, true)) {
            try {
                preallocator.execute(this::preallocate);
            } catch (RejectedExecutionException e) {
                preallocating.set(false); // closed meanwhile: the thread ended with the last open log
            }
        }
        long[] sequences = new long[n];
        for (int i = 0; i < n; i++) {
            sequences[i] = first + i;
        }
        return sequences;
    }

    /**
     * Returns once every entry up to {@code sequence} is durable per the sync policy: with
     * {@link WalSyncPolicy#everyWrite()} it forces the file unless a concurrent commit already did (group commit);
     * with an interval policy it returns at once (the background sync forces within the interval).
     *
     * @throws IllegalArgumentException when {@code sequence} was never written
     * @throws WalException when the log is closed or the fsync failed
     */
    public void commit(long sequence) {
        if (sequence > state.lastSequence()) {
            throw new IllegalArgumentException(
                    "sequence " + sequence + " was not written; the last is " + state.lastSequence());
        }
        if (options.sync() == WalSyncPolicy.everyWrite()) {
            awaitDurable(sequence);
        }
    }

    /** Forces everything appended so far to disk (whatever the sync policy). */
    public void sync() {
        awaitDurable(state.lastSequence());
    }

    /** The last assigned sequence number; {@code firstSequence - 1} (0 by default) when nothing was ever written. */
    public long lastSequence() {
        return state.lastSequence();
    }

    /** The first retained sequence number; {@link #lastSequence()} + 1 when every entry was purged. */
    public long firstSequence() {
        return state.firstSequence();
    }

    /** Bytes of all retained entries with their file headers (not counting the active file's preallocated space). */
    public long sizeBytes() {
        return state.sizeBytes();
    }

    /** The log id written in every file header. */
    public UUID logId() {
        return logId;
    }

    /** The directory holding the log files. */
    public Path directory() {
        return dir;
    }

    /** fsyncs performed so far (file forces for appends, rotation and {@link #sync()}); for metrics and tests. */
    public long syncCount() {
        return syncCount.sum();
    }

    /**
     * Streams the entries with sequence ≥ {@code sequence} (from {@link #firstSequence()} when lower: purged entries
     * are gone) up to at least everything appended before this call. Close the reader to release its file.
     */
    public WalReader readFrom(long sequence) {
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence must be >= 0, got " + sequence);
        }
        ensureOpen();
        LogState s = state;
        return new WalReader(s.files(), Math.max(sequence, s.firstSequence()), s.lastSequence());
    }

    /**
     * Deletes every file whose entries are all below {@code sequence}. When that includes the active file, a new
     * empty one is started first, so numbering continues after {@link #lastSequence()}.
     */
    public void purgeBelow(long sequence) {
        writeLock.lock();
        try {
            ensureUsable();
            LogFile active = state.active();
            if (!active.isEmpty() && active.last() < sequence) {
                rotate();
            }
            LogState s = state;
            List<LogFile> keep = new ArrayList<>();
            List<LogFile> drop = new ArrayList<>();
            for (LogFile f : s.sealed()) {
                (f.last() < sequence ? drop : keep).add(f);
            }
            if (drop.isEmpty()) {
                return;
            }
            state = new LogState(keep, s.active());
            for (LogFile f : drop) {
                Files.deleteIfExists(f.path());
            }
            LogRecovery.fsyncDirectory(dir);
            LOG.debug("Purged {} WAL file(s) below sequence {} in {}", drop.size(), sequence, dir);
        } catch (IOException e) {
            throw new WalException("Purge of WAL files below " + sequence + " in " + dir + " failed: " + e, e);
        } finally {
            writeLock.unlock();
        }
    }

    /** Closes the log and deletes its directory with every file (for a deleted collection). */
    public void destroy() {
        close();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            throw new WalException("Cannot delete WAL directory " + dir + ": " + e, e);
        }
    }

    /** Forces outstanding entries to disk (unless a write failed) and releases the files. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (intervalSyncer != null) {
            // Not shutdownNow: interrupting a thread inside FileChannel.force closes the channel, and the final
            // fsync below would then be skipped. A running background sync is short; let it finish.
            intervalSyncer.shutdown();
            try {
                if (!intervalSyncer.awaitTermination(30, TimeUnit.SECONDS)) {
                    LOG.warn("Background fsync of WAL in {} still running at close", dir);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        writeLock.lock();
        syncLock.lock();
        try {
            if (failure == null) {
                long frames = state.active().size();
                if (allocatedEnd > frames) {
                    // leave a tidy file; recovery would also accept the zeroes
                    activeChannel.truncate(frames);
                    allocatedEnd = frames;
                    activeChannel.force(true);
                    syncCount.increment();
                    durableSequence = state.lastSequence();
                } else if (durableSequence < state.lastSequence()) {
                    activeChannel.force(false);
                    syncCount.increment();
                    durableSequence = state.lastSequence();
                }
            }
        } catch (IOException e) {
            throw new WalException("Final fsync of WAL in " + dir + " failed: " + e, e);
        } finally {
            try {
                activeChannel.close();
            } catch (IOException e) {
                LOG.warn("Closing WAL file in {} failed", dir, e);
            }
            syncLock.unlock();
            writeLock.unlock();
            OPEN_DIRECTORIES.remove(dir);
            PreallocationThread.release();
        }
    }

    @Override
    public String toString() {
        LogState s = state;
        return "WriteAheadLog[" + dir + ", " + s.firstSequence() + ".." + s.lastSequence() + "]";
    }

    /** The current files, for the archiver. */
    LogState state() {
        return state;
    }

    WalOptions options() {
        return options;
    }

    private ByteBuffer encode(List<byte[]> payloads, long first, int bytes) {
        ByteBuffer buf;
        if (bytes <= REUSED_BUFFER_LIMIT) {
            if (encodeBuffer.capacity() < bytes) {
                encodeBuffer = ByteBuffer.allocateDirect(Math.max(bytes, encodeBuffer.capacity() * 2));
            }
            buf = encodeBuffer.clear();
        } else {
            buf = ByteBuffer.allocate(bytes);
        }
        long seq = first;
        for (byte[] p : payloads) {
            buf.putInt(p.length)
                    .putLong(seq)
                    .putInt(LogFileFormat.checksum(crc, seq, p, scratch8))
                    .put(p);
            seq++;
        }
        return buf.flip();
    }

    /**
     * Seals the active file (forced to disk) and starts a new one numbered from the next sequence. Caller holds
     * writeLock.
     */
    private void rotate() {
        syncLock.lock();
        try {
            LogState s = state;
            LogFile old = s.active();
            if (allocatedEnd > old.size()) {
                // a sealed file holds exactly its frames (the archive uploads it whole)
                activeChannel.truncate(old.size());
                activeChannel.force(true);
                syncCount.increment();
            } else if (durableSequence < old.last()) {
                activeChannel.force(false);
                syncCount.increment();
            }
            durableSequence = old.last();
            long next = old.last() + 1;
            Path path = LogRecovery.createFile(dir, logId, next);
            FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE);
            FileChannel previous = activeChannel;
            activeChannel = channel;
            allocatedEnd = LogFileFormat.HEADER_SIZE;
            List<LogFile> sealed = new ArrayList<>(s.sealed());
            sealed.add(old);
            state = new LogState(sealed, new LogFile(path, next, next - 1, LogFileFormat.HEADER_SIZE));
            previous.close();
            LOG.debug(
                    "Rotated WAL in {}: sealed {} ({}..{}), new file starts at {}",
                    dir,
                    old.path().getFileName(),
                    old.first(),
                    old.last(),
                    next);
        } catch (IOException e) {
            failure = e;
            throw new WalException(
                    "Rotation of WAL in " + dir + " failed; the log is unusable until reopened: " + e, e);
        } finally {
            syncLock.unlock();
        }
    }

    /**
     * Extends the active file with zeroes to {@link #PREALLOCATION_CHUNK} past its frames (at most to the file size
     * limit), a step at a time under the write lock, forcing each step so that the new size is durable.
     */
    private void preallocate() {
        try {
            FileChannel channel;
            long target;
            writeLock.lock();
            try {
                if (closed.get() || failure != null) {
                    return;
                }
                channel = activeChannel;
                target = Math.min(state.active().size() + PREALLOCATION_CHUNK, options.fileSizeLimit());
            } finally {
                writeLock.unlock();
            }
            while (true) {
                writeLock.lock();
                try {
                    if (closed.get() || failure != null || activeChannel != channel) {
                        return;
                    }
                    if (allocatedEnd >= target) {
                        break;
                    }
                    // allocatedEnd is never below the end of the frames: zeroes never overwrite an entry
                    long pos = allocatedEnd;
                    ByteBuffer zeroes = ZEROES.duplicate();
                    zeroes.limit((int) Math.min(PREALLOCATION_STEP, target - pos));
                    while (zeroes.hasRemaining()) {
                        pos += channel.write(zeroes, pos);
                    }
                    allocatedEnd = pos;
                } finally {
                    writeLock.unlock();
                }
                // Forced step by step: an append's fsync flushes every dirty page of the file, so it never has more
                // than one step of zeroes to flush besides its own entries.
                channel.force(false);
            }
        } catch (ClosedChannelException e) {
            LOG.debug("WAL file in {} was sealed or closed while being preallocated", dir);
        } catch (IOException e) {
            LOG.warn("Preallocating the WAL file in {} failed; appends extend the file instead", dir, e);
        } finally {
            preallocating.set(false);
        }
    }

    private static long physicalSize(FileChannel channel, long fallback) {
        try {
            return Math.max(channel.size(), fallback);
        } catch (IOException e) {
            return fallback;
        }
    }

    private void awaitDurable(long target) {
        if (durableSequence >= target) {
            return;
        }
        boolean interrupted = Thread.interrupted(); // see write(): an interrupt would close the channel
        syncLock.lock();
        try {
            if (durableSequence >= target) {
                return;
            }
            ensureNotFailed();
            if (closed.get()) {
                throw new WalException("WAL in " + dir + " is closed");
            }
            awaitWritersInFlight();
            // Everything up to this state's last sequence is in the active file or in sealed (forced) files: the
            // active channel cannot change while syncLock is held.
            long upTo = state.lastSequence();
            activeChannel.force(false);
            syncCount.increment();
            durableSequence = upTo;
        } catch (IOException e) {
            failure = e;
            throw new WalException("fsync of WAL in " + dir + " failed; the log is unusable until reopened: " + e, e);
        } finally {
            syncLock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Lets appenders that are writing right now join this fsync instead of paying for the next one: a short,
     * bounded wait that only happens when other appenders are active (a single writer never waits).
     */
    // a bounded spin that yields the CPU, so that the appenders it waits for can finish their writes meanwhile
    @SuppressWarnings("ThreadPriorityCheck")
    private void awaitWritersInFlight() {
        if (writersInFlight.get() == 0) {
            return;
        }
        long deadline = System.nanoTime() + GROUP_COMMIT_WAIT_NANOS;
        while (writersInFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.yield();
        }
    }

    // backgroundSync catches and logs its own failures; close() stops the task by shutting the executor down
    @SuppressWarnings("FutureReturnValueIgnored")
    private void startBackgroundSync(long everyNanos) {
        intervalSyncer.scheduleWithFixedDelay(this::backgroundSync, everyNanos, everyNanos, TimeUnit.NANOSECONDS);
    }

    private void backgroundSync() {
        try {
            if (!closed.get() && failure == null) {
                sync();
            }
        } catch (RuntimeException e) {
            LOG.error("Background fsync of WAL in {} failed", dir, e);
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new WalException("WAL in " + dir + " is closed");
        }
    }

    private void ensureUsable() {
        ensureOpen();
        ensureNotFailed();
    }

    private void ensureNotFailed() {
        Throwable f = failure;
        if (f != null) {
            throw new WalException("WAL in " + dir + " failed earlier and is unusable until reopened: " + f, f);
        }
    }
}
