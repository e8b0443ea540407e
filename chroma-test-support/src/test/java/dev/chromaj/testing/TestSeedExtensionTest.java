package dev.chromaj.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

class TestSeedExtensionTest {

    /** What the sample tests saw, by their JUnit unique id. */
    static final Map<String, Long> SEEN = new ConcurrentHashMap<>();

    @Test
    void sameMasterSeedAndTestGiveTheSameSeed() {
        String id = "[engine:junit-jupiter]/[class:dev.chromaj.X]/[method:y()]";
        assertEquals(TestRandom.derive(0xDEADBEEFL, id), TestRandom.derive(0xDEADBEEFL, id));
    }

    @Test
    void differentTestsOrMasterSeedsGiveDifferentSeeds() {
        String a = "[engine:junit-jupiter]/[class:dev.chromaj.X]/[method:a()]";
        String b = "[engine:junit-jupiter]/[class:dev.chromaj.X]/[method:b()]";
        String otherClass = "[engine:junit-jupiter]/[class:dev.chromaj.Y]/[method:a()]";
        assertNotEquals(TestRandom.derive(1, a), TestRandom.derive(1, b));
        assertNotEquals(TestRandom.derive(1, a), TestRandom.derive(1, otherClass));
        assertNotEquals(TestRandom.derive(1, a), TestRandom.derive(2, a));
    }

    @Test
    void masterSeedParsesAsPrinted() {
        assertEquals(0xDEADBEEFL, TestRandom.parse("DEADBEEF"));
        assertEquals(0xDEADBEEFL, TestRandom.parse("deadbeef"));
        assertThrows(IllegalArgumentException.class, () -> TestRandom.parse("0xdeadbeef"));
        assertEquals(-1L, TestRandom.parse(TestRandom.hex(-1L)));
        assertEquals("FFFFFFFFFFFFFFFF", TestRandom.hex(-1L));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TestRandom.parse("12x"));
        assertTrue(e.getMessage().contains("-Dtests.seed") && e.getMessage().contains("'12x'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TestRandom.parse("1234567890ABCDEF0"));
    }

    @Test
    void eachTestSeesTheSeedDerivedFromItsOwnIdWhicheverTestsRun() {
        SEEN.clear();
        run(selectClass(SeedSample.class))
                .testEvents()
                .assertStatistics(s -> s.started(5).succeeded(5));
        String idA = idOf(SeedSample.class, "a");
        assertEquals(TestRandom.derive(TestRandom.masterSeed(), idA), SEEN.get(idA));
        String idB = idOf(SeedSample.class, "b");
        assertEquals(TestRandom.derive(TestRandom.masterSeed(), idB), SEEN.get(idB));
        assertNotEquals(SEEN.get(idA), SEEN.get(idB));
        long classSeed = SEEN.get("beforeAll");
        assertEquals(
                TestRandom.derive(
                        TestRandom.masterSeed(), "[engine:junit-jupiter]/[class:" + SeedSample.class.getName() + "]"),
                classSeed);

        // b alone (no a, no class seed drawn before it) sees the same seed
        Map<String, Long> first = Map.copyOf(SEEN);
        SEEN.clear();
        run(selectMethod(SeedSample.class, "b"))
                .testEvents()
                .assertStatistics(s -> s.started(1).succeeded(1));
        assertEquals(first.get(idB), SEEN.get(idB));
        // every invocation of a parameterized test has its own seed, the same in every run
        List<Long> invocations = first.entrySet().stream()
                .filter(e -> e.getKey().contains("test-template-invocation"))
                .map(Map.Entry::getValue)
                .distinct()
                .toList();
        assertEquals(3, invocations.size(), first.toString());
    }

    @Test
    void failureOfARandomizedTestPrintsTheReproduceLine() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        EngineExecutionResults results;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            results = run(selectClass(FailingSample.class));
        } finally {
            System.setErr(err);
        }
        results.testEvents().assertStatistics(s -> s.started(1).failed(1));
        String expected = TestSeedExtension.reproduceLine(
                System.getProperty(TestSeedExtension.MODULE_PROPERTY),
                "TestSeedExtensionTest$FailingSample",
                "failsWithItsRandomValue",
                TestRandom.masterSeedHex());
        String output = captured.toString(StandardCharsets.UTF_8);
        assertTrue(output.lines().anyMatch(expected::equals), "expected\n" + expected + "\nin\n" + output);
        assertTrue(
                expected.startsWith("REPRODUCE: mvn -B -ntp -pl chroma-test-support -am verify "
                        + "-Dtest='TestSeedExtensionTest$FailingSample#failsWithItsRandomValue' "),
                expected);
        assertTrue(expected.endsWith(" -Dtests.seed=" + TestRandom.masterSeedHex()), expected);

