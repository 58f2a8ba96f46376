package org.cytolabel.core.ontology;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.function.BiFunction;

/**
 * The Cell Ontology release (cl-basic.obo, 2022-12-15) and the label table shipped inside the core
 * jar, so that services and the CLI need no data directory. Loaded once, straight from the jar.
 */
public final class BundledOntology {
    private static volatile CellOntology ontology;
    private static volatile LabelMap labels;

    private BundledOntology() {
    }

    public static CellOntology cellOntology() {
        if (ontology == null) {
            synchronized (BundledOntology.class) {
                if (ontology == null) {
                    ontology = read("cl-basic.obo", CellOntology::load);
                }
            }
        }
        return ontology;
    }

    public static LabelMap labelMap() {
        if (labels == null) {
            synchronized (BundledOntology.class) {
                if (labels == null) {
                    labels = read("label_to_cl.tsv", LabelMap::load);
                }
            }
        }
        return labels;
    }

    private static <T> T read(String name, BiFunction<InputStream, String, T> parser) {
        try (InputStream in = BundledOntology.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the core jar; rebuild it");
            }
            return parser.apply(in, "bundled " + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
