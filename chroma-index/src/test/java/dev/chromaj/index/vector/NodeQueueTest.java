package dev.chromaj.index.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NodeQueueTest {

    private record Pair(int node, float distance) {}

    /** Drains a queue: the order its pops give. */
    private static List<Integer> drain(NodeQueue q) {
        List<Integer> out = new ArrayList<>();
        while (!q.isEmpty()) {
            out.add(q.pop());
        }
        return out;
    }

    @Test
    void bounded_farthest_first_queue_with_replace_top_keeps_the_closest_pairs() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            int ef = 1 + random.nextInt(20);
            NodeQueue queue = NodeQueue.farthestFirst(4);
            List<Pair> all = new ArrayList<>();
            for (int node = 0; node < 300; node++) {
                // few distinct distances, so ties are common
                float d = random.nextInt(40) / 4f - 2f;
                all.add(new Pair(node, d));
                if (queue.size() < ef) {
                    queue.push(node, d);
                } else if (d < queue.topDistance()) {
                    queue.replaceTop(node, d);
                }
            }
            // the reference: the ef closest pairs, ties by the node (the key's low bits), farthest first
            List<Integer> expected = all.stream()
                    .sorted(Comparator.comparingDouble(Pair::distance).thenComparingInt(Pair::node))
                    .limit(ef)
                    .sorted(Comparator.comparingDouble(Pair::distance)
                            .thenComparingInt(Pair::node)
                            .reversed())
                    .map(Pair::node)
                    .toList();
            List<Float> kept = new ArrayList<>();
            for (int node : expected) {
                kept.add(all.get(node).distance());
            }
            List<Integer> got = drain(queue);
            List<Float> gotDistances = new ArrayList<>();
            for (int node : got) {
                gotDistances.add(all.get(node).distance());
            }
            // the same multiset of distances in the same order; nodes may differ only within a tie at the boundary
            assertEquals(kept, gotDistances, "round " + round + ", ef " + ef);
            assertEquals(ef, new HashSet<>(got).size(), "distinct nodes kept");
        }
    }

    @Test
    void closest_first_queue_pops_in_ascending_distance_after_replace_top() {
        NodeQueue queue = NodeQueue.closestFirst(2);
        float[] distances = {5f, 1f, 3f, -2f, 8f, 0f, 0f, 7f};
        for (int i = 0; i < distances.length; i++) {
            queue.push(i, distances[i]);
        }
        assertEquals(3, queue.topNode());
        queue.replaceTop(9, 4f); // -2 leaves, 4 enters
        List<Integer> order = drain(queue);
        assertEquals(List.of(5, 6, 1, 2, 9, 0, 7, 4), order);
    }
}
