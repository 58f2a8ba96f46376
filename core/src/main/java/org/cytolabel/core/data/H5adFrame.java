package org.cytolabel.core.data;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cytolabel.core.error.CytoLabelException;

/**
 * An AnnData dataframe ({@code obs}, {@code var}, {@code raw/var}) with every column as strings.
 * Reads the three encodings AnnData has used:
 * <ul>
 *   <li>0.8+: a group; categoricals are groups holding {@code categories} and {@code codes};
 *       nullable columns are groups holding {@code values} and {@code mask};</li>
 *   <li>0.7: a group; categoricals are integer code datasets with their categories in
 *       {@code __categories/<col>};</li>
 *   <li>0.6: a compound dataset with an {@code index} field; categories in
 *       {@code uns/<col>_categories}.</li>
 * </ul>
 * Category code -1 (missing) reads as "".
 */
final class H5adFrame {
    private final HdfFile file;
    private final String path;
    private final Group group;
    private final Map<String, Object> compound;
    private final String indexName;

    private H5adFrame(HdfFile file, String path, Group group, Map<String, Object> compound,
            String indexName) {
        this.file = file;
        this.path = path;
        this.group = group;
        this.compound = compound;
        this.indexName = indexName;
    }

    /** The dataframe at {@code path}, or null when the file has none there. */
    @SuppressWarnings("unchecked")
    static H5adFrame open(HdfFile file, String path) {
        Node node = H5Nodes.find(file, path);
        if (node instanceof Group g) {
            String index = H5Nodes.stringAttr(g, "_index");
            if (index == null) {
                index = g.getChildren().containsKey("_index") ? "_index" : "index";
            }
            return new H5adFrame(file, path, g, null, index);
        }
        if (node instanceof Dataset d && d.isCompound()) {
            Map<String, Object> fields = (Map<String, Object>) d.getData();
            String index = fields.containsKey("index") ? "index" : "_index";
            return new H5adFrame(file, path, null, fields, index);
        }
        return null;
    }

    /** The row names; null when the frame stores none. */
    List<String> index() {
        if (compound != null) {
            Object v = compound.get(indexName);
            return v == null ? null : H5Arrays.toStrings(v);
        }
        Dataset d = H5Nodes.dataset(group, indexName);
        return d == null ? null : H5Nodes.strings(d);
    }

    /** Column names in the file's order ({@code column-order}), without the index. */
    List<String> columnNames() {
        List<String> names = new ArrayList<>();
        if (compound != null) {
            compound.keySet().stream().filter(k -> !k.equals(indexName)).forEach(names::add);
            return names;
        }
        List<String> order = H5Nodes.stringsAttr(group, "column-order");
        if (order != null) {
            return order;
        }
        group.getChildren().keySet().stream()
                .filter(k -> !k.equals(indexName) && !k.equals("__categories"))
                .sorted().forEach(names::add);
        return names;
    }

    /** The named column, decoded; throws when there is no such column. */
    List<String> column(String name) {
        return read(name).values();
    }

    /** The named column with whether it holds text (categorical or string values). */
    Column read(String name) {
        if (compound != null) {
            Object v = compound.get(name);
            if (v == null || name.equals(indexName)) {
                throw missing(name);
            }
            List<String> cats = unsCategories(name);
            if (cats != null) {
                return new Column(decode(name, cats, H5Arrays.toLong(v)), true);
            }
            return new Column(H5Arrays.toStrings(v), v instanceof String[]);
        }
        Node node = group.getChildren().get(name);
        if (node == null || name.equals(indexName)) {
            throw missing(name);
        }
        if (node instanceof Group g) {
            return readGroupColumn(name, g);
        }
        Dataset d = (Dataset) node;
        List<String> cats = legacyCategories(name);
        if (cats != null) {
            return new Column(decode(name, cats, H5Arrays.toLong(d.getData())), true);
        }
        return new Column(H5Nodes.strings(d), d.getJavaType() == String.class);
    }

    private Column readGroupColumn(String name, Group g) {
        Dataset codes = H5Nodes.dataset(g, "codes");
        Dataset categories = H5Nodes.dataset(g, "categories");
        if (codes != null && categories != null) {
            List<String> cats = H5Nodes.strings(categories);
            return new Column(decode(name, cats, H5Arrays.toLong(codes.getData())), true);
        }
        Dataset values = H5Nodes.dataset(g, "values");
        Dataset mask = H5Nodes.dataset(g, "mask");
        if (values != null && mask != null) {
            List<String> v = new ArrayList<>(H5Nodes.strings(values));
            List<String> m = H5Nodes.strings(mask);
            for (int i = 0; i < v.size(); i++) {
                if (m.get(i).equals("True") || m.get(i).equals("1")) {
                    v.set(i, "");
                }
            }
            return new Column(v, values.getJavaType() == String.class);
        }
        throw CytoLabelException.invalid(path + " column '" + name + "' has encoding '"
                + H5Nodes.encoding(g) + "', which this reader cannot decode; store it as a string, "
                + "number or categorical column (e.g. df['" + name + "'] = df['" + name
                + "'].astype(str)) and write the file again");
    }

    /** 0.7 categories ({@code __categories/<col>}) or 0.6 ones ({@code uns/<col>_categories}). */
    private List<String> legacyCategories(String name) {
        Dataset d = H5Nodes.dataset(group, "__categories/" + name);
        if (d != null) {
            return H5Nodes.strings(d);
        }
        String version = H5Nodes.stringAttr(group, "encoding-version");
        return version == null ? unsCategories(name) : null;
    }

    private List<String> unsCategories(String name) {
        Dataset d = H5Nodes.dataset(file, "uns/" + name + "_categories");
        return d == null ? null : H5Nodes.strings(d);
    }

    private List<String> decode(String name, List<String> categories, long[] codes) {
        List<String> out = new ArrayList<>(codes.length);
        for (long c : codes) {
            if (c < 0) {
                out.add("");
            } else if (c >= categories.size()) {
                throw CytoLabelException.invalid(path + " column '" + name + "' has category code "
                        + c + " but only " + categories.size() + " categories; the file is damaged: "
                        + "write it again with anndata");
            } else {
                out.add(categories.get((int) c));
            }
        }
        return out;
    }

    private CytoLabelException missing(String name) {
        return CytoLabelException.invalid(path + " has no column '" + name + "'; it has "
                + columnNames());
    }

    /** A decoded column; {@code text} is false for numeric and boolean columns. */
    record Column(List<String> values, boolean text) {
    }
}
