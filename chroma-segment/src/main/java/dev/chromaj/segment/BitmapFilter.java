package dev.chromaj.segment;

import dev.chromaj.segment.filter.DocumentFilter;
import dev.chromaj.segment.filter.MetadataFilter;
import java.util.List;
import org.roaringbitmap.RoaringBitmap;

/**
 * Evaluates filter trees into offset bitmaps over an {@link IndexView}, with exactly the semantics of the
 * record-at-a-time {@code FilterEvaluator}: array values match element-wise, negations are complements over the live
 * records (so they match records lacking the key or holding another type), ordering operators match numbers only,
 * and integers and floats compare exactly with each other (both indexes are queried with converted bounds).
 */
final class BitmapFilter {

    private final IndexView index;
    private RoaringBitmap live;

    BitmapFilter(IndexView index) {
        this.index = index;
    }

    /** Live records matching both filters; a null filter matches everything. */
    RoaringBitmap evaluate(MetadataFilter where, DocumentFilter whereDocument) {
        RoaringBitmap result = null;
        if (where != null) {
            result = metadata(where);
        }
        if (whereDocument != null && (result == null || !result.isEmpty())) {
            RoaringBitmap docs = document(whereDocument);
            result = result == null ? docs : RoaringBitmap.and(result, docs);
        }
        return result == null ? live().clone() : result;
    }

    private RoaringBitmap live() {
        if (live == null) {
            live = index.live();
        }
        return live;
    }

    private RoaringBitmap complement(RoaringBitmap positive) {
        return RoaringBitmap.andNot(live(), positive);
    }

    RoaringBitmap metadata(MetadataFilter filter) {
        if (filter instanceof MetadataFilter.And and) {
            return all(and.children());
        }
        if (filter instanceof MetadataFilter.Or or) {
            RoaringBitmap union = new RoaringBitmap();
            for (MetadataFilter child : or.children()) {
                union.or(metadata(child));
            }
            return union;
        }
        if (filter instanceof MetadataFilter.IdIn idIn) {
            RoaringBitmap ids = index.ids(idIn.ids());
            ids.and(live());
            return ids;
        }
        if (filter instanceof MetadataFilter.Membership m) {
            RoaringBitmap union = new RoaringBitmap();
            for (Object value : m.values()) {
                union.or(equalTo(m.key(), value));
            }
            return m.negated() ? complement(union) : union;
        }
        if (filter instanceof MetadataFilter.ArrayContains c) {
            RoaringBitmap positive = equalTo(c.key(), c.value());
            return c.negated() ? complement(positive) : positive;
        }
        MetadataFilter.Comparison cmp = (MetadataFilter.Comparison) filter;
        return switch (cmp.op()) {
            case EQ -> equalTo(cmp.key(), cmp.value());
            case NE -> complement(equalTo(cmp.key(), cmp.value()));
            default -> {
                if (!NumericRange.isNumber(cmp.value())) {
                    throw new IllegalArgumentException(
                            "Operator " + cmp.op() + " on key '" + cmp.key() + "' takes a number, got " + cmp.value());
                }
                yield numbers(cmp.key(), NumericRange.of(cmp.op(), (Number) cmp.value()));
            }
        };
    }

    /** Intersection of the children, evaluating negated leaves as and-not against the running result. */
    private RoaringBitmap all(List<MetadataFilter> children) {
        RoaringBitmap result = null;
        for (MetadataFilter child : children) {
            if (result != null && result.isEmpty()) {
                return result;
            }
            RoaringBitmap negatedPositive = negatedLeafPositive(child);
            if (negatedPositive != null && result != null) {
                result.andNot(negatedPositive);
                continue;
            }
            RoaringBitmap bitmap = negatedPositive != null ? complement(negatedPositive) : metadata(child);
            if (result == null) {
                result = bitmap;
            } else {
                result.and(bitmap);
            }
        }
        return result == null ? live().clone() : result;
    }

    /** For a negated leaf ($ne, $nin, $not_contains) the positive bitmap it negates; otherwise null. */
    private RoaringBitmap negatedLeafPositive(MetadataFilter filter) {
        if (filter instanceof MetadataFilter.Comparison cmp && cmp.op() == MetadataFilter.Op.NE) {
            return equalTo(cmp.key(), cmp.value());
        }
        if (filter instanceof MetadataFilter.Membership m && m.negated()) {
            RoaringBitmap union = new RoaringBitmap();
            for (Object value : m.values()) {
                union.or(equalTo(m.key(), value));
            }
            return union;
        }
        if (filter instanceof MetadataFilter.ArrayContains c && c.negated()) {
            return equalTo(c.key(), c.value());
        }
        return null;
    }

    private RoaringBitmap equalTo(String key, Object value) {
        if (value instanceof String s) {
            return index.strings(key, s);
        }
        if (value instanceof Boolean b) {
            return index.booleans(key, b);
        }
        if (NumericRange.isNumber(value)) {
            return numbers(key, NumericRange.of(MetadataFilter.Op.EQ, (Number) value));
        }
        throw new IllegalArgumentException(
                "filter value of key '" + key + "' must be a string, number or boolean, got " + value);
    }

    private RoaringBitmap numbers(String key, NumericRange range) {
        RoaringBitmap result =
                range.hasIntegers() ? index.integers(key, range.longFrom(), range.longTo()) : new RoaringBitmap();
        if (range.hasFloats()) {
            result.or(index.floats(key, range.doubleFrom(), range.doubleTo()));
        }
        return result;
    }

    RoaringBitmap document(DocumentFilter filter) {
        if (filter instanceof DocumentFilter.And and) {
            RoaringBitmap result = null;
            for (DocumentFilter child : and.children()) {
                if (result != null && result.isEmpty()) {
                    return result;
                }
                RoaringBitmap bitmap = document(child);
                if (result == null) {
                    result = bitmap;
                } else {
                    result.and(bitmap);
                }
            }
            return result == null ? live().clone() : result;
        }
        if (filter instanceof DocumentFilter.Or or) {
            RoaringBitmap union = new RoaringBitmap();
            for (DocumentFilter child : or.children()) {
                union.or(document(child));
            }
            return union;
        }
        if (filter instanceof DocumentFilter.Contains c) {
            RoaringBitmap positive = index.documentsContaining(c.text());
            return c.negated() ? complement(positive) : positive;
        }
        DocumentFilter.Regex r = (DocumentFilter.Regex) filter;
        RoaringBitmap positive = index.documentsMatching(r.pattern());
        return r.negated() ? complement(positive) : positive;
    }
}
