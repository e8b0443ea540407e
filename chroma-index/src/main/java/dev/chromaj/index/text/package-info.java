/**
 * Text indexing without I/O: Chroma's BM25 text analysis (tokens, stop words, stemming, murmur3 term indices:
 * {@link dev.chromaj.index.text.Bm25Analyzer}) and the trigram full-text index that narrows {@code $contains} and
 * {@code $regex} document filters to candidate documents ({@link dev.chromaj.index.text.Trigrams},
 * {@link dev.chromaj.index.text.TrigramQuery}).
 *
 * <p>Entry points: {@link dev.chromaj.index.text.Bm25Analyzer} and {@link dev.chromaj.index.text.TrigramQuery}.
 *
 * <p>Internal to chromaj: this package serves {@code chroma-core} and is not a stable API; its public types are
 * public only so that other chromaj modules can use them, and are marked {@link dev.chromaj.annotations.Internal}.
 */
@Internal
package dev.chromaj.index.text;

import dev.chromaj.annotations.Internal;
