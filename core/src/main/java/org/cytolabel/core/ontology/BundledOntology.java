package org.cytolabel.core.ontology;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The Cell Ontology release (cl-basic.obo, 2022-12-15) and the label table shipped inside the core
 * jar, so that services and the CLI need no data directory. Loaded once.
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
                    ontology = CellOntology.load(extract("cl-basic.obo"));
                }
            }
        }
        return ontology;
    }

    public static LabelMap labelMap() {
        if (labels == null) {
            synchronized (BundledOntology.class) {
                if (labels == null) {
                    labels = LabelMap.load(extract("label_to_cl.tsv"));
                }
            }
        }
        return labels;
    }

    private static Path extract(String name) {
        try (InputStream in = BundledOntology.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " missing from the core jar");
            }
            Path tmp = Files.createTempFile("cytolabel-", "-" + name);
            try {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                return tmp;
            } finally {
                tmp.toFile().deleteOnExit();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
