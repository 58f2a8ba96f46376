#!/usr/bin/python3
"""Annotate the cells of an .h5ad file with a CytoLabel model through the Annotate gRPC stream.

    /usr/bin/python3 clients/python/annotate.py --server localhost:50053 --model kang@production \
        --data data/h5ad/kang2018_muscat_example_sce.h5ad --out kang.csv

What it does (the protocol is proto/src/main/proto/cytolabel/annotation.proto):

1. compiles the .proto files into Python stubs in a temporary directory (grpc_tools, from Debian's
   python3-grpc-tools), so the stubs always match the checkout;
2. reads the gene ids (var) and cell ids (obs) of the h5ad file with h5py, and X (or
   layers/<name> with --layer, or raw/X with --raw): raw counts, stored as CSR, CSC or dense;
3. opens one bidirectional Annotate stream: an AnnotateHeader (model, the file's gene ids in
   column order, the outputs wanted), then CSR chunks of --chunk-size cells, at most --window
   chunks ahead of the answers, so memory stays flat however large the file is;
4. the server answers a StreamInfo (model version, gene overlap), then one ChunkResult per chunk,
   in order; each cell becomes a CSV row: cell_id, label, cell_ontology_id, probability, top_k,
   uncertainty (empty when the model reports none).

Needs only Debian packages: python3-grpcio python3-protobuf python3-grpc-tools python3-h5py
python3-numpy. Gene ids are matched by the server (symbol or Ensembl id, case-insensitive);
missing genes count as zero. Send raw UMI counts: normalised or log values are refused.
"""

import argparse
import csv
import os
import re
import shutil
import sys
import tempfile
import threading
import time

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PROTO_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "proto", "src", "main", "proto"))
SYMBOL_COLUMNS = ("symbol", "symbols", "gene_symbol", "gene_symbols", "gene_name", "gene_names",
                  "gene_short_name", "feature_name", "feature_names", "feature", "features", "gene", "genes", "name")
ENSEMBL = re.compile(r"ENS[A-Z]{0,10}G\d{11}(\.\d+)?", re.IGNORECASE)


def load_stubs(proto_dir):
    """Compiles annotation.proto and model.proto into a temporary directory and imports them."""
    try:
        import grpc_tools
        from grpc_tools import protoc
    except ImportError:
        sys.exit("error: grpc_tools is missing; install Debian's python3-grpc-tools "
                 "(apt-get install python3-grpc-tools) and run this with /usr/bin/python3")
    out = tempfile.mkdtemp(prefix="cytolabel-stubs-")
    well_known = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    args = ["protoc", "-I" + proto_dir, "-I" + well_known, "--python_out=" + out, "--grpc_python_out=" + out,
            os.path.join(proto_dir, "cytolabel", "model.proto"),
            os.path.join(proto_dir, "cytolabel", "annotation.proto")]
    if protoc.main(args) != 0:
        sys.exit("error: protoc could not compile the .proto files in " + proto_dir)
    sys.path.insert(0, out)
    try:
        from cytolabel import annotation_pb2, annotation_pb2_grpc, model_pb2  # noqa: E402
    finally:
        sys.path.remove(out)
        shutil.rmtree(out, ignore_errors=True)  # the modules are loaded; the files are not needed
    return annotation_pb2, annotation_pb2_grpc, model_pb2


# --- reading the h5ad file ---------------------------------------------------------------------

def _strings(dataset):
    return [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in dataset[()]]


def _column(group, name):
    """A dataframe column as strings: plain string arrays and categoricals (codes + categories)."""
    item = group[name]
    if isinstance(item, h5py.Group):  # categorical
        categories = _strings(item["categories"])
        return ["" if c < 0 else categories[c] for c in item["codes"][()]]
    return _strings(item)


def _index(group):
    name = group.attrs.get("_index", "_index")
    name = name.decode() if isinstance(name, bytes) else name
    return _column(group, name)


def _mostly_ensembl(values):
    filled = [v for v in values if v.strip()]
    return bool(filled) and sum(bool(ENSEMBL.fullmatch(v.strip())) for v in filled) >= 0.9 * len(filled)


