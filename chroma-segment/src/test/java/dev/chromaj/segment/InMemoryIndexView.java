package dev.chromaj.segment;

import com.google.re2j.Pattern;
import dev.chromaj.segment.filter.FilterEvaluator;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.roaringbitmap.RoaringBitmap;

/** An {@link IndexView} over records held in memory, built from {@link MetadataPosting}s. */
final class InMemoryIndexView implements IndexView {

    private final RoaringBitmap live = new RoaringBitmap();
    private final Map<String, Integer> offsets = new HashMap<>();
    private final Map<Integer, String> documents = new HashMap<>();
    private final Map<MetadataPosting, RoaringBitmap> postings = new HashMap<>();
    private final Map<String, NavigableMap<Long, RoaringBitmap>> longs = new HashMap<>();
    private final Map<String, NavigableMap<Double, RoaringBitmap>> doubles = new HashMap<>();

    void add(int offset, String id, Map<String, Object> metadata, String document) {
        live.add(offset);
        offsets.put(id, offset);
        documents.put(offset, document);
        for (MetadataPosting p : MetadataPosting.of(metadata)) {
            postings.computeIfAbsent(p, k -> new RoaringBitmap()).add(offset);
            if (p.kind() == MetadataPosting.Kind.INT) {
                longs.computeIfAbsent(p.key(), k -> new TreeMap<>())
                        .computeIfAbsent((Long) p.value(), k -> new RoaringBitmap())
                        .add(offset);
            } else if (p.kind() == MetadataPosting.Kind.FLOAT) {
                doubles.computeIfAbsent(p.key(), k -> new TreeMap<>())
                        .computeIfAbsent((Double) p.value(), k -> new RoaringBitmap())
                        .add(offset);
            }
        }
    }

    @Override
    public RoaringBitmap live() {
        return live.clone();
    }

    private RoaringBitmap posting(MetadataPosting.Kind kind, String key, Object value) {
        RoaringBitmap b = postings.get(new MetadataPosting(kind, key, value));
        return b == null ? new RoaringBitmap() : b.clone();
    }

    @Override
    public RoaringBitmap strings(String key, String value) {
        return posting(MetadataPosting.Kind.STRING, key, value);
    }

    @Override
    public RoaringBitmap booleans(String key, boolean value) {
        return posting(MetadataPosting.Kind.BOOL, key, value);
    }

    @Override
    public RoaringBitmap integers(String key, long from, long to) {
        RoaringBitmap out = new RoaringBitmap();
        NavigableMap<Long, RoaringBitmap> m = longs.get(key);
        if (m != null && from <= to) {
            m.subMap(from, true, to, true).values().forEach(out::or);
        }
        return out;
    }

    @Override
    public RoaringBitmap floats(String key, double from, double to) {
        RoaringBitmap out = new RoaringBitmap();
        NavigableMap<Double, RoaringBitmap> m = doubles.get(key);
        if (m != null && from <= to) {
            m.subMap(from, true, to, true).values().forEach(out::or);
        }
        return out;
    }

    @Override
    public RoaringBitmap ids(Collection<String> ids) {
        RoaringBitmap out = new RoaringBitmap();
        for (String id : ids) {
            Integer o = offsets.get(id);
            if (o != null) {
                out.add(o);
            }
        }
        return out;
    }

    @Override
    public RoaringBitmap documentsContaining(String text) {
        return scan(new dev.chromaj.segment.filter.DocumentFilter.Contains(text, false));
    }

    @Override
    public RoaringBitmap documentsMatching(Pattern pattern) {
        return scan(new dev.chromaj.segment.filter.DocumentFilter.Regex(pattern, false));
    }

    private RoaringBitmap scan(dev.chromaj.segment.filter.DocumentFilter filter) {
        RoaringBitmap out = new RoaringBitmap();
        live.forEach((int o) -> {
            if (FilterEvaluator.matches(filter, documents.get(o))) {
                out.add(o);
            }
        });
        return out;
    }
}
