/**
 * Test support of chromaj's own modules, never part of the user API: one seeded random source for every test
 * ({@link dev.chromaj.testing.TestRandom}), whose master seed comes from {@code -Dtests.seed} or is drawn per run,
 * and the JUnit extension that gives each test its seed and prints a {@code REPRODUCE:} line when a test fails
 * ({@link dev.chromaj.testing.TestSeedExtension}, registered automatically).
 *
 * <p>Entry point: {@link dev.chromaj.testing.TestRandom}.
 */
package dev.chromaj.testing;
