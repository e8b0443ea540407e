/**
 * The SQLite catalog of a chromaj folder: tenants, databases, collections ({@link dev.chromaj.catalog.CollectionEntry})
 * with their current version and compacted log position, and the committed versions
 * ({@link dev.chromaj.catalog.VersionEntry}); forward-only schema migrations and the folder's single-writer lock.
 * It holds no collection data.
 *
 * <p>Entry point: {@link dev.chromaj.catalog.Catalog} ({@code open}).
 *
 * <p>Internal to chromaj: this package serves {@code chroma-core} and is not a stable API; its public types are
 * public only so that other chromaj modules can use them, and are marked {@link dev.chromaj.annotations.Internal}.
 */
@Internal
package dev.chromaj.catalog;

import dev.chromaj.annotations.Internal;
