#!/usr/bin/env node
// Annotate the cells of a 10x Cell Ranger directory with a CytoLabel model through the Annotate
// gRPC stream.
//
//   node clients/node/annotate.js --server localhost:50053 --model kang@production \
//       --data data/10x/kang2018_ctrl_stim --out kang.csv
//
// What it does (the protocol is proto/src/main/proto/cytolabel/annotation.proto):
//  1. loads the .proto files at run time with @grpc/proto-loader (no generated code);
//  2. reads matrix.mtx(.gz) (genes x cells, MatrixMarket coordinates), features.tsv(.gz) or
//     genes.tsv(.gz) (the gene symbol, column 2, is sent; the id where there is none) and
//     barcodes.tsv(.gz), and turns the matrix into cell-major CSR;
//  3. opens one bidirectional Annotate stream: an AnnotateHeader (model, gene ids in column order,
//     outputs wanted), then CSR chunks of --chunk-size cells, at most --window chunks ahead of the
//     answers and only while the stream's buffer drains (backpressure);
//  4. the server answers a StreamInfo (model version, gene overlap), then one ChunkResult per
//     chunk, in order; each cell becomes a CSV row: cell_id, label, cell_ontology_id, probability,
//     top_k, uncertainty (empty when the model reports none).
'use strict';

const fs = require('fs');
const path = require('path');
const readline = require('readline');
const zlib = require('zlib');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const DEFAULT_PROTO_DIR = path.resolve(__dirname, '..', '..', 'proto', 'src', 'main', 'proto');

function usage(message) {
  if (message) console.error(`error: ${message}`);
  console.error(`usage: node annotate.js --model NAME[@ALIAS|:VERSION] --data 10X_DIR --out FILE.csv
  [--server localhost:50053] [--chunk-size 1000] [--window 4] [--top-k 3] [--unassigned-below 0]
  [--min-overlap 0] [--proto-dir DIR (default: the checkout's proto/src/main/proto)]`);
  process.exit(2);
}

function parseArgs(argv) {
  const a = {
    server: 'localhost:50053', chunkSize: 1000, window: 4, topK: 3, unassignedBelow: 0, minOverlap: 0,
    protoDir: process.env.CYTOLABEL_PROTO_DIR || DEFAULT_PROTO_DIR,
  };
  const names = {
    '--server': ['server', String], '--model': ['model', String], '--data': ['data', String],
    '--out': ['out', String], '--chunk-size': ['chunkSize', Number], '--window': ['window', Number],
    '--top-k': ['topK', Number], '--unassigned-below': ['unassignedBelow', Number],
    '--min-overlap': ['minOverlap', Number], '--proto-dir': ['protoDir', String],
  };
  for (let i = 0; i < argv.length; i++) {
    let flag = argv[i];
    let value;
    if (flag === '-h' || flag === '--help') usage();
    if (flag.includes('=')) [flag, value] = [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)];
    const spec = names[flag];
    if (!spec) usage(`unknown option ${flag}`);
    if (value === undefined) {
      if (i + 1 >= argv.length) usage(`${flag} needs a value`);
      value = argv[++i];
    }
    a[spec[0]] = spec[1](value);
    if (spec[1] === Number && !Number.isFinite(a[spec[0]])) usage(`${flag} needs a number, got '${value}'`);
  }
  for (const required of ['model', 'data', 'out']) if (!a[required]) usage(`--${required} is required`);
  if (a.chunkSize < 1 || a.window < 1) usage('--chunk-size and --window must be at least 1');
  return a;
}

// --- reading the 10x directory ------------------------------------------------------------------

function find(dir, name) {
  for (const n of [`${name}.gz`, name]) {
    const p = path.join(dir, n);
    if (fs.existsSync(p)) return p;
  }
  return null;
}

function lines(file) {
  let input = fs.createReadStream(file);
  if (file.endsWith('.gz')) input = input.pipe(zlib.createGunzip());
  return readline.createInterface({ input, crlfDelay: Infinity });
}

async function readList(file) {
  const out = [];
  for await (const line of lines(file)) if (line.trim() !== '') out.push(line);
  return out;
}

