package dev.chromaj.importer;

import dev.chromaj.AlreadyExistsException;
import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.CollectionOptions;
import dev.chromaj.Database;
import dev.chromaj.EmbeddingFunction;
import dev.chromaj.InvalidArgumentException;
import dev.chromaj.NotFoundException;
import dev.chromaj.S3Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports a Chroma persist directory — the folder a Chroma {@code PersistentClient(path=...)} or LangChain's
 * {@code Chroma(persist_directory=...)} writes: {@code chroma.sqlite3} plus one folder of HNSW files per collection —
 * into chromaj: every tenant, database and collection, with ids, embeddings, documents, metadata and URIs, and each
 * collection's metadata, distance space and HNSW parameters.
 *
 * <pre>{@code
 * try (ChromaClient client = ChromaClient.persistent(Path.of("chromaj_data"))) {
 *     ImportResult result = ChromaImport.builder()
 *             .source(Path.of("chroma_db"))
 *             .target(client)
 *             .progressListener((done, total) -> System.out.printf("%d/%d%n", done, total))
 *             .build()
 *             .run();
 * }
 * }</pre>
 *
 * <p><b>Versions.</b> Chroma 0.4.0 to 1.5.x. A {@code chroma.sqlite3} whose {@code migrations} table holds a migration
 * this importer does not know is refused with the version found.
 *
 * <p><b>The source is never modified.</b> {@code chroma.sqlite3} is opened as an immutable read-only SQLite
 * database (no lock, no journal, no {@code -wal} or {@code -shm} file) and the HNSW files are only read. That needs
 * Chroma to stay away meanwhile: a folder Chroma is writing to (a SQLite write lock held, a non-empty rollback
 * journal or WAL) is refused, and the import stops if {@code chroma.sqlite3} changes while it runs.
 *
 * <p><b>What is read.</b> What Chroma's own {@code get} returns: the records of each collection's metadata
 * segment, their vectors from the HNSW files (only when {@code index_metadata.pickle} exists, as in Chroma; for the
 * cosine space multiplied back by the stored norm), and the write-ahead log rows in {@code embeddings_queue} that a
 * segment has not applied yet, replayed with Chroma's rules. The document is the {@code chroma:document} key and the
 * URI the {@code chroma:uri} key; other {@code chroma:*} keys are internal and dropped, as Chroma hides them. The
 * {@code hnsw:*} keys of collection metadata become the collection's {@link CollectionOptions} (space and
 * {@link dev.chromaj.HnswParams}) instead of user metadata. Chroma's collection ids are not kept (chromaj assigns
 * its own); names are.
 *
 * <p><b>Idempotent and resumable.</b> Records are written collection by collection in batches with
 * {@link ChromaCollection#upsert}, so importing twice leaves the same records. While a collection is being
 * imported its metadata carries the key {@value #PROGRESS_KEY} recording how far the import got in this state of
 * the source; a re-run after a crash or a failure resumes from there and removes the key when the collection is
 * complete. A collection that already exists in the target with another space, other HNSW parameters, other
 * metadata, another dimension or sparse indexes is not touched: the import fails and says how it differs.
 *
 * <p>Logs one INFO line when it starts and one when it ends; progress goes to the listener.
 * An instance runs once at a time; build one per import.
 */
public final class ChromaImport {

    /** Collection metadata key that marks an unfinished import (removed when the collection is complete). */
    public static final String PROGRESS_KEY = "chromaj:import";

    private static final Logger LOG = LoggerFactory.getLogger(ChromaImport.class);

    /** Receives progress: records of the whole import done so far, out of the total. */
    @FunctionalInterface
    public interface ProgressListener {
        /**
         * Called after every written batch (and once per resumed collection for the records already imported).
         * An exception thrown here stops the import; a later run resumes it.
         *
         * @param done records imported so far, over all collections
         * @param total live records in the source, over all collections
         */
        void onProgress(long done, long total);
    }

    private final Path source;
    private final ChromaClient target;
    private final Path targetPath;
    private final S3Config targetS3;
    private final ProgressListener listener;
    private final int batchSize;

    private ChromaImport(Builder b) {
        this.source = b.source;
        this.target = b.target;
        this.targetPath = b.targetPath;
        this.targetS3 = b.targetS3;
        this.listener = b.listener;
        this.batchSize = b.batchSize;
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the import.
     *
     * @return what was imported
     * @throws ChromaImportException if the source cannot be imported (not a Chroma folder, unknown schema version,
     *     Chroma writing to it, inconsistent files) or a target collection exists with other options
     * @throws dev.chromaj.ChromaException if the target fails to store records
     */
    public ImportResult run() {
        long started = System.nanoTime();
        List<CollectionSnapshot> snapshots = new ArrayList<>();
        try (SourceFolder folder = SourceFolder.open(source)) {
            checkTargetFolder(folder);
            SourceDatabase db = folder.database();
            Map<String, List<String>> databases = db.databases();
            long total = 0;
            for (SourceCollection c : db.collections()) {
                CollectionSnapshot snapshot = CollectionSnapshot.of(folder, c, CollectionSettings.of(c, db.version()));
                snapshots.add(snapshot);
                total += snapshot.records();
                databases.computeIfAbsent(c.tenant(), t -> new ArrayList<>());
                if (!databases.get(c.tenant()).contains(c.database())) {
                    databases.get(c.tenant()).add(c.database());
                }
            }
            List<Path> orphans = folder.orphanSegmentFolders(db.segmentIds());
            if (!orphans.isEmpty()) {
                LOG.debug(
                        "Ignoring {} folder(s) in {} that no segment refers to (left by deleted collections): {}",
                        orphans.size(),
                        source,
                        orphans);
            }
            folder.verifyUnchanged();
            LOG.info(
                    "Importing Chroma persist directory {} (schema {}): {} collection(s), {} record(s) into {}",
                    source,
                    db.version(),
                    snapshots.size(),
                    total,
                    targetDescription());
            ChromaClient client = target != null ? target : openTarget();
            try {
                createDatabases(client, databases);
                Progress progress = new Progress(total);
                List<ImportResult.ImportedCollection> done = new ArrayList<>();
                for (CollectionSnapshot snapshot : snapshots) {
                    done.add(importCollection(client, folder, snapshot, progress));
                    snapshot.close();
                }
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                LOG.info(
                        "Imported {} collection(s), {} record(s) ({} written now, {} already imported by an earlier"
                                + " run) from {} in {} ms",
                        done.size(),
                        total,
                        progress.written,
                        total - progress.written,
                        source,
                        took.toMillis());
                return new ImportResult(done, total, progress.written, took);
            } finally {
                if (target == null) {
                    client.close();
                }
            }
        } finally {
            for (CollectionSnapshot s : snapshots) {
                s.close();
            }
        }
    }

    /** Running totals over the whole import. */
    private final class Progress {
        final long total;
        long done;
        long written;

        Progress(long total) {
            this.total = total;
        }

        void advance(long records) {
            done += records;
            if (listener != null) {
                listener.onProgress(done, total);
            }
        }
    }

    private ImportResult.ImportedCollection importCollection(
            ChromaClient client, SourceFolder folder, CollectionSnapshot snapshot, Progress progress) {
        SourceCollection c = snapshot.collection();
        CollectionSettings settings = snapshot.settings();
        for (String note : settings.notes()) {
            LOG.warn("Collection {}: {}", c.path(), note);
        }
        Database database = client.database(c.tenant(), c.database());
        Map<String, Object> userMetadata = settings.userMetadata();
        String fingerprint = snapshot.fingerprint();
        ChromaCollection collection;
        long resumeAt = 0;
        try {
            collection = database.getCollection(c.name());
            checkCompatible(collection, snapshot);
            resumeAt = resumePosition(collection.metadata().get(PROGRESS_KEY), fingerprint, snapshot.records());
            collection.modify(null, withMarker(userMetadata, fingerprint, resumeAt));
        } catch (NotFoundException e) {
            try {
                collection = database.createCollection(
                        c.name(),
                        CollectionOptions.builder()
                                .metadata(withMarker(userMetadata, fingerprint, 0))
                                .space(settings.space())
                                .hnsw(settings.hnsw())
                                .build());
            } catch (InvalidArgumentException invalid) {
                throw new ChromaImportException(
                        "Collection " + c.path() + " cannot be created in chromaj: " + invalid.getMessage(), invalid);
            }
        }
        if (resumeAt > 0) {
            progress.advance(resumeAt);
        }
        // Records are copied as Chroma stored them: never embedded here (a document without a vector stays without
        // one, an update of a document keeps its stored vector); the collection's own function serves later writes.
        ChromaCollection into = database.getCollection(c.name(), EmbeddingFunction.none());
        long[] written = {0};
        snapshot.emit(batchSize, resumeAt, (records, position) -> {
            try {
                into.upsert(records);
            } catch (InvalidArgumentException e) {
                throw new ChromaImportException(
                        "Collection " + c.path() + " holds a record chromaj does not accept: " + e.getMessage(), e);
            }
            into.modify(null, withMarker(userMetadata, fingerprint, position));
            written[0] += records.size();
            progress.written += records.size();
            progress.advance(records.size());
        });
        // Only a source that stayed the same while it was read may be marked complete.
        folder.verifyUnchanged();
        into.modify(null, userMetadata);
        if (snapshot.recordsWithoutVector() > 0) {
            LOG.warn(
                    "Collection {}: {} record(s) have no vector in Chroma's vector segment and were imported without"
                            + " an embedding",
                    c.path(),
                    snapshot.recordsWithoutVector());
        }
        long withVector = snapshot.records() - snapshot.recordsWithoutVector();
        if (resumeAt == 0 && snapshot.vectors() > withVector) {
            LOG.warn(
                    "Collection {}: {} vector(s) in Chroma's vector segment belong to no record of its metadata"
                            + " segment (Chroma's get does not return them either) and were not imported",
                    c.path(),
                    snapshot.vectors() - withVector);
        }
        if (!snapshot.droppedKeys().isEmpty()) {
            LOG.warn(
                    "Collection {}: dropped Chroma-internal metadata keys {} (Chroma hides them from users too)",
                    c.path(),
                    snapshot.droppedKeys());
        }
        return new ImportResult.ImportedCollection(
                c.tenant(),
                c.database(),
                c.name(),
                snapshot.records(),
                written[0],
                settings.space(),
                settings.hnsw(),
                snapshot.recordsWithoutVector());
    }

    private static Map<String, Object> withMarker(Map<String, Object> metadata, String fingerprint, long position) {
        Map<String, Object> out = new LinkedHashMap<>(metadata);
        out.put(PROGRESS_KEY, fingerprint + "|" + position);
        return out;
    }

    /** Where an earlier run of the same source state stopped, or 0. */
    private static long resumePosition(Object marker, String fingerprint, long records) {
        if (!(marker instanceof String text)) {
            return 0;
        }
        int bar = text.lastIndexOf('|');
        if (bar < 0 || !text.substring(0, bar).equals(fingerprint)) {
            return 0;
        }
        try {
            long position = Long.parseLong(text.substring(bar + 1));
            return position >= 0 && position <= records ? position : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void checkCompatible(ChromaCollection existing, CollectionSnapshot snapshot) {
        SourceCollection c = snapshot.collection();
        CollectionSettings settings = snapshot.settings();
        CollectionOptions options = existing.options();
        List<String> differences = new ArrayList<>();
        if (options.space() != settings.space()) {
            differences.add("space " + options.space().chromaName() + " (source: "
                    + settings.space().chromaName() + ")");
        }
        if (!options.hnsw().equals(settings.hnsw())) {
            differences.add("HNSW parameters " + options.hnsw() + " (source: " + settings.hnsw() + ")");
        }
        if (!options.sparseIndexes().isEmpty()) {
            differences.add("sparse indexes " + options.sparseIndexes().keySet() + " (source: none)");
        }
        Map<String, Object> metadata = new LinkedHashMap<>(existing.metadata());
        metadata.remove(PROGRESS_KEY);
        if (!metadata.equals(settings.userMetadata())) {
            differences.add("metadata " + metadata + " (source: " + settings.userMetadata() + ")");
        }
        if (existing.dimension().isPresent()
                && c.dimension() != null
                && existing.dimension().getAsInt() != c.dimension()) {
            differences.add("dimension " + existing.dimension().getAsInt() + " (source: " + c.dimension() + ")");
        }
        if (!differences.isEmpty()) {
            throw new ChromaImportException("Collection " + c.name() + " already exists in the target database "
                    + c.tenant() + "/" + c.database() + " with different options: " + String.join(", ", differences)
                    + ". Delete or rename it, or import into another target.");
        }
    }

    private static void createDatabases(ChromaClient client, Map<String, List<String>> databases) {
        for (Map.Entry<String, List<String>> e : databases.entrySet()) {
            try {
                client.createTenant(e.getKey());
            } catch (AlreadyExistsException ignored) {
                // Created by an earlier run, or chromaj's default tenant.
            } catch (InvalidArgumentException invalid) {
                throw new ChromaImportException(
                        "Tenant " + e.getKey() + " cannot be created in chromaj: " + invalid.getMessage(), invalid);
            }
            for (String database : e.getValue()) {
                try {
                    client.createDatabase(e.getKey(), database);
                } catch (AlreadyExistsException ignored) {
                    // Created by an earlier run, or chromaj's default database.
                } catch (InvalidArgumentException invalid) {
                    throw new ChromaImportException(
                            "Database " + e.getKey() + "/" + database + " cannot be created in chromaj: "
                                    + invalid.getMessage(),
                            invalid);
                }
            }
        }
    }

    private void checkTargetFolder(SourceFolder folder) {
        if (targetPath == null) {
            return;
        }
        try {
            Path sourceReal = folder.path().toRealPath();
            Path targetAbsolute = targetPath.toAbsolutePath().normalize();
            Path targetReal = Files.exists(targetPath) ? targetPath.toRealPath() : targetAbsolute;
            if (targetReal.equals(sourceReal)) {
                throw new ChromaImportException("The target folder " + targetPath + " is the Chroma persist directory"
                        + " being imported; choose another folder");
            }
            if (targetReal.startsWith(sourceReal)
                    || targetAbsolute.startsWith(folder.path().toAbsolutePath().normalize())) {
                throw new ChromaImportException("The target folder " + targetPath + " is inside the Chroma persist"
                        + " directory being imported, which must stay unchanged; choose a folder outside it");
            }
        } catch (IOException e) {
            throw new ChromaImportException("Cannot inspect target folder " + targetPath + ": " + e, e);
        }
        Path catalog = targetPath.resolve(SourceFolder.DATABASE_FILE);
        if (Files.isRegularFile(catalog) && SourceDatabase.isChromaDatabase(catalog)) {
            throw new ChromaImportException("The target folder " + targetPath + " holds a Chroma database ("
                    + catalog.getFileName() + " with Chroma's migrations table); choose an empty or chromaj folder");
        }
    }

    private ChromaClient openTarget() {
        return ChromaClient.builder().path(targetPath).s3(targetS3).build();
    }

    private String targetDescription() {
        if (target != null) {
            return target.toString();
        }
        return targetS3 == null ? targetPath.toString() : targetPath + " with S3 bucket " + targetS3.bucket();
    }

    /** Builds a {@link ChromaImport}; not thread-safe. */
    public static final class Builder {
        private Path source;
        private ChromaClient target;
        private Path targetPath;
        private S3Config targetS3;
        private ProgressListener listener;
        private int batchSize = 500;

        private Builder() {}

        /**
         * The Chroma persist directory to import (it holds {@code chroma.sqlite3}). Required.
         *
         * @param persistDirectory the folder
         * @return this builder
         */
        public Builder source(Path persistDirectory) {
            this.source = Objects.requireNonNull(persistDirectory, "source");
            return this;
        }

        /**
         * Imports into an open client (which the import does not close). Either this or {@link #target(Path)}.
         *
         * @param client the target
         * @return this builder
         */
        public Builder target(ChromaClient client) {
            this.target = Objects.requireNonNull(client, "target");
            return this;
        }

        /**
         * Imports into a chromaj folder, opened for the import and closed after it. Either this or
         * {@link #target(ChromaClient)}.
         *
         * @param folder the chromaj folder (created if missing)
         * @return this builder
         */
        public Builder target(Path folder) {
            this.targetPath = Objects.requireNonNull(folder, "target");
            return this;
        }

        /**
         * Keeps the imported data in S3; with {@link #target(Path)} only.
         *
         * @param s3 the bucket settings
         * @return this builder
         */
        public Builder targetS3(S3Config s3) {
            this.targetS3 = Objects.requireNonNull(s3, "targetS3");
            return this;
        }

        /**
         * Receives progress after every batch.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder progressListener(ProgressListener listener) {
            this.listener = Objects.requireNonNull(listener, "progressListener");
            return this;
        }

        /**
         * Records per upsert (default 500).
         *
         * @param records between 1 and 100,000
         * @return this builder
         * @throws InvalidArgumentException if out of range
         */
        public Builder batchSize(int records) {
            if (records < 1 || records > 100_000) {
                throw new InvalidArgumentException("batchSize must be between 1 and 100000, got " + records);
            }
            this.batchSize = records;
            return this;
        }

        /**
         * Builds the import.
         *
         * @return the import, ready to {@link ChromaImport#run()}
         * @throws InvalidArgumentException if the source or the target is missing, or both kinds of target are set
         */
        public ChromaImport build() {
            if (source == null) {
                throw new InvalidArgumentException("source is required: the Chroma persist directory to import");
            }
            if ((target == null) == (targetPath == null)) {
                throw new InvalidArgumentException("Exactly one target is required: target(ChromaClient) or"
                        + " target(Path), got " + (target == null ? "neither" : "both"));
            }
            if (targetS3 != null && targetPath == null) {
                throw new InvalidArgumentException("targetS3 needs target(Path) for the local folder of the"
                        + " chromaj client; with target(ChromaClient) configure S3 on that client");
            }
            return new ChromaImport(this);
        }
    }
}
