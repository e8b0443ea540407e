package dev.chromaj.wal;

import dev.chromaj.annotations.Internal;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Immutable configuration of a {@link WriteAheadLog}. Build with {@link #builder()}; {@link #defaults()} is a
 * 64 MiB file size limit, {@link WalSyncPolicy#everyWrite()}, no expected log id and first sequence number 1.
 */
@Internal
public final class WalOptions {
    /** Smallest accepted {@link Builder#fileSizeLimit(long)}: a header and a few frames. */
    public static final long MIN_FILE_SIZE_LIMIT = 1024;
    /** Default {@link Builder#fileSizeLimit(long)}: 64 MiB. */
    public static final long DEFAULT_FILE_SIZE_LIMIT = 64L << 20;

    private static final WalOptions DEFAULTS = builder().build();

    private final long fileSizeLimit;
    private final WalSyncPolicy sync;
    private final UUID logId;
    private final long firstSequence;

    private WalOptions(Builder b) {
        this.fileSizeLimit = b.fileSizeLimit;
        this.sync = b.sync;
        this.logId = b.logId;
        this.firstSequence = b.firstSequence;
    }

    /** The default options. */
    public static WalOptions defaults() {
        return DEFAULTS;
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.fileSizeLimit = fileSizeLimit;
        b.sync = sync;
        b.logId = logId;
        b.firstSequence = firstSequence;
        return b;
    }

    /** A file is sealed and a new one started when the next batch would grow it past this many bytes. */
    public long fileSizeLimit() {
        return fileSizeLimit;
    }

    /** When appends return relative to the fsync. */
    public WalSyncPolicy sync() {
        return sync;
    }

    /**
     * The id written into every file header (e.g. the collection id). When present, opening a log whose files carry
     * another id fails; when absent, a new log gets a random id and an existing one keeps its own.
     */
    public Optional<UUID> logId() {
        return Optional.ofNullable(logId);
    }

    /**
     * The first sequence number the log may hand out: the first entry of a new log (a directory without log files),
     * and a floor for an existing one. An existing log that ends below {@code firstSequence - 1} holds only entries its
     * owner applied already; it is replaced by an empty log starting at {@code firstSequence}, so no later entry gets
     * a number the owner would skip.
     */
    public long firstSequence() {
        return firstSequence;
    }

    @Override
    public String toString() {
        return "WalOptions[fileSizeLimit=" + fileSizeLimit + ", sync=" + sync + ", logId=" + logId + ", firstSequence="
                + firstSequence + "]";
    }

    /** Mutable builder of {@link WalOptions}; not thread-safe. */
    public static final class Builder {
        private long fileSizeLimit = DEFAULT_FILE_SIZE_LIMIT;
        private WalSyncPolicy sync = WalSyncPolicy.everyWrite();
        private UUID logId;
        private long firstSequence = 1;

        private Builder() {}

        /** Rotation size in bytes, at least {@value WalOptions#MIN_FILE_SIZE_LIMIT}. */
        public Builder fileSizeLimit(long bytes) {
            if (bytes < MIN_FILE_SIZE_LIMIT) {
                throw new IllegalArgumentException(
                        "fileSizeLimit must be at least " + MIN_FILE_SIZE_LIMIT + " bytes, got " + bytes);
            }
            this.fileSizeLimit = bytes;
            return this;
        }

        /** The sync policy (not null). */
        public Builder sync(WalSyncPolicy policy) {
            this.sync = Objects.requireNonNull(policy, "sync");
            return this;
        }

        /** The log id to write into new files and to expect in existing ones; null for none. */
        public Builder logId(UUID id) {
            this.logId = id;
            return this;
        }

        /** First sequence number the log may hand out, at least 1 (a compacted position + 1); see the accessor. */
        public Builder firstSequence(long sequence) {
            if (sequence < 1) {
                throw new IllegalArgumentException("firstSequence must be >= 1, got " + sequence);
            }
            this.firstSequence = sequence;
            return this;
        }

        public WalOptions build() {
            return new WalOptions(this);
        }
    }
}
