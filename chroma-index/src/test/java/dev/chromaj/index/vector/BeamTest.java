package dev.chromaj.index.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BeamTest {

    private record Pair(int node, float distance) {}

    @Test
    void keeps_the_ef_closest_pairs_sorted_by_distance_then_node_and_remembers_what_was_expanded() {
        Random random = new Random(11);
        Beam beam = new Beam();
        for (int round = 0; round < 300; round++) {
            int ef = 1 + random.nextInt(100);
            beam.reset(ef);
            List<Pair> all = new ArrayList<>();
            List<Integer> expandedNodes = new ArrayList<>();
            for (int node = 0; node < 400; node++) {
                // few distinct distances (negative ones too), so ties are common
                float d = random.nextInt(60) / 4f - 5f;
                all.add(new Pair(node, d));
                int pos = beam.insert(node, d);
                if (pos < beam.size()) {
                    assertEquals(node, beam.node(pos));
                    assertFalse(beam.isExpanded(pos));
                    if (random.nextInt(3) == 0) {
                        beam.markExpanded(pos);
                        expandedNodes.add(node);
                    }
                }
                assertTrue(beam.size() <= ef);
            }
            List<Pair> expected = all.stream()
                    .sorted(Comparator.comparingDouble(Pair::distance).thenComparingInt(Pair::node))
                    .limit(ef)
                    .toList();
            assertEquals(expected.size(), beam.size());
            for (int i = 0; i < beam.size(); i++) {
                assertEquals(expected.get(i).node(), beam.node(i), "node at " + i);
                assertEquals(expected.get(i).distance(), beam.distance(i), "distance at " + i);
                assertEquals(expandedNodes.contains(beam.node(i)), beam.isExpanded(i), "expanded flag at " + i);
            }
            assertEquals(expected.get(expected.size() - 1).distance(), beam.worstDistance());
            int first = 0;
            while (first < beam.size() && beam.isExpanded(first)) {
                first++;
            }
            assertEquals(first, beam.nextUnexpanded(0));
            assertEquals(beam.isFull(), beam.size() == ef);
        }
    }

    @Test
    void a_full_beam_keeps_out_a_pair_not_closer_than_its_worst() {
        Beam beam = new Beam();
        beam.reset(2);
        assertEquals(0, beam.insert(5, 1f));
        assertEquals(1, beam.insert(3, 2f));
        assertEquals(2, beam.insert(9, 2f), "equal distance, larger node: after the worst, kept out");
        assertEquals(2, beam.insert(1, 3f));
        assertEquals(1, beam.insert(1, 2f), "equal distance, smaller node: sorts before the worst");
        assertEquals(List.of(5, 1), List.of(beam.node(0), beam.node(1)));
        assertEquals(0, beam.insert(7, -0.5f));
        assertEquals(List.of(7, 5), List.of(beam.node(0), beam.node(1)));
    }
}