def gene_ids(var, gene_column):
    """The gene ids to send, one per column of X, chosen as the Java CLI chooses them: --gene-column;
    else a symbol-named text column (SYMBOL, gene_symbols, feature_name, ...) that does not hold
    Ensembl ids; else, when the index holds Ensembl ids, the first other text column of mostly
    distinct non-Ensembl values; else the index (var_names). Empty symbols fall back to the index."""
    if gene_column:
        if gene_column not in var:
            sys.exit("error: var has no column %r; it has %s" % (gene_column, sorted(var.keys())))
        return _column(var, gene_column)
    index = _index(var)
    text = {}
    for key in var.attrs.get("column-order", []):
        key = key.decode() if isinstance(key, bytes) else str(key)
        item = var.get(key)
        is_text = (isinstance(item, h5py.Group) and "categories" in item and item["categories"].dtype.kind in "OSU") \
            or (isinstance(item, h5py.Dataset) and item.dtype.kind in "OSU")
        if is_text and len(item["codes"] if isinstance(item, h5py.Group) else item) == len(index):
            text[key] = _column(var, key)
    symbols = None
    for wanted in SYMBOL_COLUMNS:
        symbols = next((v for k, v in text.items() if k.lower() == wanted and not _mostly_ensembl(v)), None)
        if symbols is not None:
            break
    if symbols is None and _mostly_ensembl(index):
        symbols = next((v for v in text.values() if not _mostly_ensembl(v) and len(set(v)) > len(v) // 2), None)
    if symbols is None:
        return index
    return [s if s.strip() else i for s, i in zip(symbols, index)]


class H5adCounts:
    """Rows of the count matrix as CSR slices, read block by block (CSR, dense) or once (CSC)."""

    def __init__(self, path, layer=None, raw=False, gene_column=None):
        self.file = h5py.File(path, "r")
        if raw:
            if "raw" not in self.file:
                sys.exit("error: %s has no raw/ group; drop --raw" % path)
            x, var = self.file["raw/X"], self.file["raw/var"]
        elif layer:
            if "layers/" + layer not in self.file:
                sys.exit("error: %s has no layers/%s; it has %s" % (path, layer, list(self.file["layers"].keys())))
            x, var = self.file["layers/" + layer], self.file["var"]
        else:
            x, var = self.file["X"], self.file["var"]
        self.genes = gene_ids(var, gene_column)
        self.cell_ids = _index(self.file["obs"])
        self.x = x
        if isinstance(x, h5py.Dataset):
            self.kind = "dense"
            self.shape = x.shape
        else:
            self.kind = x.attrs.get("encoding-type", x.attrs.get("h5sparse_format", "csr"))
            self.kind = self.kind.decode() if isinstance(self.kind, bytes) else self.kind
            self.shape = tuple(int(v) for v in x.attrs.get("shape", x.attrs.get("h5sparse_shape")))
            self.indptr = x["indptr"][()].astype(np.int64)
            if self.kind.startswith("csc"):
                self._csc_to_csr(x)
        if self.shape != (len(self.cell_ids), len(self.genes)):
            sys.exit("error: X is %s but there are %d cell ids and %d gene ids"
                     % (self.shape, len(self.cell_ids), len(self.genes)))

    def _csc_to_csr(self, x):
        """A CSC matrix cannot be sliced by rows: convert it whole (fine up to a few 10^8 non-zeros)."""
        data, rows = x["data"][()], x["indices"][()]
        cols = np.repeat(np.arange(self.shape[1], dtype=np.int32), np.diff(self.indptr))
        order = np.lexsort((cols, rows))
        self.csr = (rows[order], cols[order], data[order])
        self.indptr = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=self.shape[0])))).astype(np.int64)

    def __len__(self):
        return self.shape[0]

    def rows(self, start, stop):
        """(indptr from 0, column indices, float32 values) of rows start..stop-1."""
        if self.kind == "dense":
            block = np.asarray(self.x[start:stop], dtype=np.float32)
            r, c = np.nonzero(block)
            indptr = np.concatenate(([0], np.cumsum(np.bincount(r, minlength=stop - start))))
            return indptr, c.astype(np.int32), block[r, c]
        lo, hi = int(self.indptr[start]), int(self.indptr[stop])
        indptr = self.indptr[start:stop + 1] - lo
        if self.kind.startswith("csc"):
            _, cols, data = self.csr
            return indptr, cols[lo:hi], np.asarray(data[lo:hi], dtype=np.float32)
        indices = self.x["indices"][lo:hi].astype(np.int32)
        data = np.asarray(self.x["data"][lo:hi], dtype=np.float32)
        return indptr, indices, data

    def close(self):
        self.file.close()


class Progress:
    """Cells done, percent and rate on stderr: redrawn in place on a terminal, a line a second otherwise."""

    def __init__(self, total):
        self.total, self.started, self.last = total, time.time(), 0.0
        self.tty = sys.stderr.isatty()

    def show(self, done, force=False):
        now = time.time()
        if not force and now - self.last < (0.1 if self.tty else 1.0):
            return
        self.last = now
        line = "annotated %d/%d cells (%.0f%%, %.0f cells/s)" % (
            done, self.total, 100.0 * done / max(self.total, 1), done / max(now - self.started, 1e-9))
        print("\r" + line if self.tty else line, end="" if self.tty else "\n", file=sys.stderr, flush=True)

    def finish(self, done):
        self.show(done, force=True)
        if self.tty:
            print(file=sys.stderr)


# --- streaming ---------------------------------------------------------------------------------

def model_ref(pb_model, text):
    """name, name@alias or name:version."""
    if "@" in text:
        name, alias = text.split("@", 1)
        return pb_model.ModelRef(name=name, alias=alias)
    if ":" in text:
        name, version = text.rsplit(":", 1)
        return pb_model.ModelRef(name=name, version=int(version))
    return pb_model.ModelRef(name=text)


