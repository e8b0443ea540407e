/**
 * A real S3 endpoint for tests, shared by chromaj's own tests and by {@code chroma-test}'s JUnit extension:
 * {@link dev.chromaj.test.s3.S3TestServer#shared()} starts MinIO in Docker (Testcontainers) when a Docker engine
 * answers, otherwise S3Proxy in this JVM on 127.0.0.1, once per JVM, and creates and removes buckets on it. It
 * depends on no chromaj module, so that every module's tests can use it. For tests only.
 */
package dev.chromaj.test.s3;
