/**
 * The {@code chromaj} command line: {@link dev.chromaj.cli.ChromajCli} is the entry point, one picocli subcommand
 * per operation (import from Chroma, stats, compaction, garbage collection, verification, cost, JSON Lines export
 * and import, queries). Classes other than the entry point are internal to chromaj.
 */
package dev.chromaj.cli;
