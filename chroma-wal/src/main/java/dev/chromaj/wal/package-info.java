/**
 * The write-ahead log: an append-only, checksummed log of byte payloads numbered by dense sequence numbers, in
 * rotated files with a configurable fsync policy ({@link dev.chromaj.wal.WalSyncPolicy}) and group commit; recovery
 * of a torn or damaged tail at open (damaged bytes are moved aside, never dropped silently); purge below a position;
 * and archiving of the files to a {@link dev.chromaj.storage.Storage} ({@link dev.chromaj.wal.WalArchiver}). The log
 * knows nothing of what the payloads mean.
 *
 * <p>Entry point: {@link dev.chromaj.wal.WriteAheadLog} ({@code open}, {@code append}, {@code readFrom}).
 *
 * <p>Internal to chromaj: this package serves {@code chroma-core} and is not a stable API; its public types are
 * public only so that other chromaj modules can use them, and are marked {@link dev.chromaj.annotations.Internal}.
 */
@Internal
package dev.chromaj.wal;

import dev.chromaj.annotations.Internal;
