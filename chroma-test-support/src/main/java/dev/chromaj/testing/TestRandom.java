package dev.chromaj.testing;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * The one seeded random source of chromaj's tests.
 *
 * <p>Every run has one master seed: {@code -Dtests.seed=<hex>} on the Maven command line (Surefire passes it into the
 * test JVM), or a seed drawn at random when the property is absent or empty. Every test case gets its own seed,
 * derived from the master seed and the test's JUnit unique id (its class, its method with the parameter types and,
 * for parameterized tests, the invocation number), so a test's seed does not depend on which other tests ran. When a
 * test fails, {@link TestSeedExtension} prints a {@code REPRODUCE:} line with the command that runs the same case with
 * the same seed.
 *
 * <p>Use {@link #random()} (or {@link #seed()}) in test methods and in {@code @BeforeEach}/{@code @AfterEach}
 * methods; in {@code @BeforeAll} and {@code @AfterAll} methods they give the test class's own seed. They throw
 * {@link IllegalStateException} in field initializers and constructors of test classes (JUnit creates the instance
 * before the test's seed is known, so a generator made there would be shared with whichever test ran before) and
 * outside a test run by JUnit with the extension.
 *
 * <p>Threads: the seed is inherited by threads that the test starts, but {@link #random()} is meant for the test's
 * own thread: a {@link Random} shared by several threads draws in a scheduling-dependent order. Give each worker
 * thread its own generator derived from the test's seed, e.g. {@code new Random(TestRandom.seed() + workerIndex)},
 * and hand child processes a seed drawn from {@link #random()} as an argument.
 */
public final class TestRandom {

    /** The system property holding the master seed, a hexadecimal 64-bit number. */
    public static final String SEED_PROPERTY = "tests.seed";

    /** The seed scope of the current thread: the running test case, or the test class around it. */
    private static final InheritableThreadLocal<Scope> CURRENT = new InheritableThreadLocal<>();

    private static final Object MASTER_LOCK = new Object();
    /** Guarded by {@link #MASTER_LOCK}; null until first read. */
    private static Master master;

    private TestRandom() {}

    /**
     * The current test's seed.
     *
     * @throws IllegalStateException outside a test run with {@link TestSeedExtension}
     */
    public static long seed() {
        return current().seed;
    }

    /**
     * The current test's {@link Random}, seeded with {@link #seed()}: the same instance for the whole test case.
     *
     * @throws IllegalStateException outside a test run with {@link TestSeedExtension}
     */
    public static Random random() {
        return current().random();
    }

    /**
     * This run's master seed: the value of {@code -Dtests.seed}, or the one drawn at random for the run.
     *
     * @throws IllegalArgumentException when {@code -Dtests.seed} is not a hexadecimal 64-bit number
     */
    public static long masterSeed() {
        return master().seed;
    }

    /** {@link #masterSeed()} as it is written in {@code -Dtests.seed}: upper-case hexadecimal. */
    public static String masterSeedHex() {
        return hex(masterSeed());
    }

    /**
     * The seed of the test with JUnit unique id {@code testId} under master seed {@code masterSeed}: a 64-bit hash of
     * the id mixed with the master seed (SplitMix64's finalizer), so that close ids and close master seeds give
     * unrelated seeds.
     */
    static long derive(long masterSeed, String testId) {
        long hash = 0xcbf29ce484222325L; // FNV-1a, 64 bits
        for (byte b : testId.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xFF;
            hash *= 0x100000001b3L;
        }
        return mix(masterSeed ^ mix(hash));
    }

    /**
     * Parses a master seed as printed in a reproduce line: 1 to 16 hexadecimal digits, upper or lower case. (No
     * {@code 0x}: Lucene, on the tests' class path, reads the same property as plain hexadecimal.)
     */
    static long parse(String text) {
        String hex = text.trim();
        try {
            if (hex.isEmpty() || hex.length() > 16) {
                throw new NumberFormatException(hex);
            }
            return Long.parseUnsignedLong(hex, 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "-D" + SEED_PROPERTY + " must be a hexadecimal 64-bit number as printed in a REPRODUCE line, got '"
                            + text + "'",
                    e);
        }
    }

    static String hex(long seed) {
        return Long.toHexString(seed).toUpperCase(Locale.ROOT);
    }

    /** Whether the master seed came from {@code -Dtests.seed} rather than being drawn for this run. */
    static boolean masterSeedGiven() {
        return master().given;
    }

    /**
     * Marks this thread as constructing a test instance, where the seed is refused, until {@link #endConstruction()}.
     */
    static void beginConstruction() {
        Scope current = CURRENT.get();
        Scope outer = current != null && current.constructing() ? current.outer : current;
        CURRENT.set(new Scope(null, 0, outer));
    }

    /** Ends what {@link #beginConstruction()} began. */
    static void endConstruction() {
        Scope current = CURRENT.get();
        if (current != null && current.constructing()) {
            restore(current.outer);
        }
    }

    /** Makes {@code testId}'s seed current on this thread; returns the scope it replaces (null if none). */
    static Scope enter(String testId) {
        Scope previous = CURRENT.get();
        CURRENT.set(new Scope(testId, derive(masterSeed(), testId), null));
        return previous;
    }

    /** Makes {@code previous} (what {@link #enter} returned) current again. */
    static void restore(Scope previous) {
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
    }

    /** The id of the current scope, or null outside a test. */
    static String currentTestId() {
        Scope scope = CURRENT.get();
        return scope == null ? null : scope.testId;
    }

    private static Scope current() {
        Scope scope = CURRENT.get();
        if (scope == null) {
            throw new IllegalStateException("TestRandom is only available while JUnit runs a test with "
                    + TestSeedExtension.class.getName() + " (registered automatically when the module's test "
                    + "resources set junit.jupiter.extensions.autodetection.enabled=true); on a thread the test did "
                    + "not start, derive a generator from the seed on the test's thread instead");
        }
        if (scope.constructing()) {
            throw new IllegalStateException("TestRandom is not available in field initializers and constructors of "
                    + "test classes: JUnit creates the instance before the test's seed is set. Draw from it in the "
                    + "test method or in a @BeforeEach method");
        }
        return scope;
    }

    private static Master master() {
        synchronized (MASTER_LOCK) {
            if (master == null) {
                String property = System.getProperty(SEED_PROPERTY, "");
                master = property.isBlank()
                        ? new Master(new SplittableRandom().nextLong(), false)
                        : new Master(parse(property), true);
            }
            return master;
        }
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private record Master(long seed, boolean given) {}

    /**
     * One test case's (or test class's) seed and its lazily created generator; or, with a null id, the construction
     * of a test instance, during which the seed is refused ({@code outer} is the scope around it).
     */
    static final class Scope {
        final String testId;
        final long seed;
        final Scope outer;
        /** Guarded by this. */
        private Random random;

        Scope(String testId, long seed, Scope outer) {
            this.testId = testId;
            this.seed = seed;
            this.outer = outer;
        }

        boolean constructing() {
            return testId == null;
        }

        synchronized Random random() {
            if (random == null) {
                random = new Random(seed);
            }
            return random;
        }
    }
}
