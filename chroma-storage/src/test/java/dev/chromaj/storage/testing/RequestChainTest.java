package dev.chromaj.storage.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dependent depth of a request log: overlapping requests share a round trip, answered-then-sent ones chain. */
class RequestChainTest {

    private static FaultInjectingProxy.SeenRequest request(long start, long end, long bytes) {
        return new FaultInjectingProxy.SeenRequest("GET", "/b/k", null, Map.of(), null, 200, start, end, bytes);
    }

    @Test
    void requestsInFlightTogetherAreOneRoundTripAndEachAnsweredStepAddsOne() {
        List<FaultInjectingProxy.SeenRequest> log = new ArrayList<>();
        // round 1: three reads at once; round 2: two reads sent after the first answers; round 3: one read
        log.add(request(0, 100, 10));
        log.add(request(2, 104, 10));
        log.add(request(5, 103, 10));
        log.add(request(101, 200, 20));
        log.add(request(105, 210, 20));
        log.add(request(211, 300, 30));
        RequestChain chain = RequestChain.of(log);
        assertEquals(3, chain.depth());
        assertEquals(6, chain.requests());
        assertEquals(100, chain.responseBytes());
    }

    @Test
    void aRequestSentBeforeAnotherIsAnsweredDoesNotDependOnIt() {
        // a long request and a chain of three short ones beside it: the depth is the short chain's
        List<FaultInjectingProxy.SeenRequest> log = List.of(
                request(0, 1000, 0), request(1, 10, 0), request(11, 20, 0), request(21, 30, 0), request(31, 40, 0));
        assertEquals(4, RequestChain.of(log).depth());
    }

    @Test
    void noRequestsIsDepthZero() {
        assertEquals(new RequestChain(0, 0, 0), RequestChain.of(List.of()));
    }
}
