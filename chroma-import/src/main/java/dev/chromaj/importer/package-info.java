/**
 * Import of Chroma persist directories (Chroma 0.4 to 1.5: {@code chroma.sqlite3} plus the HNSW folders) into a
 * chromaj client: every tenant, database and collection with ids, embeddings, documents, metadata, URIs and each
 * collection's settings. The rest of the package (readers of the SQLite schema, the pickled HNSW metadata and the
 * segment files) is package-private.
 *
 * <p>Entry point: {@link dev.chromaj.importer.ChromaImport} ({@code builder()}), which returns an
 * {@link dev.chromaj.importer.ImportResult} or throws {@link dev.chromaj.importer.ChromaImportException}.
 */
package dev.chromaj.importer;