/** Reads the directory; returns {genes, barcodes, indptr, indices, values} as cell-major CSR. */
async function read10x(dir) {
  const matrixFile = find(dir, 'matrix.mtx');
  const featureFile = find(dir, 'features.tsv') || find(dir, 'genes.tsv');
  const barcodeFile = find(dir, 'barcodes.tsv');
  if (!matrixFile || !featureFile || !barcodeFile) {
    throw new Error(`${dir} is not a 10x directory: it needs matrix.mtx(.gz), features.tsv(.gz) or genes.tsv(.gz), `
      + 'and barcodes.tsv(.gz)');
  }
  const genes = (await readList(featureFile)).map((l) => {
    const t = l.split('\t');
    return t.length > 1 && t[1].trim() !== '' ? t[1].trim() : t[0].trim();
  });
  const barcodes = (await readList(barcodeFile)).map((l) => l.trim());

  // MatrixMarket coordinates: a banner, comments, "rows cols nnz", then "gene cell value" (1-based)
  let shape = null;
  let gene, cell, value, k = 0;
  for await (const line of lines(matrixFile)) {
    if (line.startsWith('%') || line.trim() === '') continue;
    const t = line.trim().split(/\s+/);
    if (shape === null) {
      shape = t.map(Number);
      if (shape[0] !== genes.length || shape[1] !== barcodes.length) {
        throw new Error(`matrix is ${shape[0]} genes x ${shape[1]} cells but there are ${genes.length} genes and `
          + `${barcodes.length} barcodes: the files come from different runs`);
      }
      gene = new Int32Array(shape[2]);
      cell = new Int32Array(shape[2]);
      value = new Float32Array(shape[2]);
      continue;
    }
    gene[k] = Number(t[0]) - 1;
    cell[k] = Number(t[1]) - 1;
    value[k] = Number(t[2]);
    k++;
  }
  if (shape === null || k !== shape[2]) throw new Error(`${matrixFile} is truncated: ${k} of ${shape && shape[2]} entries`);

  // counting sort by cell, then genes ascending within each cell
  const nCells = barcodes.length;
  const indptr = new Float64Array(nCells + 1);
  for (let i = 0; i < k; i++) indptr[cell[i] + 1]++;
  for (let c = 0; c < nCells; c++) indptr[c + 1] += indptr[c];
  const next = Float64Array.from(indptr.subarray(0, nCells));
  const indices = new Int32Array(k);
  const values = new Float32Array(k);
  for (let i = 0; i < k; i++) {
    const at = next[cell[i]]++;
    indices[at] = gene[i];
    values[at] = value[i];
  }
  for (let c = 0; c < nCells; c++) {
    const from = indptr[c];
    const to = indptr[c + 1];
    let sorted = true;
    for (let j = from + 1; j < to && sorted; j++) sorted = indices[j - 1] < indices[j];
    if (sorted) continue;
    const order = Array.from({ length: to - from }, (_, j) => from + j).sort((x, y) => indices[x] - indices[y]);
    const idx = order.map((j) => indices[j]);
    const val = order.map((j) => values[j]);
    indices.set(idx, from);
    values.set(val, from);
  }
  return { genes, barcodes, indptr, indices, values };
}

// --- streaming ----------------------------------------------------------------------------------

function modelRef(text) {
  if (text.includes('@')) {
    const at = text.indexOf('@');
    return { name: text.slice(0, at), alias: text.slice(at + 1) };
  }
  const colon = text.lastIndexOf(':');
  if (colon > 0) return { name: text.slice(0, colon), version: Number(text.slice(colon + 1)) };
  return { name: text };
}

