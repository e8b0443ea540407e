package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SearchTest {

    @Test
    void defaultsAreTenHitsWithIdAndScore() {
        Search s = Search.builder().build();
        assertEquals(10, s.limit());
        assertEquals(0, s.offset());
        assertNull(s.rank());
        assertEquals(List.of(Field.ID, Field.SCORE), List.copyOf(s.select()));
    }

    @Test
    void builderSetsEveryFieldAndSelectAlwaysHasTheId() {
        Rank rank = Rank.knn(new float[] {1f});
        Search s = Search.builder()
                .where(Where.eq("k", "v"))
                .whereDocument(WhereDocument.contains("x"))
                .rank(rank)
                .limit(5)
                .offset(2)
                .select(Field.DOCUMENT, Field.SCORE, Field.metadata("title"))
                .build();
        assertEquals(rank, s.rank());
        assertEquals(5, s.limit());
        assertEquals(2, s.offset());
        assertEquals(List.of(Field.ID, Field.DOCUMENT, Field.SCORE, Field.metadata("title")), List.copyOf(s.select()));
        assertEquals(s, s.toBuilder().build());
    }

    @Test
    void invalidPagingAndFieldsAreRejected() {
        assertThrows(InvalidArgumentException.class, () -> Search.builder().limit(0));
        assertThrows(InvalidArgumentException.class, () -> Search.builder().offset(-1));
        assertThrows(InvalidArgumentException.class, () -> Search.builder().select(Field.ID, null));
        assertThrows(InvalidArgumentException.class, () -> Field.metadata(""));
    }

    @Test
    void metadataFieldCarriesItsKey() {
        Field f = Field.metadata("title");
        assertEquals(Field.Kind.METADATA_KEY, f.kind());
        assertEquals("title", f.metadataKey());
        assertEquals(Field.Kind.METADATA, Field.METADATA.kind());
    }
}
