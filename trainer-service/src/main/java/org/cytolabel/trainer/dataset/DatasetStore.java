package org.cytolabel.trainer.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.cytolabel.core.data.CellDataset;
import org.cytolabel.core.data.CountCheck;
import org.cytolabel.core.data.DatasetReader;
import org.cytolabel.core.error.CytoLabelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Datasets uploaded to the trainer, one directory each under {@code root/datasets/<id>}. An upload
 * becomes visible only after it was parsed, checked for raw counts, and moved into place.
 */
public final class DatasetStore {
    private static final Logger LOG = LoggerFactory.getLogger(DatasetStore.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,100}");
    private static final int MAX_CATEGORIES = 50;

    private final Path root;
    private final Path datasets;
    private final Path incoming;
    private final long maxUploadBytes;
    private final Map<String, StoredDataset> byId = new ConcurrentHashMap<>();
    private final Map<String, CellDataset> loaded = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(8, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, CellDataset> e) {
                    return size() > 6;
                }
            });

    public DatasetStore(Path root, long maxUploadBytes) {
        this.root = root;
        this.datasets = root.resolve("datasets");
        this.incoming = root.resolve("incoming");
        this.maxUploadBytes = maxUploadBytes;
        try {
            Files.createDirectories(datasets);
            DatasetFiles.deleteRecursively(incoming);
            Files.createDirectories(incoming);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        scan();
    }

    /** The trainer's data directory (datasets, reports). */
    public Path root() {
        return root;
    }

    public DatasetUpload begin(String name, String format) {
        if (!NAME.matcher(name).matches()) {
            throw CytoLabelException.invalid("dataset name '" + name
                    + "' must be letters, digits, '.', '_' or '-' (at most 101 characters)");
        }
        if (!format.equals("h5ad") && !format.equals("10x")) {
            throw CytoLabelException.invalid("dataset format must be 'h5ad' or '10x', got '" + format + "'");
        }
        Path dir = incoming.resolve(UUID.randomUUID().toString());
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new DatasetUpload(name, format, dir, maxUploadBytes);
    }

    /** Parses and checks the upload, then moves it into the store; the upload is closed either way. */
    public StoredDataset commit(DatasetUpload upload) {
        try (upload) {
            upload.finishFile();
            Path dataPath = dataPath(upload.dir(), upload.format());
            CellDataset data = read(dataPath, upload);
            if (data.cells() == 0 || data.counts().cols() == 0) {
                throw CytoLabelException.invalid(upload.name() + " has " + data.cells() + " cells and "
                        + data.counts().cols() + " genes; upload a dataset with cells and genes");
            }
            CountCheck.requireRawCounts(data.counts(), upload.name());
            String sha = DatasetFiles.sha256(upload.dir());
            String id = upload.name() + "-" + sha.substring(0, 12);
            StoredDataset existing = byId.get(id);
            if (existing != null) {
                return existing;
            }
            Path target = datasets.resolve(id);
            writeMeta(upload.dir(), upload.name(), upload.format(), sha);
            try {
                Files.move(upload.dir(), target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            StoredDataset stored = describe(id, upload.name(), upload.format(), target, sha, data);
            byId.put(id, stored);
            loaded.put(id, data);
            LOG.info("stored dataset {} ({} cells x {} genes)", id, data.cells(), data.counts().cols());
            return stored;
        }
    }

    /** Reads an upload; a refusal names the uploaded files, not the trainer's temporary directory. */
    private static CellDataset read(Path dataPath, DatasetUpload upload) {
        try {
            return DatasetReader.read(dataPath);
        } catch (CytoLabelException e) {
            String dir = upload.dir().toString();
            String msg = e.getMessage().replace(dir + java.io.File.separator, "").replace(dir, upload.name());
            throw new CytoLabelException(e.kind(), msg, e);
        }
    }

    public StoredDataset get(String id) {
        StoredDataset d = byId.get(id);
        if (d == null) {
            throw CytoLabelException.notFound("no dataset '" + id + "'; upload it first (known: "
                    + byId.keySet().stream().sorted().toList() + ")");
        }
        return d;
    }

    public List<StoredDataset> list() {
        return byId.values().stream().sorted(Comparator.comparing(StoredDataset::id)).toList();
    }

    /** The parsed cells of a stored dataset (cached for the most recently used few). */
    public CellDataset load(String id) {
        StoredDataset d = get(id);
        return loaded.computeIfAbsent(id, k -> DatasetReader.read(dataPath(d.path(), d.format())));
    }

    private static Path dataPath(Path dir, String format) {
        if (format.equals("10x")) {
            return dir;
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> h5 = s.filter(p -> p.toString().endsWith(".h5ad")).toList();
            if (h5.size() != 1) {
                throw CytoLabelException.invalid("an h5ad dataset must contain exactly one .h5ad file, got "
                        + h5.size());
            }
            return h5.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private StoredDataset describe(String id, String name, String format, Path dir, String sha, CellDataset d) {
        Map<String, Map<String, Long>> cats = new TreeMap<>();
        for (var e : d.obs().entrySet()) {
            Map<String, Long> counts = new TreeMap<>();
            for (String v : e.getValue()) {
                counts.merge(v, 1L, Long::sum);
                if (counts.size() > MAX_CATEGORIES) {
                    break;
                }
            }
            if (counts.size() <= MAX_CATEGORIES) {
                cats.put(e.getKey(), counts);
            }
        }
        return new StoredDataset(id, name, format, dir, sha, d.cells(), d.counts().cols(),
                d.obs().keySet().stream().sorted().toList(), cats);
    }

    private static void writeMeta(Path dir, String name, String format, String sha) {
        Properties p = new Properties();
        p.setProperty("name", name);
        p.setProperty("format", format);
        p.setProperty("sha256", sha);
        try (OutputStream out = Files.newOutputStream(dir.resolve(".dataset.properties"))) {
            p.store(out, "CytoLabel dataset");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void scan() {
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> s = Files.list(datasets)) {
            s.filter(Files::isDirectory).forEach(dirs::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path dir : dirs) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(dir.resolve(".dataset.properties"))) {
                p.load(in);
                String id = dir.getFileName().toString();
                CellDataset data = DatasetReader.read(dataPath(dir, p.getProperty("format")));
                byId.put(id, describe(id, p.getProperty("name"), p.getProperty("format"), dir,
                        p.getProperty("sha256"), data));
            } catch (IOException | RuntimeException e) {
                LOG.warn("ignoring unreadable dataset directory {}: {}", dir, e.getMessage());
            }
        }
    }
}
