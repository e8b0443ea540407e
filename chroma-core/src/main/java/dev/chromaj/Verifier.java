package dev.chromaj;

import dev.chromaj.blockstore.BlockfileVerifier;
import dev.chromaj.blockstore.BlockfileVerifier.VerifiedRoot;
import dev.chromaj.blockstore.CorruptObjectException;
import dev.chromaj.catalog.CollectionEntry;
import dev.chromaj.catalog.VersionEntry;
import dev.chromaj.storage.BucketLayout;
import dev.chromaj.storage.ObjectNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every object the kept versions of every collection reference and checks it with the engine's own readers:
 * version manifests ({@link VersionManifest#parse}: format and checksum), blockfile roots and blocks
 * ({@link BlockfileVerifier}: frame, CRC32C, Arrow decoding, entry counts). The kept versions are those the catalog
 * lists (garbage collection removes a version from the catalog before it deletes its objects) plus version 0, as
 * {@link GarbageCollector} keeps them.
 *
 * <p>Two passes: the manifests and roots of every collection first, which gives the number of blocks, then the
 * blocks, read in parallel. A collection's blocks are checked while its compaction lock is held, so this client's
 * garbage collection cannot delete them meanwhile; a version garbage collection dropped between the two passes is
 * no longer required, and what only it referenced is neither read nor reported.
 */
final class Verifier {
    private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);

    private final Engine engine;
    private final BlockfileVerifier blockfiles;

    /** Totals over the whole run; only the calling thread updates them. */
    private int collections;

    private long versions;
    private long objects;
    private long bytes;
    private long done;
    private long total;
    private final List<VerifyReport.Problem> problems = new ArrayList<>();

    Verifier(Engine engine) {
        this.engine = engine;
        this.blockfiles = new BlockfileVerifier(engine.blockfiles);
    }

    /** What the first pass learnt about one collection. */
    private static final class Collection {
        final CollectionEntry entry;
        final String path;
        final String dir;
        /** Version to the root keys its manifest lists. */
        final Map<Long, List<String>> rootsByVersion = new LinkedHashMap<>();
        /** Roots that passed their checks, by key. */
        final Map<String, VerifiedRoot> roots = new LinkedHashMap<>();
        /** Problems found in the first pass, with the versions that need the object. */
        final Map<VerifyReport.Problem, Set<Long>> problems = new LinkedHashMap<>();

        Collection(CollectionEntry entry) {
            this.entry = entry;
            this.path = entry.tenant() + "/" + entry.database() + "/" + entry.name();
            this.dir = BucketLayout.collectionDir(entry.id());
        }

        VerifyReport.Problem problem(VerifyReport.Problem.Kind kind, String key, String detail) {
            return new VerifyReport.Problem(kind, key, path, entry.id(), detail);
        }
    }

    VerifyReport run(ProgressListener listener) {
        long started = System.nanoTime();
        List<CollectionEntry> entries = new ArrayList<>(engine.catalog.allCollections());
        entries.sort(Comparator.comparing(CollectionEntry::tenant)
                .thenComparing(CollectionEntry::database)
                .thenComparing(CollectionEntry::name));
        LOG.info("Verifying the stored objects of {} collection(s) of {}", entries.size(), engine);
        List<Collection> found = new ArrayList<>();
        for (CollectionEntry entry : entries) {
            found.add(manifestsAndRoots(entry));
        }
        long blocks = 0;
        for (Collection c : found) {
            blocks += blockKeys(c).size();
        }
        total = done + blocks;
        listener.onProgress(done, total);
        ExecutorService readers = readers();
        try {
            for (Collection c : found) {
                blocks(c, readers, listener);
            }
        } finally {
            readers.shutdownNow();
        }
        done = total;
        listener.onProgress(done, total);
        problems.sort(Comparator.comparing(VerifyReport.Problem::collection).thenComparing(VerifyReport.Problem::key));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        for (VerifyReport.Problem p : problems) {
            LOG.warn("Verification found a {} object: {}", p.kind().name().toLowerCase(Locale.ROOT), p);
        }
        LOG.info(
                "Verified {} collection(s), {} version(s): {} object(s), {} byte(s) in {} ms; {} damaged, {} missing",
                collections,
                versions,
                objects,
                bytes,
                took.toMillis(),
                problems.stream()
                        .filter(p -> p.kind() == VerifyReport.Problem.Kind.DAMAGED)
                        .count(),
                problems.stream()
                        .filter(p -> p.kind() == VerifyReport.Problem.Kind.MISSING)
                        .count());
        return new VerifyReport(collections, versions, objects, bytes, problems, took);
    }

    /** First pass: the collection's version manifests and the roots they list. */
    private Collection manifestsAndRoots(CollectionEntry entry) {
        Collection c = new Collection(entry);
        Map<Long, String> manifests = new LinkedHashMap<>();
        manifests.put(0L, VersionManifest.key(entry.id(), 0));
        for (VersionEntry v : engine.catalog.listVersions(entry.id())) {
            manifests.put(v.version(), v.manifestKey());
        }
        Map<String, Set<Long>> versionsOfRoot = new LinkedHashMap<>();
        Map<String, VerifyReport.Problem> rootProblems = new LinkedHashMap<>();
        for (Map.Entry<Long, String> m : manifests.entrySet()) {
            long version = m.getKey();
            String key = m.getValue();
            done++;
            VersionManifest manifest;
            try {
                byte[] data = engine.storage.get(key);
                objects++;
                bytes += data.length;
                manifest = VersionManifest.parse(key, data);
            } catch (ObjectNotFoundException e) {
                c.problems.put(
                        c.problem(VerifyReport.Problem.Kind.MISSING, key, "version " + version + " manifest"),
                        Set.of(version));
                continue;
            } catch (ChromaException e) {
                c.problems.put(c.problem(VerifyReport.Problem.Kind.DAMAGED, key, e.getMessage()), Set.of(version));
                continue;
            }
            versions++;
            List<String> rootKeys = new ArrayList<>();
            if (manifest.segments() != null) {
                for (Map.Entry<String, UUID> root : manifest.segments().roots().entrySet()) {
                    String rootKey = BucketLayout.rootKey(c.dir, root.getValue());
                    rootKeys.add(rootKey);
                    versionsOfRoot
                            .computeIfAbsent(rootKey, k -> new LinkedHashSet<>())
                            .add(version);
                    if (c.roots.containsKey(rootKey) || rootProblems.containsKey(rootKey)) {
                        continue;
                    }
                    done++;
                    try {
                        VerifiedRoot verified = blockfiles.root(c.dir, root.getValue());
                        objects++;
                        bytes += verified.objectBytes();
                        c.roots.put(rootKey, verified);
                    } catch (ObjectNotFoundException e) {
                        rootProblems.put(
                                rootKey,
                                c.problem(
                                        VerifyReport.Problem.Kind.MISSING,
                                        rootKey,
                                        "root of blockfile " + root.getKey()));
                    } catch (CorruptObjectException e) {
                        objects++;
                        rootProblems.put(
                                rootKey, c.problem(VerifyReport.Problem.Kind.DAMAGED, rootKey, e.getMessage()));
                    }
                }
            }
            c.rootsByVersion.put(version, rootKeys);
        }
        rootProblems.forEach((key, problem) -> c.problems.put(problem, versionsOfRoot.get(key)));
        return c;
    }

    /**
     * Second pass: the blocks of the roots the collection's versions still need, while no compaction or garbage
     * collection of it runs.
     */
    private void blocks(Collection c, ExecutorService readers, ProgressListener listener) {
        CollectionEngine open = openCollection(c.entry.id());
        Runnable check = () -> checkBlocks(c, readers, listener);
        if (open != null) {
            open.whileNotCompacting(check);
        } else {
            check.run();
        }
    }

    private void checkBlocks(Collection c, ExecutorService readers, ProgressListener listener) {
        if (engine.catalog.getCollection(c.entry.id()).isEmpty()) {
            // Deleted meanwhile: nothing of it is needed any more.
            skip(c, listener);
            return;
        }
        Set<Long> kept = new HashSet<>();
        kept.add(0L);
        for (VersionEntry v : engine.catalog.listVersions(c.entry.id())) {
            kept.add(v.version());
        }
        collections++;
        c.problems.forEach((problem, needs) -> {
            if (needs.stream().anyMatch(kept::contains)) {
                problems.add(problem);
            }
        });
        Set<String> neededRoots = new LinkedHashSet<>();
        c.rootsByVersion.forEach((version, roots) -> {
            if (kept.contains(version)) {
                neededRoots.addAll(roots);
            }
        });
        CompletionService<BlockResult> results = new ExecutorCompletionService<>(readers);
        Set<String> submitted = new HashSet<>();
        for (String rootKey : neededRoots) {
            VerifiedRoot root = c.roots.get(rootKey);
            for (int i = 0; root != null && i < root.blockCount(); i++) {
                if (submitted.add(root.blockKey(i))) {
                    int block = i;
                    results.submit(() -> checkBlock(root, block));
                }
            }
        }
        // Blocks only versions dropped meanwhile need count as done without being read.
        done += blockKeys(c).size() - submitted.size();
        listener.onProgress(done, total);
        for (int i = 0; i < submitted.size(); i++) {
            BlockResult r;
            try {
                r = results.take().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ChromaException("Verification of collection " + c.path + " was interrupted", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re
                        ? re
                        : new ChromaException("Verification of collection " + c.path + " failed: " + e.getCause(), e);
            }
            done++;
            if (r.read()) {
                objects++;
                bytes += r.bytes();
            }
            if (r.kind() != null) {
                problems.add(c.problem(r.kind(), r.key(), r.detail()));
            }
            listener.onProgress(done, total);
        }
    }

    private void skip(Collection c, ProgressListener listener) {
        done += blockKeys(c).size();
        listener.onProgress(done, total);
    }

    /** Every block the collection's verified roots list (block keys name their collection, so no two share one). */
    private static Set<String> blockKeys(Collection c) {
        Set<String> blocks = new HashSet<>();
        for (VerifiedRoot root : c.roots.values()) {
            for (int i = 0; i < root.blockCount(); i++) {
                blocks.add(root.blockKey(i));
            }
        }
        return blocks;
    }

    /** The outcome of one block check; {@code kind} is null when the block is intact. */
    private record BlockResult(String key, boolean read, long bytes, VerifyReport.Problem.Kind kind, String detail) {}

    private BlockResult checkBlock(VerifiedRoot root, int block) {
        String key = root.blockKey(block);
        try {
            return new BlockResult(key, true, blockfiles.block(root, block), null, null);
        } catch (ObjectNotFoundException e) {
            return new BlockResult(
                    key, false, 0, VerifyReport.Problem.Kind.MISSING, "block " + block + " of root " + root.key());
        } catch (CorruptObjectException e) {
            return new BlockResult(key, true, 0, VerifyReport.Problem.Kind.DAMAGED, e.getMessage());
        }
    }

    private CollectionEngine openCollection(UUID id) {
        try {
            return engine.collection(id);
        } catch (NotFoundException e) {
            return null;
        }
    }

    /** Parallel readers: S3 answers each request in tens of milliseconds, a local disk at once. */
    private ExecutorService readers() {
        int threads =
                engine.config.s3Mode() ? 16 : Math.max(2, Runtime.getRuntime().availableProcessors());
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "chromaj-verify-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }
}
