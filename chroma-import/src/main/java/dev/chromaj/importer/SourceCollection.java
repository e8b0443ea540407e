package dev.chromaj.importer;

import java.util.Map;

/**
 * One collection of a Chroma persist directory as its catalog describes it.
 *
 * @param id the collection's UUID (Chroma's, not kept by chromaj)
 * @param name its name
 * @param tenant its tenant ({@code default_tenant} before Chroma 0.4.15)
 * @param database its database ({@code default_database} before Chroma 0.4.15)
 * @param dimension the embedding dimension, or {@code null} while the collection is empty
 * @param topic the embeddings queue topic stored with the collection (Chroma 0.4.x), or {@code null}
 * @param metadata the collection metadata, {@code hnsw:*} keys included
 * @param configJson {@code collections.config_json_str} (0.5.4+), or {@code null}
 * @param schemaJson {@code collections.schema_str} (1.3+), or {@code null}
 * @param metadataSegment id of the METADATA segment, or {@code null} if the collection has none
 * @param vectorSegment id of the VECTOR segment, or {@code null} if the collection has none
 * @param vectorSegmentMetadata the vector segment's metadata ({@code hnsw:*} parameters), possibly empty
 */
record SourceCollection(
        String id,
        String name,
        String tenant,
        String database,
        Integer dimension,
        String topic,
        Map<String, Object> metadata,
        String configJson,
        String schemaJson,
        String metadataSegment,
        String vectorSegment,
        Map<String, Object> vectorSegmentMetadata) {

    /** {@code tenant/database/name}, for messages. */
    String path() {
        return tenant + "/" + database + "/" + name;
    }
}
