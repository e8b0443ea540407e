/**
 * Object-storage cost benchmarks: the small workload's records ({@code WorkloadRecords}), segment sizes against raw
 * bytes ({@link dev.chromaj.benchmarks.s3cost.SegmentSizeProbe}), block compression per column kind and the
 * simulated-month request and byte accounting against S3Proxy.
 */
package dev.chromaj.benchmarks.s3cost;
