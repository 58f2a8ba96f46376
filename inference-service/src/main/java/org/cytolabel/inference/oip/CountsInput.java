package org.cytolabel.inference.oip;

import com.google.protobuf.ByteString;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import org.cytolabel.core.data.CountCheck;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.proto.oip.InferTensorContents;
import org.cytolabel.proto.oip.ModelInferRequest;
import org.cytolabel.proto.oip.ModelInferRequest.InferInputTensor;

/**
 * The raw-count tensor of a ModelInfer request, checked against the model and decoded into a sparse
 * matrix of N cells x G genes (the model's panel, in panel order: OIP does no gene alignment).
 * The data come as little-endian {@code raw_input_contents[0]} or as {@code contents.fp32_contents};
 * {@code raw} says which, so the response can answer in the same form.
 *
 * @param counts the cells' counts (zeros left out)
 * @param raw    whether the request sent raw little-endian bytes
 */
record CountsInput(CsrMatrix counts, boolean raw) {
    static final String DATATYPE = "FP32";

    /** Reads one float by its flat row-major index. */
    private interface FloatSource {
        float get(int index);
    }

    /**
     * Validates and decodes the request's input for a model called {@code model} whose input is
     * {@code inputName} [N, {@code genes}], refusing more than {@code maxCells} cells.
     */
    static CountsInput decode(ModelInferRequest request, String model, String inputName, int genes, int maxCells) {
        String expected = inputName + " " + DATATYPE + " [N, " + genes + "]";
        if (request.getInputsCount() != 1) {
            throw CytoLabelException.invalid(model + " takes one input, " + expected + " (N cells x the model's "
                    + genes + " panel genes, raw counts); the request has " + request.getInputsCount()
                    + " inputs " + request.getInputsList().stream().map(InferInputTensor::getName).toList());
        }
        InferInputTensor in = request.getInputs(0);
        if (!in.getName().equals(inputName)) {
            throw CytoLabelException.invalid(model + " has no input '" + in.getName() + "'; its one input is "
                    + expected);
        }
        if (!DATATYPE.equals(in.getDatatype())) {
            throw CytoLabelException.invalid(inputName + " must be " + DATATYPE + " [N, " + genes
                    + "] (raw UMI counts as 32-bit floats), got datatype '" + in.getDatatype() + "'");
        }
        List<Long> shape = in.getShapeList();
        if (shape.size() != 2 || shape.get(1) != genes || shape.get(0) < 1) {
            throw CytoLabelException.invalid(inputName + " must have shape [N, " + genes + "]: N >= 1 cells x the "
                    + genes + " genes of " + model + "'s panel, in panel order (ModelMetadata); got " + shape);
        }
        long n = shape.get(0);
        if (n > maxCells) {
            throw new CytoLabelException(ErrorKind.RESOURCE_EXHAUSTED, n + " cells in one request is over the limit"
                    + " of " + maxCells + " for " + model + " (ModelConfig max_batch_size); split them into requests"
                    + " of at most " + maxCells + " cells, e.g. several on one ModelStreamInfer stream");
        }
        int rows = (int) n;
        long values = n * genes;
        FloatSource source;
        boolean raw = request.getRawInputContentsCount() > 0;
        if (raw) {
            if (request.getRawInputContentsCount() != 1) {
                throw CytoLabelException.invalid("raw_input_contents has " + request.getRawInputContentsCount()
                        + " entries but there is one input; send one entry per input, in the order of inputs");
            }
            if (in.hasContents()) {
                throw CytoLabelException.invalid(inputName + " has both contents and raw_input_contents;"
                        + " send the data in one of them");
            }
            ByteString bytes = request.getRawInputContents(0);
            if (bytes.size() != values * Float.BYTES) {
                throw CytoLabelException.invalid("raw_input_contents[0] has " + bytes.size() + " bytes but "
                        + inputName + " " + DATATYPE + " " + shape + " needs " + values * Float.BYTES
                        + " (4 bytes per value, little-endian, row-major, no padding)");
            }
            FloatBuffer floats = bytes.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            source = floats::get;
        } else {
            InferTensorContents c = in.getContents();
            if (c.getFp32ContentsCount() != values) {
                throw CytoLabelException.invalid(inputName + " " + DATATYPE + " " + shape + " needs " + values
                        + " values in contents.fp32_contents (or " + values * Float.BYTES
                        + " bytes in raw_input_contents), got " + c.getFp32ContentsCount()
                        + otherContents(c));
            }
            source = c::getFp32Contents;
        }
        CsrMatrix counts = toCsr(source, rows, genes, inputName);
        CountCheck.requireRawCounts(counts, inputName);
        return new CountsInput(counts, raw);
    }

    private static String otherContents(InferTensorContents c) {
        int other = c.getBoolContentsCount() + c.getIntContentsCount() + c.getInt64ContentsCount()
                + c.getUintContentsCount() + c.getUint64ContentsCount() + c.getFp64ContentsCount()
                + c.getBytesContentsCount();
        return other == 0 ? "" : " (and " + other + " values in other contents fields: FP32 data go in fp32_contents)";
    }

    /** The dense values as CSR, refusing values that cannot be counts. */
    private static CsrMatrix toCsr(FloatSource source, int rows, int genes, String inputName) {
        int[] indptr = new int[rows + 1];
        int[] indices = new int[Math.max(16, rows * 64)];
        float[] data = new float[indices.length];
        int nnz = 0;
        int at = 0;
        for (int r = 0; r < rows; r++) {
            for (int g = 0; g < genes; g++, at++) {
                float v = source.get(at);
                if (v == 0f) {
                    continue;
                }
                if (!(v > 0f) || !Float.isFinite(v)) {
                    throw CytoLabelException.invalid(inputName + " must hold raw UMI counts, but cell " + r
                            + ", gene " + g + " is " + v + "; send raw counts (e.g. adata.raw.X or"
                            + " adata.layers[\"counts\"]), not scaled or normalised values");
                }
                if (nnz == indices.length) {
                    indices = Arrays.copyOf(indices, nnz * 2);
                    data = Arrays.copyOf(data, nnz * 2);
                }
                indices[nnz] = g;
                data[nnz++] = v;
            }
            indptr[r + 1] = nnz;
        }
        return new CsrMatrix(rows, genes, indptr, Arrays.copyOf(indices, nnz), Arrays.copyOf(data, nnz));
    }
}
