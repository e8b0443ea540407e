package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class DeleteRequestTest {

    @Test
    void idsOnlyRequest() {
        DeleteRequest r = DeleteRequest.ofIds(List.of("a", "b"));
        assertEquals(List.of("a", "b"), r.ids());
        assertNull(r.where());
        assertEquals(OptionalInt.empty(), r.limit());
    }

    @Test
    void filtersAndLimitAreKept() {
        DeleteRequest r = DeleteRequest.builder()
                .where(Where.eq("k", 1))
                .whereDocument(WhereDocument.contains("x"))
                .limit(5)
                .build();
        assertEquals(Where.eq("k", 1L), r.where());
        assertEquals(WhereDocument.contains("x"), r.whereDocument());
        assertEquals(OptionalInt.of(5), r.limit());
        assertEquals(r, r.toBuilder().build());
    }

    @Test
    void emptyIdListIsAllowedAndDeletesNothing() {
        assertEquals(List.of(), DeleteRequest.ofIds(List.of()).ids());
    }

    @Test
    void requestWithoutAnyConditionIsRejected() {
        assertEquals(
                "Expected at least one of ids, where or whereDocument to be provided for delete",
                assertThrows(
                                InvalidArgumentException.class,
                                () -> DeleteRequest.builder().build())
                        .getMessage());
        assertThrows(
                InvalidArgumentException.class, () -> DeleteRequest.builder().limit(-1));
        assertThrows(InvalidArgumentException.class, () -> DeleteRequest.ofIds(List.of("a", "a")));
    }
}
