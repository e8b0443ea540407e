/**
 * Micrometer metrics of a chromaj client. Entry point: {@link dev.chromaj.micrometer.ChromaMetrics}, set as the
 * client's {@link dev.chromaj.ChromaObserver} and bound to the client and its collections; its Javadoc lists every
 * meter.
 */
package dev.chromaj.micrometer;