def requests(pb, model, counts, args, window, stopped):
    """The header, then one CSR chunk at a time; waits while `window` chunks are unanswered."""
    yield pb.AnnotateRequest(header=pb.AnnotateHeader(
        model=model, gene_ids=counts.genes, min_gene_overlap=args.min_overlap,
        outputs=pb.OutputOptions(top_k=args.top_k, unassigned_below=args.unassigned_below)))
    for start in range(0, len(counts), args.chunk_size):
        window.acquire()
        if stopped.is_set():
            return
        stop = min(start + args.chunk_size, len(counts))
        indptr, indices, values = counts.rows(start, stop)
        yield pb.AnnotateRequest(chunk=pb.CellChunk(
            cell_ids=counts.cell_ids[start:stop], indptr=indptr.tolist(), indices=indices.tolist(),
            values=values.tolist()))


def main():
    p = argparse.ArgumentParser(description="Annotate an .h5ad file through CytoLabel's Annotate stream.")
    p.add_argument("--server", default="localhost:50053", help="inference host:port (default: %(default)s)")
    p.add_argument("--model", required=True, help="name, name@alias or name:version, e.g. pbmc@production")
    p.add_argument("--data", required=True, help="the .h5ad file")
    p.add_argument("--out", required=True, help="the CSV file to write")
    p.add_argument("--layer", help="read the counts from layers/<LAYER> (e.g. counts) instead of X")
    p.add_argument("--raw", action="store_true", help="read the counts from raw/X (and genes from raw/var)")
    p.add_argument("--gene-column", help="var column with the gene ids (default: a symbol column, else the index)")
    p.add_argument("--chunk-size", type=int, default=1000, help="cells per message (default: %(default)s)")
    p.add_argument("--window", type=int, default=4, help="chunks in flight (default: %(default)s)")
    p.add_argument("--top-k", type=int, default=3)
    p.add_argument("--unassigned-below", type=float, default=0.0,
                   help="label cells whose top probability is below this 'Unassigned'")
    p.add_argument("--min-overlap", type=float, default=0.0,
                   help="fraction of the model's genes the data must have (0: the server's default)")
    p.add_argument("--proto-dir", default=os.environ.get("CYTOLABEL_PROTO_DIR", DEFAULT_PROTO_DIR),
                   help="directory with cytolabel/*.proto (default: the checkout's)")
    args = p.parse_args()
    if args.chunk_size < 1 or args.window < 1:
        sys.exit("error: --chunk-size and --window must be at least 1")

    pb, pb_grpc, pb_model = load_stubs(args.proto_dir)
    import grpc

    counts = H5adCounts(args.data, layer=args.layer, raw=args.raw, gene_column=args.gene_column)
    n = len(counts)
    window, stopped = threading.Semaphore(args.window), threading.Event()
    channel = grpc.insecure_channel(args.server, options=[("grpc.max_receive_message_length", 64 << 20),
                                                          ("grpc.max_send_message_length", 64 << 20)])
    stub = pb_grpc.AnnotatorStub(channel)
    progress, done, expected_chunk = Progress(n), 0, 0
    try:
        with open(args.out, "w", newline="", encoding="utf-8") as f:
            out = csv.writer(f, lineterminator="\n")
            out.writerow(["cell_id", "label", "cell_ontology_id", "probability", "top_k", "uncertainty"])
            for response in stub.Annotate(requests(pb, model_ref(pb_model, args.model), counts, args, window, stopped)):
                if response.HasField("info"):
                    info = response.info
                    print("model %s:%d; %d of the model's %d genes found (%.1f%%)" % (
                        info.model.name, info.model.version, info.overlap.matched, info.overlap.model_genes,
                        100 * info.overlap.fraction), file=sys.stderr)
                    continue
                result = response.result
                if result.chunk_index != expected_chunk:
                    sys.exit("error: chunk %d arrived where chunk %d was expected" % (result.chunk_index,
                                                                                      expected_chunk))
                expected_chunk += 1
                window.release()
                for c in result.cells:
                    top = ";".join("%s:%.4f" % (s.label, s.probability) for s in c.top_k)
                    out.writerow([c.cell_id, c.label, c.cell_ontology_id, "%.6f" % c.probability, top,
                                  "%.6f" % c.uncertainty if c.uncertainty != 0 else ""])
                done += len(result.cells)
                progress.show(done)
    except grpc.RpcError as e:
        print(file=sys.stderr)
        sys.exit("error: %s: %s" % (e.code().name, e.details()))
    finally:
        stopped.set()
        for _ in range(args.window):
            window.release()  # lets the request thread finish if the stream ended early
        channel.close()
        counts.close()
    progress.finish(done)
    if done != n:
        sys.exit("error: %d of %d cells were answered" % (done, n))
    print("wrote %d cells to %s" % (done, args.out))


if __name__ == "__main__":
    main()
