package org.cytolabel.core.data;

import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.object.datatype.EnumDataType;
import java.util.List;

/** Null-returning look-ups over a jhdf tree, so absent optional parts need no exceptions. */
final class H5Nodes {
    private H5Nodes() {
    }

    /** The node at a slash-separated path below {@code root}, or null when any part is absent. */
    static Node find(Group root, String path) {
        Node node = root;
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (!(node instanceof Group g)) {
                return null;
            }
            node = g.getChildren().get(part);
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    static Dataset dataset(Group root, String path) {
        return find(root, path) instanceof Dataset d ? d : null;
    }

    /** A string attribute (scalar or one-element array), or null. */
    static String stringAttr(Node node, String name) {
        Attribute a = node.getAttributes().get(name);
        if (a == null || a.isEmpty()) {
            return null;
        }
        Object v = a.getData();
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof String[] arr && arr.length > 0) {
            return arr[0];
        }
        return null;
    }

    /** A string-array attribute (such as {@code column-order}), or null; empty when empty. */
    static List<String> stringsAttr(Node node, String name) {
        Attribute a = node.getAttributes().get(name);
        if (a == null) {
            return null;
        }
        if (a.isEmpty()) {
            return List.of();
        }
        Object v = a.getData();
        if (v instanceof String s) {
            return List.of(s);
        }
        return v instanceof String[] arr ? List.of(arr) : null;
    }

    /** An integer-array attribute (such as {@code shape}), or null. */
    static long[] longsAttr(Node node, String name) {
        Attribute a = node.getAttributes().get(name);
        if (a == null || a.isEmpty()) {
            return null;
        }
        Object v = a.getData();
        if (v instanceof Number n) {
            return new long[] {n.longValue()};
        }
        return H5Arrays.toLong(v);
    }

    /**
     * The AnnData encoding of a node: its {@code encoding-type}, or for files from anndata
     * before 0.8 the {@code h5sparse_format} of a sparse group ("csr" → "csr_matrix").
     */
    static String encoding(Node node) {
        String enc = stringAttr(node, "encoding-type");
        if (enc != null) {
            return enc;
        }
        String legacy = stringAttr(node, "h5sparse_format");
        return legacy == null ? null : legacy + "_matrix";
    }

    /** A 1-D dataset as strings; HDF5 booleans (h5py enums) as True / False. */
    static List<String> strings(Dataset d) {
        List<String> values = H5Arrays.toStrings(d.getData());
        if (d.getDataType() instanceof EnumDataType) {
            return values.stream().map(H5Nodes::pythonBool).toList();
        }
        return values;
    }

    private static String pythonBool(String v) {
        return switch (v) {
            case "TRUE" -> "True";
            case "FALSE" -> "False";
            default -> v;
        };
    }
}
