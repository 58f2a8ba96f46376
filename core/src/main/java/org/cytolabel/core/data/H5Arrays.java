package org.cytolabel.core.data;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts the arrays jhdf returns (one Java type per HDF5 type: {@code byte[]} for int8,
 * {@code short[]} for int16/uint8, {@code int[]} for int32/uint16, {@code long[]} for
 * int64/uint32, {@code BigInteger[]} for uint64, {@code float[]}, {@code double[]},
 * {@code String[]}, {@code boolean[]}) to the few types the readers work with.
 */
final class H5Arrays {
    private H5Arrays() {
    }

    /** Any numeric 1-D array as floats (counts beyond 2^24 lose precision, as in float32 X). */
    static float[] toFloat(Object a) {
        if (a instanceof float[] f) {
            return f;
        }
        int n = length(a);
        float[] out = new float[n];
        if (a instanceof double[] d) {
            for (int i = 0; i < n; i++) {
                out[i] = (float) d[i];
            }
        } else if (a instanceof int[] v) {
            for (int i = 0; i < n; i++) {
                out[i] = v[i];
            }
        } else if (a instanceof long[] v) {
            for (int i = 0; i < n; i++) {
                out[i] = v[i];
            }
        } else if (a instanceof short[] v) {
            for (int i = 0; i < n; i++) {
                out[i] = v[i];
            }
        } else if (a instanceof byte[] v) {
            for (int i = 0; i < n; i++) {
                out[i] = v[i];
            }
        } else if (a instanceof BigInteger[] v) {
            for (int i = 0; i < n; i++) {
                out[i] = v[i].floatValue();
            }
        } else if (a instanceof boolean[] v) {
            for (int i = 0; i < n; i++) {
                out[i] = v[i] ? 1f : 0f;
            }
        } else {
            throw new IllegalArgumentException("not a numeric array: " + a.getClass().getSimpleName());
        }
        return out;
    }

    /** Any integer 1-D array as longs (offsets such as CSR indptr). */
    static long[] toLong(Object a) {
        if (a instanceof long[] l) {
            return l;
        }
        int n = length(a);
        long[] out = new long[n];
        if (a instanceof int[] v) {
            for (int i = 0; i < n; i++) {
                out[i] = v[i];
            }
        } else if (a instanceof short[] v) {
            for (int i = 0; i < n; i++) {
                out[i] = v[i];
            }
        } else if (a instanceof byte[] v) {
            for (int i = 0; i < n; i++) {
                out[i] = v[i];
            }
        } else if (a instanceof BigInteger[] v) {
            for (int i = 0; i < n; i++) {
                out[i] = v[i].longValueExact();
            }
        } else {
            throw new IllegalArgumentException("not an integer array: " + a.getClass().getSimpleName());
        }
        return out;
    }

    /** Any integer 1-D array as ints (column indices); values beyond int range are rejected. */
    static int[] toInt(Object a) {
        if (a instanceof int[] i) {
            return i;
        }
        long[] l = toLong(a);
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            out[i] = Math.toIntExact(l[i]);
        }
        return out;
    }

    /**
     * A 1-D array as strings: strings as they are, integers in decimal, floats in their shortest
     * form ({@code 2557.0}), NaN as "" (missing).
     */
    static List<String> toStrings(Object a) {
        if (a instanceof String[] s) {
            List<String> out = new ArrayList<>(s.length);
            for (String v : s) {
                out.add(v == null ? "" : v);
            }
            return out;
        }
        int n = length(a);
        List<String> out = new ArrayList<>(n);
        if (a instanceof float[] f) {
            for (float v : f) {
                out.add(Float.isNaN(v) ? "" : Float.toString(v));
            }
        } else if (a instanceof double[] d) {
            for (double v : d) {
                out.add(Double.isNaN(v) ? "" : Double.toString(v));
            }
        } else if (a instanceof boolean[] b) {
            for (boolean v : b) {
                out.add(v ? "True" : "False");
            }
        } else if (a instanceof BigInteger[] b) {
            for (BigInteger v : b) {
                out.add(v.toString());
            }
        } else {
            for (long v : toLong(a)) {
                out.add(Long.toString(v));
            }
        }
        return out;
    }

    static int length(Object a) {
        if (a == null || !a.getClass().isArray()) {
            throw new IllegalArgumentException("not an array: " + a);
        }
        return java.lang.reflect.Array.getLength(a);
    }
}
