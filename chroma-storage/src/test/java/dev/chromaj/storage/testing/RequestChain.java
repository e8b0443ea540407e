package dev.chromaj.storage.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The requests of one phase of work as a {@link FaultInjectingProxy} saw them: how many, the bytes answered, and the
 * number of sequential round trips: the longest chain of requests each of which arrived only after the previous one
 * had been answered.
 *
 * <p>A request that depends on another's answer can only be sent after that answer, so it always extends the chain;
 * requests issued together overlap in the proxy and share one step of it. With a delay on every request
 * ({@link FaultInjectingProxy#delay}), independent requests overlap unless their issue times differ by more than the
 * delay, so the depth does not depend on how fast the machine is, only on the order of requests and answers.
 *
 * @param requests      requests in the phase
 * @param responseBytes bytes of the responses relayed (heads and bodies)
 * @param depth         sequential round trips (0 without requests)
 */
public record RequestChain(int requests, long responseBytes, int depth) {

    /** The chain of {@code requests} (in any order). */
    public static RequestChain of(List<FaultInjectingProxy.SeenRequest> requests) {
        List<FaultInjectingProxy.SeenRequest> byStart = new ArrayList<>(requests);
        byStart.sort(Comparator.comparingLong(FaultInjectingProxy.SeenRequest::startNanos));
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < byStart.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong(i -> byStart.get(i).endNanos()));
        int[] depths = new int[byStart.size()];
        int deepestAnswered = 0;
        int answered = 0;
        int depth = 0;
        long bytes = 0;
        for (int i = 0; i < byStart.size(); i++) {
            FaultInjectingProxy.SeenRequest r = byStart.get(i);
            // Every request answered before r arrived started before r too, so its depth is already known.
            while (answered < order.size() && byStart.get(order.get(answered)).endNanos() < r.startNanos()) {
                deepestAnswered = Math.max(deepestAnswered, depths[order.get(answered)]);
                answered++;
            }
            depths[i] = deepestAnswered + 1;
            depth = Math.max(depth, depths[i]);
            bytes += r.responseBytes();
        }
        return new RequestChain(byStart.size(), bytes, depth);
    }
}
