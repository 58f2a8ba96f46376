package org.cytolabel.core.ontology;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.cytolabel.core.error.CytoLabelException;

/**
 * The Cell Ontology's {@code is_a} hierarchy, read from an OBO 1.2 file (e.g. {@code cl-basic.obo}).
 *
 * <p>Immutable and thread-safe. Ancestor and descendant sets are computed once per term on first use and
 * cached, so repeated queries (one per cell when scoring) are map look-ups.
 */
public final class CellOntology {
    private final Map<String, OntologyTerm> terms;
    private final Map<String, List<String>> children;
    private final Map<String, Set<String>> ancestorCache = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> descendantCache = new ConcurrentHashMap<>();

    private CellOntology(Map<String, OntologyTerm> terms) {
        this.terms = Collections.unmodifiableMap(terms);
        Map<String, List<String>> kids = new HashMap<>();
        for (OntologyTerm t : terms.values()) {
            for (String p : t.parents()) {
                kids.computeIfAbsent(p, k -> new ArrayList<>()).add(t.id());
            }
        }
        this.children = kids;
    }

    /** Parses an OBO file; only {@code [Term]} stanzas are kept ({@code [Typedef]} and others are skipped). */
    public static CellOntology load(Path obo) {
        if (!Files.isRegularFile(obo)) {
            throw CytoLabelException.notFound("Cell Ontology file " + obo + " does not exist;"
                    + " pass the path of an OBO file such as data/ontology/cl-basic.obo");
        }
        try (BufferedReader in = Files.newBufferedReader(obo, StandardCharsets.UTF_8)) {
            return parse(in, obo.toString());
        } catch (IOException e) {
            throw CytoLabelException.invalid("cannot read Cell Ontology file " + obo + ": " + e.getMessage()
                    + "; check that it is a readable OBO 1.2 text file", e);
        }
    }

    /** Parses an OBO stream (e.g. a classpath resource); {@code source} names it in errors. */
    public static CellOntology load(java.io.InputStream in, String source) {
        try (BufferedReader r = new BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8))) {
            return parse(r, source);
        } catch (IOException e) {
            throw CytoLabelException.invalid("cannot read Cell Ontology " + source + ": " + e.getMessage(), e);
        }
    }

    static CellOntology parse(BufferedReader in, String source) throws IOException {
        Map<String, OntologyTerm> terms = new LinkedHashMap<>();
        StanzaBuilder current = null;
        String line;
        int lineNo = 0;
        while ((line = in.readLine()) != null) {
            lineNo++;
            String s = line.strip();
            if (s.startsWith("[")) {
                addTerm(terms, current);
                current = s.equals("[Term]") ? new StanzaBuilder(lineNo) : null;
                continue;
            }
            if (current == null || s.isEmpty() || s.startsWith("!")) {
                continue;
            }
            int colon = s.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String tag = s.substring(0, colon);
            String value = s.substring(colon + 1).strip();
            switch (tag) {
                case "id" -> current.id = value;
                case "name" -> current.name = value;
                case "is_a" -> current.parents.add(stripQualifiersAndComment(value));
                case "is_obsolete" -> current.obsolete = value.equalsIgnoreCase("true");
                default -> { }
            }
        }
        addTerm(terms, current);
        if (terms.isEmpty()) {
            throw CytoLabelException.invalid("no [Term] stanzas found in " + source
                    + "; expected an OBO 1.2 ontology such as cl-basic.obo");
        }
        return new CellOntology(terms);
    }

    private static void addTerm(Map<String, OntologyTerm> terms, StanzaBuilder b) {
        if (b == null) {
            return;
        }
        if (b.id == null || b.id.isEmpty()) {
            throw CytoLabelException.invalid("[Term] stanza at line " + b.line + " has no id; fix the OBO file");
        }
        terms.put(b.id, new OntologyTerm(b.id, b.name, b.parents, b.obsolete));
    }

    /** {@code CL:0000034 {is_inferred="true"} ! stem cell} becomes {@code CL:0000034}. */
    static String stripQualifiersAndComment(String value) {
        String v = value;
        int bang = v.indexOf('!');
        if (bang >= 0) {
            v = v.substring(0, bang);
        }
        int brace = v.indexOf('{');
        if (brace >= 0) {
            v = v.substring(0, brace);
        }
        return v.strip();
    }

    /** The term with this id, if the ontology has it (obsolete terms included). */
    public Optional<OntologyTerm> term(String id) {
        return Optional.ofNullable(id == null ? null : terms.get(id));
    }

    /** The term's name, or {@code ""} when the id is unknown. */
    public String name(String id) {
        OntologyTerm t = id == null ? null : terms.get(id);
        return t == null ? "" : t.name();
    }

    /** Whether the ontology has a term with this id. */
    public boolean contains(String id) {
        return id != null && terms.containsKey(id);
    }

    /** All terms' ids, in file order. */
    public Set<String> ids() {
        return terms.keySet();
    }

    /** Transitive {@code is_a} ancestors, excluding the term itself; empty for unknown ids. */
    public Set<String> ancestors(String id) {
        return closure(id, ancestorCache, x -> {
            OntologyTerm t = terms.get(x);
            return t == null ? List.of() : t.parents();
        });
    }

    /** Transitive {@code is_a} descendants, excluding the term itself; empty for unknown ids. */
    public Set<String> descendants(String id) {
        return closure(id, descendantCache, x -> children.getOrDefault(x, List.of()));
    }

    /** True when {@code candidate} equals {@code ancestor} or is one of its transitive {@code is_a} descendants. */
    public boolean isSelfOrDescendant(String candidate, String ancestor) {
        if (candidate == null || ancestor == null) {
            return false;
        }
        return candidate.equals(ancestor) || ancestors(candidate).contains(ancestor);
    }

    /** Number of {@code [Term]} stanzas, obsolete ones included. */
    public int size() {
        return terms.size();
    }

    private Set<String> closure(String id, Map<String, Set<String>> cache, Function<String, List<String>> next) {
        if (id == null || !terms.containsKey(id)) {
            return Set.of();
        }
        Set<String> cached = cache.get(id);
        if (cached != null) {
            return cached;
        }
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(next.apply(id));
        while (!todo.isEmpty()) {
            String x = todo.pop();
            if (!x.equals(id) && seen.add(x)) {
                todo.addAll(next.apply(x));
            }
        }
        Set<String> result = Collections.unmodifiableSet(seen);
        cache.putIfAbsent(id, result);
        return result;
    }

    private static final class StanzaBuilder {
        final int line;
        String id;
        String name;
        final List<String> parents = new ArrayList<>();
        boolean obsolete;

        StanzaBuilder(int line) {
            this.line = line;
        }
    }
}
