/**
 * Test support for applications that use chromaj on S3: {@link dev.chromaj.test.ChromaS3}, a JUnit 5 extension
 * that gives a test a running S3 endpoint (MinIO in Docker when a Docker engine answers, otherwise S3Proxy in the
 * test's JVM), a fresh bucket, a ready {@link dev.chromaj.S3Config} and {@link dev.chromaj.ChromaClient}s on it,
 * and removes all of it afterwards. Add the {@code chroma-test} artifact with test scope.
 */
package dev.chromaj.test;
