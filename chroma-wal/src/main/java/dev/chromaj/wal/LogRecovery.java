package dev.chromaj.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opening a log directory: validating its files, truncating a torn tail, creating the first file. */
final class LogRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(LogRecovery.class);
    /** Damaged bytes cut from the end of a log file go to {@code <file name>.corrupt-<offset>} in its folder. */
    static final String QUARANTINE_INFIX = ".corrupt-";

    private LogRecovery() {}

    static WriteAheadLog recover(Path dir, WalOptions options) throws IOException {
        deleteTemporaryFiles(dir);
        List<Path> paths = logFiles(dir);
        if (paths.isEmpty()) {
            UUID id = options.logId().orElseGet(UUID::randomUUID);
            long first = options.firstSequence();
            Path path = createFile(dir, id, first);
            LogState state = new LogState(List.of(), new LogFile(path, first, first - 1, LogFileFormat.HEADER_SIZE));
            return WriteAheadLog.recovered(dir, options, id, state, FileChannel.open(path, StandardOpenOption.WRITE));
        }
        UUID id = null;
        List<LogFile> files = new ArrayList<>();
        FileChannel active = null;
        try {
            for (int i = 0; i < paths.size(); i++) {
                Path path = paths.get(i);
                boolean last = i == paths.size() - 1;
                FileChannel ch = FileChannel.open(
                        path,
                        last
                                ? new StandardOpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE}
                                : new StandardOpenOption[] {StandardOpenOption.READ});
                try {
                    List<Path> later = paths.subList(i + 1, paths.size());
                    LogFileFormat.Header header;
                    try {
                        header = LogFileFormat.readHeader(ch, path);
                        long previousLast = files.isEmpty()
                                ? -1
                                : files.get(files.size() - 1).last();
                        id = checkHeader(path, header, id, options, previousLast);
                    } catch (WalCorruptionException e) {
                        throw e.withAdvice(advice(path, e.offset(), later));
                    }
                    files.add(scan(path, ch, header.firstSequence(), last, later));
                } finally {
                    if (last) {
                        active = ch;
                    } else {
                        ch.close();
                    }
                }
            }
            LogFile activeFile = files.remove(files.size() - 1);
            LogState state = new LogState(files, activeFile);
            if (state.lastSequence() < options.firstSequence() - 1) {
                // Every entry is below the first sequence the owner still needs (it applied them elsewhere, e.g. a
                // compaction committed them, then the log lost its newest entries in a crash or was emptied by
                // hand). Appending after them would hand out sequence numbers the owner treats as applied, and
                // their writes would be skipped at the next replay: start again at the floor instead.
                active.close();
                active = null;
                LOG.warn(
                        "WAL in {} ends at sequence {}, below the first sequence still needed ({}): its {} file(s) "
                                + "hold only applied entries and are replaced by an empty log starting at {}",
                        dir,
                        state.lastSequence(),
                        options.firstSequence(),
                        paths.size(),
                        options.firstSequence());
                for (Path path : paths) {
                    Files.delete(path);
                }
                fsyncDirectory(dir);
                return recover(dir, options.toBuilder().logId(id).build());
            }
            // Entries a killed process wrote but never forced are in the page cache only: make them durable before
            // anything is appended after them.
            active.force(false);
            return WriteAheadLog.recovered(dir, options, id, state, active);
        } catch (IOException | RuntimeException e) {
            if (active != null) {
                active.close();
            }
            throw e;
        }
    }

    /** Validates a header against the file name, the expected log id and the previous file's last sequence. */
    private static UUID checkHeader(
            Path path, LogFileFormat.Header header, UUID seenId, WalOptions options, long previousLast) {
        long named = LogFileFormat.parseFileName(path.getFileName().toString());
        if (header.firstSequence() != named) {
            throw new WalCorruptionException(
                    path,
                    0,
                    "header says first sequence " + header.firstSequence() + " but the file name says " + named);
        }
        if (options.logId().isPresent() && !options.logId().get().equals(header.logId())) {
            throw new WalException("WAL file " + path + " belongs to log " + header.logId() + ", expected "
                    + options.logId().get());
        }
        if (seenId != null && !seenId.equals(header.logId())) {
            throw new WalException("WAL file " + path + " belongs to log " + header.logId()
                    + " but earlier files of the directory to " + seenId);
        }
        if (previousLast >= 0 && header.firstSequence() != previousLast + 1) {
            throw new WalCorruptionException(
                    path,
                    0,
                    "starts at sequence " + header.firstSequence() + " but the previous file ends at " + previousLast
                            + " (missing or overlapping entries)");
        }
        return header.logId();
    }

    /**
     * Validates every frame. In the last file zeroes to the end are preallocated space and end the log, and invalid
     * bytes with no valid frame after them are the log's damaged tail: a frame torn by a crash (incomplete, or
     * invalid and followed only by zeroes) is truncated; other bytes (garbage, an impossible length) are moved aside
     * into a quarantine file ({@link #quarantine}) and the log is truncated there, keeping every valid entry before
     * them. Invalid bytes followed by a valid frame, or anywhere in a sealed file, are corruption: nothing is skipped.
     */
    private static LogFile scan(Path path, FileChannel ch, long first, boolean last, List<Path> later)
            throws IOException {
        long size = ch.size();
        FrameCursor cursor = new FrameCursor(ch, LogFileFormat.HEADER_SIZE, size);
        long expected = first;
        while (true) {
            FrameCursor.Stop stop = cursor.next(expected);
            if (stop == FrameCursor.Stop.FRAME) {
                expected++;
                continue;
            }
            if (stop == FrameCursor.Stop.END) {
                return new LogFile(path, first, expected - 1, size);
            }
            long at = cursor.frameOffset();
            if (last && cursor.zeroesFrom(at)) {
                // Space the log preallocated and never wrote (or a write of which nothing reached the disk): the
                // log ends here, and appends continue into the zeroes.
                LOG.debug("WAL file {} ends at offset {}; {} preallocated bytes follow", path, at, size - at);
                return new LogFile(path, first, expected - 1, at);
            }
            // Evaluated before the cursor is used for anything else.
            boolean tornFrame = isTornFrame(cursor, stop, expected);
            if (!last || cursor.validFrameAfter(at, expected)) {
                String reason = describe(stop, expected) + (last ? "; valid entries follow the damage" : "");
                throw new WalCorruptionException(path, at, reason, advice(path, at, later));
            }
            if (tornFrame) {
                LOG.warn(
                        "Truncating torn tail of WAL file {} at offset {} ({} of {} bytes dropped: {}); the last "
                                + "intact entry is {}",
                        path,
                        at,
                        size - at,
                        size,
                        describe(stop, expected),
                        expected - 1);
            } else {
                quarantine(path, ch, at, cursor.endOfNonZero(at), describe(stop, expected), expected - 1);
            }
            ch.truncate(at);
            ch.force(true);
            return new LogFile(path, first, expected - 1, at);
        }
    }

    /**
     * What a crash during a write leaves: a frame of the expected sequence that is incomplete, or complete but
     * invalid and followed only by preallocated zeroes (or nothing); a header cut short is one too.
     */
    private static boolean isTornFrame(FrameCursor cursor, FrameCursor.Stop stop, long expected) throws IOException {
        if (stop == FrameCursor.Stop.INCOMPLETE) {
            return !cursor.headerComplete() || cursor.headerSequence() == expected;
        }
        boolean lengthInside = stop == FrameCursor.Stop.BAD_SEQUENCE || stop == FrameCursor.Stop.BAD_CHECKSUM;
        return lengthInside && (cursor.frameEndsAtLimit() || cursor.zeroesFrom(cursor.frameEnd()));
    }

    /**
     * Copies the damaged bytes {@code [at, end)} of the newest log file into {@code <file>.corrupt-<at>} next to it
     * (forced, with the directory) before the caller truncates the log at {@code at}: nothing is destroyed, and the
     * bytes can be inspected or handed to support. A file of that name left by an earlier recovery is kept; the new
     * one gets a numbered name.
     */
    private static void quarantine(Path path, FileChannel ch, long at, long end, String reason, long lastIntact)
            throws IOException {
        Path target = path.resolveSibling(path.getFileName() + QUARANTINE_INFIX + at);
        for (int n = 2; Files.exists(target); n++) {
            target = path.resolveSibling(path.getFileName() + QUARANTINE_INFIX + at + "-" + n);
        }
        long bytes = Math.max(end, at) - at;
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long copied = 0;
            while (copied < bytes) {
                long n = ch.transferTo(at + copied, bytes - copied, out);
                if (n <= 0) {
                    throw new IOException("could not copy " + bytes + " bytes at offset " + at + " of " + path
                            + " (stopped after " + copied + ")");
                }
                copied += n;
            }
            out.force(true);
        }
        fsyncDirectory(path.getParent());
        LOG.warn(
                "WAL file {} is damaged at offset {} ({}): moved the {} damaged bytes there to {} and truncated the "
                        + "log at that offset; every entry before it is kept, the last is {}",
                path,
                at,
                reason,
                bytes,
                target.getFileName(),
                lastIntact);
    }

    /** How to open a log refused for damage at {@code offset} of {@code file}, losing the entries from there on. */
    static String advice(Path file, long offset, List<Path> later) {
        String laterFiles = later.isEmpty()
                ? ""
                : " the later log files of " + file.getParent() + " ("
                        + later.get(0).getFileName()
                        + (later.size() > 1
                                ? " to " + later.get(later.size() - 1).getFileName()
                                : "") + ")";
        String steps;
        if (offset < LogFileFormat.HEADER_SIZE) {
            steps = "keep a copy of the folder, move " + file.getFileName()
                    + (later.isEmpty() ? "" : " and" + laterFiles) + " out of that folder";
        } else {
            steps = "keep a copy of the file, truncate it to " + offset + " bytes (truncate -s " + offset + ")"
                    + (later.isEmpty() ? "" : ", move" + laterFiles + " out of that folder");
        }
        return "To open the log without the entries stored from that point on (they are lost): " + steps
                + ", and reopen; see \"Recovering from a damaged write-ahead log\" in the operations guide";
    }

    private static String describe(FrameCursor.Stop stop, long expected) {
        return switch (stop) {
            case INCOMPLETE -> "incomplete frame for sequence " + expected;
            case BAD_LENGTH -> "invalid frame length for sequence " + expected;
            case BAD_SEQUENCE -> "frame does not hold the expected sequence " + expected;
            case BAD_CHECKSUM -> "checksum mismatch in the frame of sequence " + expected;
            default -> stop.toString();
        };
    }

    /** Log files of the directory in sequence order. */
    static List<Path> logFiles(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> list = Files.list(dir)) {
            list.filter(p -> LogFileFormat.parseFileName(p.getFileName().toString()) >= 0)
                    .forEach(out::add);
        }
        out.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        return out;
    }

    private static void deleteTemporaryFiles(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : (Iterable<Path>) list::iterator) {
                if (p.getFileName().toString().endsWith(LogFileFormat.TEMP_SUFFIX)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Creates a file holding only a header, atomically (temporary file, fsync, rename, directory fsync). */
    static Path createFile(Path dir, UUID logId, long firstSequence) throws IOException {
        Path target = dir.resolve(LogFileFormat.fileName(firstSequence));
        Path tmp = dir.resolve(LogFileFormat.fileName(firstSequence) + LogFileFormat.TEMP_SUFFIX);
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer header = LogFileFormat.encodeHeader(logId, firstSequence);
            while (header.hasRemaining()) {
                ch.write(header);
            }
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        fsyncDirectory(dir);
        return target;
    }

    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
