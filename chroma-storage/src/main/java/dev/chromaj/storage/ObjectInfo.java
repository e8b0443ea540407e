package dev.chromaj.storage;

import dev.chromaj.annotations.Internal;
import java.time.Instant;

/** What {@link Storage#head} and {@link Storage#list} know about one object. */
@Internal
public record ObjectInfo(String key, long size, String etag, Instant lastModified) {}
