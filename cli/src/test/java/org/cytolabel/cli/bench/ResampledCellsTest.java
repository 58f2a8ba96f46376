package org.cytolabel.cli.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.cytolabel.core.TestData;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.data.DatasetReader;
import org.junit.jupiter.api.Test;

class ResampledCellsTest {

    @Test
    void poissonDrawsHaveTheRequestedMeanAndVariance() {
        for (double mean : new double[] {0.5, 3, 9.99, 10, 25, 400}) {
            PoissonSampler poisson = new PoissonSampler(new SplittableRandom(7));
            int n = 200_000;
            double sum = 0;
            double sumSq = 0;
            for (int i = 0; i < n; i++) {
                int k = poisson.next(mean);
                assertTrue(k >= 0);
                sum += k;
                sumSq += (double) k * k;
            }
            double m = sum / n;
            double var = sumSq / n - m * m;
            // 6 standard errors of the mean; the sample variance within 3%.
            assertEquals(mean, m, 6 * Math.sqrt(mean / n), "mean of Poisson(" + mean + ")");
            assertEquals(mean, var, 0.03 * mean, "variance of Poisson(" + mean + ")");
        }
        assertEquals(0, new PoissonSampler(new SplittableRandom(1)).next(0));
    }

    @Test
    void logFactorialIsContinuousWhereStirlingTakesOver() {
        double exact = 0;
        for (int k = 1; k <= 300; k++) {
            exact += Math.log(k);
            assertEquals(exact, PoissonSampler.logFactorial(k), 1e-9 * exact, "ln(" + k + "!)");
        }
    }

    @Test
    void resampledCellsKeepTheirSourceSupportAndDepth() {
        CsrMatrix real = DatasetReader.read(TestData.file(TestData.SORTED_PBMC)).counts();
        CsrMatrix a = ResampledCells.resample(real, 20_000, 3, null);
        CsrMatrix b = ResampledCells.resample(real, 20_000, 3, null);
        assertEquals(20_000, a.rows());
        assertEquals(real.cols(), a.cols());
        assertArrayEquals(a.indptr(), b.indptr());
        assertArrayEquals(a.indices(), b.indices());
        assertArrayEquals(a.values(), b.values());

        // Every resampled row's genes are a subset of its source row's (zeros stay zero): replay the choice.
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < a.rows(); i++) {
            int src = random.nextInt(real.rows());
            int k = real.indptr()[src];
            for (int j = a.indptr()[i]; j < a.indptr()[i + 1]; j++) {
                while (k < real.indptr()[src + 1] && real.indices()[k] < a.indices()[j]) {
                    k++;
                }
                assertTrue(k < real.indptr()[src + 1] && real.indices()[k] == a.indices()[j],
                        "row " + i + " has gene " + a.indices()[j] + " that its source cell " + src + " lacks");
                assertTrue(a.values()[j] >= 1 && a.values()[j] == Math.rint(a.values()[j]));
            }
        }
        // Poisson(real count) keeps the expected depth: mean counts per cell within 2% of the real mean.
        double realDepth = ResampledCells.meanCountPerCell(real);
        assertEquals(realDepth, ResampledCells.meanCountPerCell(a), 0.02 * realDepth);
        assertTrue(ResampledCells.meanGenesPerCell(a) < ResampledCells.meanGenesPerCell(real),
                "counts of 1 drawn as 0 drop genes");
    }
}
