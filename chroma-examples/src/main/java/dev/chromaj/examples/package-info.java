/**
 * The README's example program: opens a local database, writes a few records, queries them, compacts and queries
 * again, printing the results.
 *
 * <p>Entry point: {@link dev.chromaj.examples.QuickStart} (run it with
 * {@code mvn -q -DskipTests -pl chroma-examples -am package exec:exec}).
 */
package dev.chromaj.examples;
