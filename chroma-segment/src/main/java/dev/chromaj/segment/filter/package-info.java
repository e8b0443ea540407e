/**
 * The internal form of Chroma's filters: {@link dev.chromaj.segment.filter.MetadataFilter} ({@code where}) and
 * {@link dev.chromaj.segment.filter.DocumentFilter} ({@code where_document}) trees, and their evaluation on one record
 * ({@link dev.chromaj.segment.filter.FilterEvaluator}) for the uncompacted log tail; compacted data is filtered on
 * bitmaps in {@code dev.chromaj.segment}.
 *
 * <p>Entry point: {@link dev.chromaj.segment.filter.FilterEvaluator}.
 *
 * <p>Internal to chromaj: this package serves {@code chroma-core} and is not a stable API; its public types are
 * public only so that other chromaj modules can use them, and are marked {@link dev.chromaj.annotations.Internal}.
 */
@Internal
package dev.chromaj.segment.filter;

import dev.chromaj.annotations.Internal;
