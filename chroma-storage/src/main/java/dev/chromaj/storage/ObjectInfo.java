package dev.chromaj.storage;

import java.time.Instant;

/** What {@link Storage#head} and {@link Storage#list} know about one object. */
public record ObjectInfo(String key, long size, String etag, Instant lastModified) {}
