package com.example.notes;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaRecord;
import dev.chromaj.QueryRequest;
import dev.chromaj.QueryResult;
import dev.chromaj.Where;
import java.util.List;
import java.util.Map;

/** The example application's code: notes with an embedding and a topic, found by similarity within a topic. */
public final class NoteIndex {
    private final ChromaCollection notes;

    /**
     * Keeps notes in the collection {@code notes} of {@code client}.
     *
     * @param client an open client
     */
    public NoteIndex(ChromaClient client) {
        this.notes = client.getOrCreateCollection("notes");
    }

    /**
     * Stores a note.
     *
     * @param id the note's id
     * @param text its text
     * @param topic its topic
     * @param embedding its embedding
     */
    public void add(String id, String text, String topic, float[] embedding) {
        notes.add(List.of(ChromaRecord.builder(id)
                .document(text)
                .embedding(embedding)
                .metadata(Map.of("topic", topic))
                .build()));
    }

    /**
     * The text of the note of {@code topic} nearest to {@code embedding}.
     *
     * @param topic the topic to search in
     * @param embedding the query embedding
     * @return the nearest note's text, or null when the topic has none
     */
    public String nearest(String topic, float[] embedding) {
        QueryResult r = notes.query(QueryRequest.builder()
                .queryEmbedding(embedding)
                .nResults(1)
                .where(Where.eq("topic", topic))
                .build());
        return r.ids().get(0).isEmpty() ? null : r.documents().get(0).get(0);
    }

    /** Folds the log into segments now (on S3 they are written to the bucket). */
    public void compact() {
        notes.compact();
    }
}