        Throwable failure = failureOf(results);
        assertTrue(
                Arrays.stream(failure.getSuppressed()).anyMatch(s -> expected.equals(s.getMessage())),
                "the line is attached to the failure: " + Arrays.toString(failure.getSuppressed()));
    }

    @Test
    void aSeedDrawnInAFieldInitializerIsRefused() {
        SEEN.clear();
        EngineExecutionResults results = run(selectClass(FieldInitializerSample.class));
        results.testEvents().assertStatistics(s -> s.started(1).failed(1));
        Throwable failure = failureOf(results);
        assertTrue(
                failure instanceof IllegalStateException && failure.getMessage().contains("@BeforeEach"),
                failure.toString());
        assertTrue(SEEN.isEmpty());
        // the construction ended: the next test of this thread has its seed again
        assertEquals(TestRandom.derive(TestRandom.masterSeed(), TestRandom.currentTestId()), TestRandom.seed());
    }

    @Test
    void randomIsOneInstancePerTestAndSeededWithTheTestSeed() {
        Random random = TestRandom.random();
        assertSame(random, TestRandom.random());
        assertEquals(new Random(TestRandom.seed()).nextLong(), random.nextLong());
    }

    @Test
    void injectedParametersAreTheTestsRandomAndSeed(Random random, @Seed long seed) {
        assertSame(TestRandom.random(), random);
        assertEquals(TestRandom.seed(), seed);
    }

    @Test
    void outsideATestTheSeedIsRefusedWithAnExplanation() {
        TestRandom.Scope mine = TestRandom.enter("probe");
        TestRandom.restore(null);
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, TestRandom::seed);
            assertTrue(e.getMessage().contains("junit.jupiter.extensions.autodetection.enabled"), e.getMessage());
        } finally {
            TestRandom.restore(mine);
        }
    }

    private static EngineExecutionResults run(org.junit.platform.engine.DiscoverySelector selector) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .selectors(selector)
                .execute();
    }

    private static Throwable failureOf(EngineExecutionResults results) {
        return results.testEvents().failed().stream()
                .map(e -> e.getRequiredPayload(TestExecutionResult.class))
                .map(r -> r.getThrowable().orElseThrow())
                .findFirst()
                .orElseThrow();
    }

    private static String idOf(Class<?> testClass, String method) {
        return "[engine:junit-jupiter]/[class:" + testClass.getName() + "]/[method:" + method + "()]";
    }

    /** Run only through the engine test kit above (Surefire skips nested classes). */
    static class SeedSample {

        @BeforeAll
        static void recordClassSeed() {
            SEEN.put("beforeAll", TestRandom.seed());
        }

        @Test
        void a() {
            record("a");
        }

        @Test
        void b() {
            record("b");
        }

        @ParameterizedTest
        @ValueSource(ints = {1, 2, 3})
        void p(int i) {
            SEEN.put(TestRandom.currentTestId(), TestRandom.seed());
        }

        private void record(String method) {
            SEEN.put(idOf(SeedSample.class, method), TestRandom.seed());
        }
    }

    /** Run only through the engine test kit above (Surefire skips nested classes). */
    static class FieldInitializerSample {
        private final long seed = TestRandom.seed();

        @Test
        void usesTheFieldSeed() {
            SEEN.put("field", seed);
        }
    }

    /** Run only through the engine test kit above (Surefire skips nested classes). */
    static class FailingSample {
        @Test
        void failsWithItsRandomValue() {
            int value = TestRandom.random().nextInt(1000);
            assertEquals(-1, value, "random value");
        }
    }
}
