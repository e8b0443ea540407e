package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.blockstore.DataRecord;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a search's selection puts into hits, and when hits need their records beyond the id. */
class HitFieldsTest {

    @Test
    void idAndScoreSelectionsNeedNoRecord() {
        assertFalse(new HitFields(Search.builder().build().select()).needsRecord(), "the default ID, SCORE");
        assertFalse(new HitFields(Set.of(Field.ID)).needsRecord());
        assertFalse(new HitFields(Set.of(Field.SCORE)).needsRecord());
        for (Field f :
                new Field[] {Field.DOCUMENT, Field.EMBEDDING, Field.METADATA, Field.metadata("title"), Field.URI}) {
            assertTrue(new HitFields(Set.of(Field.ID, Field.SCORE, f)).needsRecord(), f.toString());
        }
    }

    @Test
    void hitsOfIdsAndOfRecordsAgreeForIdAndScore() {
        HitFields fields = new HitFields(Set.of(Field.ID, Field.SCORE));
        DataRecord record = new DataRecord("x", new float[] {1f}, "text", Map.of("k", 1L), "u:x");
        assertEquals(fields.hit(record, 0.5), fields.hit("x", 0.5));
        assertEquals(new Hit("x", null, null, null, null, null), new HitFields(Set.of(Field.ID)).hit("x", 0.5));
    }
}
