package dev.chromaj.index.text;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.chromaj.annotations.Internal;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A trigram plan for a {@code where_document} filter: the trigrams every matching document must contain.
 *
 * <p>The plan is a necessary condition only: the caller intersects the posting lists of {@link #requiredTrigrams()}
 * to get candidates and must then verify each candidate on its real text. When {@link #requiresScan()} is true no
 * trigram narrows the search (a literal shorter than three code points, or a regular expression without a safe
 * literal) and every document is a candidate. Negated filters ({@code $not_contains}, {@code $not_regex}) cannot use
 * the plan to exclude documents: they take the complement of the verified matches.
 */
@Internal
public final class TrigramQuery {

    private final Set<String> required;

    private TrigramQuery(Set<String> required) {
        this.required = Collections.unmodifiableSet(required);
    }

    /** Plans {@code $contains}: a case-sensitive substring test, so every trigram of the literal is required. */
    public static TrigramQuery contains(String literal) {
        return new TrigramQuery(new LinkedHashSet<>(Trigrams.of(literal)));
    }

    /**
     * Plans {@code $regex} for a pattern in RE2 syntax, matched with {@link com.google.re2j.Matcher#find()}.
     *
     * @throws IllegalArgumentException naming the pattern if it does not compile
     */
    public static TrigramQuery regex(String regex) {
        try {
            return regex(Pattern.compile(regex));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(
                    "regex is not a valid pattern: \"" + regex + "\": " + e.getDescription(), e);
        }
    }

    /**
     * Plans {@code $regex} for a compiled RE2/J pattern. Patterns compiled with flags (case-insensitive, dot-all,
     * multi-line, longest match) are planned as a scan; inline flags in the pattern make the analysis give up too.
     */
    public static TrigramQuery regex(Pattern pattern) {
        if (pattern.flags() != 0) {
            return scanAll();
        }
        Optional<List<List<String>>> branches = RegexFragments.of(pattern.pattern());
        if (branches.isEmpty()) {
            return scanAll();
        }
        // A match comes from one branch, so only trigrams required by every branch are required overall.
        Set<String> required = null;
        for (List<String> fragments : branches.get()) {
            Set<String> branchTrigrams = new LinkedHashSet<>();
            for (String fragment : fragments) {
                branchTrigrams.addAll(Trigrams.of(fragment));
            }
            if (required == null) {
                required = branchTrigrams;
            } else {
                required.retainAll(branchTrigrams);
            }
        }
        return new TrigramQuery(required == null ? new LinkedHashSet<>() : required);
    }

    /** A plan that narrows nothing: every document must be verified. */
    public static TrigramQuery scanAll() {
        return new TrigramQuery(new LinkedHashSet<>());
    }

    /** Trigrams every matching document contains; empty when {@link #requiresScan()}. */
    public Set<String> requiredTrigrams() {
        return required;
    }

    /** True when no trigram narrows the candidates and the caller must verify every document. */
    public boolean requiresScan() {
        return required.isEmpty();
    }

    /** True when a document with these trigrams may match (it holds every required trigram). */
    public boolean mayMatch(Set<String> documentTrigrams) {
        return documentTrigrams.containsAll(required);
    }

    @Override
    public String toString() {
        return requiresScan() ? "TrigramQuery[scan]" : "TrigramQuery" + required;
    }
}