function csvField(s) {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function annotator(protoDir, server) {
  const definition = protoLoader.loadSync(path.join(protoDir, 'cytolabel', 'annotation.proto'), {
    includeDirs: [protoDir], keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true,
  });
  const proto = grpc.loadPackageDefinition(definition);
  return new proto.annotation.v1.Annotator(server, grpc.credentials.createInsecure(), {
    'grpc.max_receive_message_length': 64 << 20, 'grpc.max_send_message_length': 64 << 20,
  });
}

/** Streams every cell; resolves with the number of cells written. */
function annotate(client, data, args, out) {
  const n = data.barcodes.length;
  const chunks = Math.ceil(n / args.chunkSize);
  const started = Date.now();
  const tty = process.stderr.isTTY;
  let lastDraw = 0;
  let sent = 0;
  let answered = 0;
  let written = 0;
  let waitingForDrain = false;
  let ended = false;

  return new Promise((resolve, reject) => {
    const call = client.Annotate();

    function chunk(c) {
      const from = c * args.chunkSize;
      const to = Math.min(n, from + args.chunkSize);
      const lo = data.indptr[from];
      const hi = data.indptr[to];
      const indptr = [];
      for (let i = from; i <= to; i++) indptr.push(data.indptr[i] - lo);
      return {
        chunk: {
          cell_ids: data.barcodes.slice(from, to),
          indptr,
          indices: Array.from(data.indices.subarray(lo, hi)),
          values: Array.from(data.values.subarray(lo, hi)),
        },
      };
    }

    // sends while fewer than `window` chunks are unanswered and the stream's buffer takes more
    function pump() {
      while (!waitingForDrain && sent < chunks && sent - answered < args.window) {
        const ok = call.write(chunk(sent++));
        if (!ok) {
          waitingForDrain = true;
          call.once('drain', () => {
            waitingForDrain = false;
            pump();
          });
        }
      }
      if (sent === chunks && !ended) {
        ended = true;
        call.end();
      }
    }

    function progress(force) {
      const now = Date.now();
      if (!force && now - lastDraw < (tty ? 100 : 1000)) return;
      lastDraw = now;
      const rate = written / Math.max((now - started) / 1000, 1e-9);
      const line = `annotated ${written}/${n} cells (${Math.round((100 * written) / Math.max(n, 1))}%, `
        + `${Math.round(rate)} cells/s)`;
      process.stderr.write(tty ? `\r${line}` : `${line}\n`);
    }

    call.on('data', (response) => {
      if (response.part === 'info') {
        const { model, overlap } = response.info;
        process.stderr.write(`model ${model.name}:${model.version}; ${overlap.matched} of the model's `
          + `${overlap.model_genes} genes found (${(100 * overlap.fraction).toFixed(1)}%)\n`);
        return;
      }
      const result = response.result;
      if (Number(result.chunk_index) !== answered) {
        call.cancel();
        reject(new Error(`chunk ${result.chunk_index} arrived where chunk ${answered} was expected`));
        return;
      }
      answered++;
      for (const c of result.cells) {
        const top = c.top_k.map((s) => `${s.label}:${s.probability.toFixed(4)}`).join(';');
        out.write(`${[csvField(c.cell_id), csvField(c.label), c.cell_ontology_id, c.probability.toFixed(6),
          csvField(top), c.uncertainty !== 0 ? c.uncertainty.toFixed(6) : ''].join(',')}\n`);
      }
      written += result.cells.length;
      progress(false);
      pump();
    });
    // 'status' comes once, after the last message: it decides; 'error' repeats a non-OK status
    call.on('error', () => {});
    call.on('status', (status) => {
      if (written > 0) progress(true);
      if (tty && written > 0) process.stderr.write('\n');
      if (status.code !== grpc.status.OK) {
        reject(new Error(`${grpc.status[status.code] || status.code}: ${status.details}`));
      } else if (written !== n) {
        reject(new Error(`${written} of ${n} cells were answered`));
      } else {
        resolve(written);
      }
    });

    call.write({
      header: {
        model: modelRef(args.model),
        gene_ids: data.genes,
        min_gene_overlap: args.minOverlap,
        outputs: { top_k: args.topK, unassigned_below: args.unassignedBelow },
      },
    });
    pump();
  });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const data = await read10x(args.data);
  process.stderr.write(`${data.barcodes.length} cells x ${data.genes.length} genes, ${data.indices.length} `
    + `non-zeros from ${args.data}\n`);
  const client = annotator(args.protoDir, args.server);
  const out = fs.createWriteStream(args.out);
  out.write('cell_id,label,cell_ontology_id,probability,top_k,uncertainty\n');
  try {
    const cells = await annotate(client, data, args, out);
    await new Promise((resolve, reject) => out.end((e) => (e ? reject(e) : resolve())));
    console.log(`wrote ${cells} cells to ${args.out}`);
  } finally {
    client.close();
  }
}

main().catch((e) => {
  console.error(`error: ${e.message}`);
  process.exit(1);
});
