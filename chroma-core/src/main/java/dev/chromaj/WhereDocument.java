package dev.chromaj;

import com.google.re2j.Pattern;
import dev.chromaj.segment.filter.DocumentFilter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A document filter ({@code where_document} in Chroma): case-sensitive substring and regular-expression tests on
 * each record's document, combined with {@code $and} and {@code $or}. Immutable and thread-safe.
 *
 * <p>A record without a document matches only the negated forms ({@code $not_contains}, {@code $not_regex}), except
 * that a regular expression matching the empty string matches every record, as in Chroma. Regular expressions are
 * found anywhere in the document ({@code find()} semantics) and are compiled when the filter is built, with Chroma's
 * syntax (that of the Rust {@code regex} crate) on a linear-time engine (RE2/J): no pattern can make a query
 * backtrack for minutes. Constructs such an engine cannot run (backreferences, look-around, possessive quantifiers)
 * are rejected; see {@link #regex(String)}.
 */
public final class WhereDocument {

    private final DocumentFilter filter;

    private WhereDocument(DocumentFilter filter) {
        this.filter = filter;
    }

    /** The filter AST evaluated by the engine. */
    DocumentFilter filter() {
        return filter;
    }

    /**
     * {@code {"$contains": text}}: the document contains {@code text} (case-sensitive).
     *
     * @param text a non-empty substring
     * @return the filter
     * @throws InvalidArgumentException if the text is null or empty
     */
    public static WhereDocument contains(String text) {
        return new WhereDocument(new DocumentFilter.Contains(textOperand(text, "$contains"), false));
    }

    /**
     * {@code {"$not_contains": text}}: the document does not contain {@code text}, or there is no document.
     *
     * @param text a non-empty substring
     * @return the filter
     * @throws InvalidArgumentException if the text is null or empty
     */
    public static WhereDocument notContains(String text) {
        return new WhereDocument(new DocumentFilter.Contains(textOperand(text, "$not_contains"), true));
    }

    /**
     * {@code {"$regex": pattern}}: the pattern is found in the document. Syntax: literals and escapes, classes
     * ({@code [a-z]}, {@code [^...]}, {@code [[:alpha:]]}, {@code \pL}, {@code \p{Greek}}, {@code \d \w \s}, which
     * are ASCII-only), repetitions ({@code * + ? {n} {n,} {n,m}} and their lazy forms), groups ({@code (...)},
     * {@code (?:...)}, {@code (?P<name>...)}, {@code (?<name>...)}), flags {@code i m s U}, anchors
     * {@code ^ $ \A \z \b \B}, Unicode escapes {@code \x{..}} and <code>&#92;u{..}</code>. Matching takes time
     * linear in the document.
     *
     * @param pattern a non-empty regular expression
     * @return the filter
     * @throws InvalidArgumentException if the pattern is empty or does not compile, or uses a construct that is not
     *     supported (backreferences, look-around, atomic groups, possessive quantifiers, nested classes and class set
     *     operations, the verbose flag {@code x}); the message names the pattern and the construct
     */
    public static WhereDocument regex(String pattern) {
        return new WhereDocument(new DocumentFilter.Regex(compile(pattern, "$regex"), false));
    }

    /**
     * {@code {"$not_regex": pattern}}: the pattern is not found in the document, or there is no document.
     *
     * @param pattern a non-empty regular expression
     * @return the filter
     * @throws InvalidArgumentException if the pattern is empty or does not compile
     */
    public static WhereDocument notRegex(String pattern) {
        return new WhereDocument(new DocumentFilter.Regex(compile(pattern, "$not_regex"), true));
    }

    /**
     * {@code {"$and": [...]}}: every child matches. A single child is returned as is.
     *
     * @param children one or more filters
     * @return the filter
     * @throws InvalidArgumentException if there is no child or a child is null
     */
    public static WhereDocument and(WhereDocument... children) {
        return and(children == null ? null : Arrays.asList(children));
    }

    /**
     * {@code {"$and": [...]}}: every child matches. A single child is returned as is.
     *
     * @param children one or more filters
     * @return the filter
     * @throws InvalidArgumentException if there is no child or a child is null
     */
    public static WhereDocument and(List<WhereDocument> children) {
        List<DocumentFilter> filters = childFilters("$and", children);
        return filters.size() == 1 ? children.get(0) : new WhereDocument(new DocumentFilter.And(filters));
    }

    /**
     * {@code {"$or": [...]}}: some child matches. A single child is returned as is.
     *
     * @param children one or more filters
     * @return the filter
     * @throws InvalidArgumentException if there is no child or a child is null
     */
    public static WhereDocument or(WhereDocument... children) {
        return or(children == null ? null : Arrays.asList(children));
    }

    /**
     * {@code {"$or": [...]}}: some child matches. A single child is returned as is.
     *
     * @param children one or more filters
     * @return the filter
     * @throws InvalidArgumentException if there is no child or a child is null
     */
    public static WhereDocument or(List<WhereDocument> children) {
        List<DocumentFilter> filters = childFilters("$or", children);
        return filters.size() == 1 ? children.get(0) : new WhereDocument(new DocumentFilter.Or(filters));
    }

    private static List<DocumentFilter> childFilters(String op, List<WhereDocument> children) {
        if (children == null || children.isEmpty()) {
            throw new InvalidArgumentException(
                    "Expected " + op + " to have at least one where document expression, got none");
        }
        List<DocumentFilter> filters = new ArrayList<>(children.size());
        for (WhereDocument child : children) {
            if (child == null) {
                throw new InvalidArgumentException(
                        "Expected " + op + " children to be where document expressions, got null");
            }
            filters.add(child.filter);
        }
        return filters;
    }

    private static String textOperand(Object text, String op) {
        if (!(text instanceof String s)) {
            throw new InvalidArgumentException("Expected where document operand value for operator " + op
                    + " to be a str, got " + Json.describe(text));
        }
        if (s.isEmpty()) {
            throw new InvalidArgumentException(
                    "Expected where document operand value for operator " + op + " to be a non-empty str");
        }
        return WellFormedText.check("where document operand value for operator " + op, s);
    }

    private static Pattern compile(Object pattern, String op) {
        return DocumentRegex.compile(textOperand(pattern, op), op);
    }

    /**
     * Parses Chroma's JSON {@code where_document} syntax, e.g.
     * {@code {"$and": [{"$contains": "vector"}, {"$not_regex": "(?i)draft"}]}}.
     *
     * @param json the JSON text
     * @return the filter
     * @throws InvalidArgumentException naming the offending part when the text is not a valid filter
     */
    public static WhereDocument parse(String json) {
        return new WhereDocument(parseExpression(Json.parse(json, "where document")));
    }

    /**
     * Builds a filter from an already-parsed JSON object.
     *
     * @param whereDocument the {@code where_document} object
     * @return the filter
     * @throws InvalidArgumentException naming the offending part when the object is not a valid filter
     */
    public static WhereDocument fromMap(Map<String, ?> whereDocument) {
        return new WhereDocument(parseExpression(whereDocument));
    }

    private static DocumentFilter parseExpression(Object node) {
        if (!(node instanceof Map<?, ?> map)) {
            throw new InvalidArgumentException(
                    "Expected where document to be a dictionary, got " + Json.describe(node));
        }
        if (map.size() != 1) {
            throw new InvalidArgumentException(
                    "Expected where document to have exactly one operator, got " + Json.describe(map));
        }
        Map.Entry<?, ?> entry = map.entrySet().iterator().next();
        String op = String.valueOf(entry.getKey());
        Object operand = entry.getValue();
        switch (op) {
            case "$and", "$or" -> {
                if (!(operand instanceof List<?> list)) {
                    throw new InvalidArgumentException("Expected document value for $and or $or to be a list of"
                            + " where document expressions, got " + Json.describe(operand));
                }
                if (list.size() < 2) {
                    throw new InvalidArgumentException("Expected document value for $and or $or to be a list with"
                            + " at least two where document expressions, got " + Json.describe(operand));
                }
                List<DocumentFilter> children = new ArrayList<>(list.size());
                for (Object child : list) {
                    children.add(parseExpression(child));
                }
                return op.equals("$and") ? new DocumentFilter.And(children) : new DocumentFilter.Or(children);
            }
            case "$contains" -> {
                return new DocumentFilter.Contains(textOperand(operand, op), false);
            }
            case "$not_contains" -> {
                return new DocumentFilter.Contains(textOperand(operand, op), true);
            }
            case "$regex" -> {
                return new DocumentFilter.Regex(compile(operand, op), false);
            }
            case "$not_regex" -> {
                return new DocumentFilter.Regex(compile(operand, op), true);
            }
            default ->
                throw new InvalidArgumentException("Expected where document operator to be one of $contains,"
                        + " $not_contains, $regex, $not_regex, $and, $or, got " + op);
        }
    }

    /**
     * This filter in Chroma's JSON syntax; {@link #parse(String)} of the result gives an equivalent filter.
     *
     * @return the JSON text
     */
    public String toJson() {
        return Json.write(toMap());
    }

    /**
     * This filter as plain maps and lists.
     *
     * @return a new mutable map
     */
    public Map<String, Object> toMap() {
        return toMap(filter);
    }

    private static Map<String, Object> toMap(DocumentFilter filter) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (filter instanceof DocumentFilter.And and) {
            out.put("$and", childMaps(and.children()));
        } else if (filter instanceof DocumentFilter.Or or) {
            out.put("$or", childMaps(or.children()));
        } else if (filter instanceof DocumentFilter.Contains c) {
            out.put(c.negated() ? "$not_contains" : "$contains", c.text());
        } else {
            DocumentFilter.Regex r = (DocumentFilter.Regex) filter;
            out.put(r.negated() ? "$not_regex" : "$regex", r.pattern().pattern());
        }
        return out;
    }

    private static List<Object> childMaps(List<DocumentFilter> children) {
        List<Object> out = new ArrayList<>(children.size());
        for (DocumentFilter child : children) {
            out.add(toMap(child));
        }
        return out;
    }

    /** Equal when the JSON forms are equal (compiled patterns have no equality of their own). */
    @Override
    public boolean equals(Object o) {
        return o instanceof WhereDocument other && toJson().equals(other.toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    /**
     * The filter's JSON.
     *
     * @return {@link #toJson()}
     */
    @Override
    public String toString() {
        return toJson();
    }
}
